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
}

const POST_PREFIX = `{"schema":"${PAYLOAD_DATA_SCHEMA}","data":[`;
const POST_SUFFIX = ']}';
/** Bytes of the POST envelope around the events (the `payload_data` schema and the brackets). */
export const POST_ENVELOPE_BYTES = POST_PREFIX.length + POST_SUFFIX.length;
/** Bytes `,"stm":"<13 digits>"` adds to an event. */
export const STM_BYTES = ',"stm":"0000000000000"'.length;
const CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * A payload's POST form, serialised once when an emitter accepts it: its JSON text and what it adds to a body
 * (UTF-8 bytes, with this attempt's `stm` and the comma between events), so batches are packed by bytes and a body
 * is never built larger than `maxPostBytes`.
 */
export function encodeForPost(payload: Payload): { readonly encoded: string; readonly bytes: number } {
  const encoded = JSON.stringify(payload);
  return { encoded, bytes: utf8ByteLength(encoded) + STM_BYTES + 1 };
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

/** A POST of queued events (each serialised when accepted) with this attempt's `stm`, in one `payload_data` envelope. */
export function buildPostRequest(url: string, headers: Readonly<Record<string, string>>, items: readonly QueuedEvent[], sentAt: number): CollectorRequest {
  const stm = `,"stm":"${sentAt}"}`;
  let body = POST_PREFIX;
  for (let i = 0; i < items.length; i++) {
    const json = items[i]!.encoded ?? JSON.stringify(items[i]!.payload);
    // `{...}` → `{...,"stm":"<sentAt>"}`: the payload's own text, never parsed or re-serialised.
    body += (i === 0 ? '' : ',') + json.slice(0, -1) + stm;
  }
  return { url, method: 'POST', headers: { ...headers, 'Content-Type': CONTENT_TYPE }, body: body + POST_SUFFIX };
}

export function buildGetRequest(url: string, headers: Readonly<Record<string, string>>, item: QueuedEvent, sentAt: number): CollectorRequest {
  return { url: `${url}?stm=${sentAt}&${item.encoded ?? encodeForGet(item.payload)}`, method: 'GET', headers, body: undefined };
}

/** The events as a request carries them: each payload with that attempt's `stm` (fresh, frozen copies). */
export const eventsAsSent = (items: readonly QueuedEvent[], sentAt: number): Payload[] => {
  const stm = String(sentAt);
  return items.map((item) => Object.freeze({ ...item.payload, stm }));
};
