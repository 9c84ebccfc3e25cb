import { utf8ByteLength } from '../payload/base64.js';
import type { Payload } from '../payload/payload.js';
import { PAYLOAD_DATA_SCHEMA } from '../payload/schemas.js';
import type { QueuedEvent } from './batch.js';

/** A request to a collector, as plain data: building it does no I/O and reads no clock (`sentAt` is passed in). */
export interface CollectorRequest {
  readonly url: string;
  readonly method: 'POST' | 'GET';
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  /**
   * The queued events this request carries (set by the `Emitter`): a transport that must tell a durable store what
   * it did with them (the browser outbox's keepalive hand-off at unload) reads them here, never from the body.
   */
  readonly items?: readonly QueuedEvent[] | undefined;
}

/** Bytes of the POST envelope around the events: `{"schema":"<payload_data>","data":[` and `]}`. */
export const POST_ENVELOPE_BYTES = `{"schema":"${PAYLOAD_DATA_SCHEMA}","data":[]}`.length;
/** Bytes `,"stm":"<13 digits>"` adds to an event. */
export const STM_BYTES = ',"stm":"0000000000000"'.length;
const CONTENT_TYPE = 'application/json; charset=utf-8';

/** Printable ASCII but `"` and `\\`: JSON.stringify writes such a string as it is, between quotes, 1 byte a character. */
const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const jsonStringBytes = (text: string): number => (PLAIN_JSON_STRING.test(text) ? text.length + 2 : utf8ByteLength(JSON.stringify(text)));

/**
 * UTF-8 bytes of `JSON.stringify(payload)` (an event's form in a POST body), without building the text: O(payload)
 * and no allocation for the usual ASCII fields; any other value is measured through JSON.stringify, so the count is
 * always exact (a property spec holds it to JSON.stringify for any payload).
 */
export function postJsonBytes(payload: Payload): number {
  let bytes = 2; // the braces
  let fields = 0;
  for (const key in payload) {
    const value: unknown = payload[key];
    let valueBytes: number;
    if (typeof value === 'string') valueBytes = jsonStringBytes(value);
    else {
      const json = JSON.stringify(value) as string | undefined;
      if (json === undefined) continue; // JSON.stringify leaves such values out
      valueBytes = utf8ByteLength(json);
    }
    bytes += jsonStringBytes(key) + 1 + valueBytes;
    fields++;
  }
  return bytes + Math.max(0, fields - 1); // the commas
}

/**
 * What a payload adds to a POST body, measured exactly when an emitter accepts it (its JSON, this attempt's `stm`
 * and the comma between events), so batches are packed by bytes and a body is never built larger than
 * `maxPostBytes`. Nothing is kept but the count: the event is serialised once per attempt, with its batch.
 */
export function measureForPost(payload: Payload, json?: string): { readonly encoded: undefined; readonly bytes: number } {
  return { encoded: undefined, bytes: (json === undefined ? postJsonBytes(payload) : utf8ByteLength(json)) + STM_BYTES + 1 };
}

/**
 * GET form of a payload: its query string, without `stm` (added per attempt, first). `co`/`cx` go last, so a
 * truncated URL loses contexts before core fields. Payload strings are well-formed (the tracker makes them so).
 */
export function encodeForGet(payload: Payload): string {
  let head = '';
  let tail = '';
  for (const key in payload) {
    const pair = `${encodeURIComponent(key)}=${encodeURIComponent(payload[key]!)}`;
    if (key === 'cx' || key === 'co') tail += `&${pair}`;
    else head += `&${pair}`;
  }
  return (head + tail).slice(1);
}

/**
 * A POST of `events` (each carrying this attempt's `stm`) in one `payload_data` envelope. One JSON.stringify over the
 * envelope: V8's fast path for arrays of like-shaped objects beats encoding events one by one. Events restored with
 * their stored JSON (`stored`, every one of them) are sent as that text instead.
 */
export function buildPostRequest(
  url: string,
  headers: Readonly<Record<string, string>>,
  events: readonly Payload[],
  stored?: { readonly items: readonly QueuedEvent[]; readonly sentAt: number },
): CollectorRequest {
  const body = (stored && postBodyFromStored(stored.items, stored.sentAt)) ?? JSON.stringify({ schema: PAYLOAD_DATA_SCHEMA, data: events });
  return { url, method: 'POST', headers: { ...headers, 'Content-Type': CONTENT_TYPE }, body };
}

/**
 * The same POST from the events' stored JSON texts (`QueuedEvent.json`, restored by a durable store), each with this
 * attempt's `stm` put before its closing brace: the text the store kept is sent, not serialised again. `undefined`
 * unless every event has one.
 */
function postBodyFromStored(items: readonly QueuedEvent[], sentAt: number): string | undefined {
  const stm = `"stm":"${sentAt}"}`;
  let body = POST_PREFIX;
  for (let i = 0; i < items.length; i++) {
    const json = items[i]!.json;
    if (json === undefined) return undefined;
    body += (i === 0 ? '' : ',') + (json === '{}' ? `{${stm}` : `${json.slice(0, -1)},${stm}`);
  }
  return body + ']}';
}

const POST_PREFIX = `{"schema":"${PAYLOAD_DATA_SCHEMA}","data":[`;

export function buildGetRequest(
  url: string,
  headers: Readonly<Record<string, string>>,
  item: QueuedEvent,
  sentAt: number,
): CollectorRequest {
  return { url: `${url}?stm=${sentAt}&${item.encoded ?? encodeForGet(item.payload)}`, method: 'GET', headers, body: undefined };
}

/** The events as a request carries them: each payload with that attempt's `stm` (fresh, frozen copies). */
export const eventsAsSent = (items: readonly QueuedEvent[], sentAt: number): Payload[] => {
  const stm = String(sentAt);
  return items.map((item) => Object.freeze({ ...item.payload, stm }));
};
