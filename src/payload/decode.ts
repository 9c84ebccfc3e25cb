// Reads tracker-protocol requests back into plain objects. Web-standard APIs only: shared by the in-process testing
// collector (Node and browsers) and the `rxplow collector` CLI (Node), which adds schema validation on top.
import { base64UrlDecode } from './base64.js';

/** A self-describing JSON as found on the wire: an Iglu URI and the data it describes. */
export interface SelfDescribingData {
  readonly schema: string;
  readonly data: unknown;
}

/** The `e` codes of the tracker protocol and the names Snowplow's enriched `event` column gives them. */
export const EVENT_NAMES: Readonly<Record<string, string>> = {
  pv: 'page_view',
  pp: 'page_ping',
  se: 'struct',
  ue: 'unstruct',
  tr: 'transaction',
  ti: 'transaction_item',
};

/** The readable name of an `e` code (`'pv'` → `'page_view'`); an unknown code is returned as it is. */
export const eventNameOf = (code: string | undefined): string => (code === undefined ? 'unknown' : (EVENT_NAMES[code] ?? code));

/** The raw events of one request, before any field is decoded. */
export interface RequestEvents {
  /** Each event as an object of wire key → value (strings when the tracker follows the protocol). */
  readonly events: readonly Record<string, unknown>[];
  /** For POST, the `schema` of the body's envelope. */
  readonly envelopeSchema: string | undefined;
  /** Why (part of) the request could not be read. */
  readonly errors: readonly string[];
  /** The POST body is not JSON at all. */
  readonly malformedJson: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** GET: the query string is the one event. POST: the body is a `payload_data` envelope holding a batch. */
export function readRequestEvents(method: string, url: string, body: string | undefined): RequestEvents {
  if (method.toUpperCase() === 'GET') {
    const query = new URL(url, 'http://collector.invalid').searchParams;
    const event = Object.fromEntries(query);
    return Object.keys(event).length === 0
      ? { events: [], envelopeSchema: undefined, errors: ['GET request without a query string: no event'], malformedJson: false }
      : { events: [event], envelopeSchema: undefined, errors: [], malformedJson: false };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch (error) {
    return { events: [], envelopeSchema: undefined, errors: [`body is not valid JSON: ${messageOf(error)}`], malformedJson: true };
  }
  if (!isObject(parsed) || typeof parsed['schema'] !== 'string') {
    return {
      events: [],
      envelopeSchema: undefined,
      errors: ['body is not a self-describing JSON {"schema": "iglu:…", "data": […]}'],
      malformedJson: false,
    };
  }
  const envelopeSchema = parsed['schema'];
  const data = parsed['data'];
  if (!Array.isArray(data)) return { events: [], envelopeSchema, errors: ['body "data" is not an array of events'], malformedJson: false };
  const errors: string[] = [];
  const events: Record<string, unknown>[] = [];
  data.forEach((item: unknown, index) => {
    if (isObject(item)) events.push(item);
    else errors.push(`body data[${index}] is not an event object`);
  });
  return { events, envelopeSchema, errors, malformedJson: false };
}

/** A decoded `ue_px`/`ue_pr` or `cx`/`co` field: absent, its JSON value, or why it could not be read. */
export type DecodedField =
  { readonly kind: 'absent' } | { readonly kind: 'ok'; readonly value: unknown } | { readonly kind: 'error'; readonly error: string };

/** Decodes the base64url field (`ue_px`/`cx`) or, failing that, the raw JSON field (`ue_pr`/`co`) of an event. */
export function decodeJsonField(event: Readonly<Record<string, unknown>>, base64Key: string, rawKey: string): DecodedField {
  const encoded = event[base64Key];
  const raw = event[rawKey];
  const key = encoded !== undefined ? base64Key : rawKey;
  const value = encoded !== undefined ? encoded : raw;
  if (value === undefined) return { kind: 'absent' };
  if (typeof value !== 'string') return { kind: 'error', error: `${key}: expected a string, got ${typeof value}` };
  let text = value;
  if (key === base64Key) {
    try {
      text = base64UrlDecode(value);
    } catch (error) {
      return { kind: 'error', error: `${key}: invalid base64: ${messageOf(error)}` };
    }
  }
  try {
    return { kind: 'ok', value: JSON.parse(text) as unknown };
  } catch (error) {
    return { kind: 'error', error: `${key}: invalid JSON: ${messageOf(error)}` };
  }
}

/** `{schema, data}` when `value` has that shape. */
export function asSelfDescribing(value: unknown): SelfDescribingData | undefined {
  return isObject(value) && typeof value['schema'] === 'string' && 'data' in value
    ? { schema: value['schema'], data: value['data'] }
    : undefined;
}

/** What an event carries in `ue_px`/`ue_pr` and `cx`/`co`, unwrapped from the envelopes, with any decoding problems. */
export interface UnwrappedEvent {
  /** The self-describing event inside the `unstruct_event` envelope. */
  readonly unstruct: SelfDescribingData | undefined;
  /** The entities inside the `contexts` envelope. */
  readonly contexts: readonly SelfDescribingData[];
  readonly errors: readonly string[];
}

/** Decodes and unwraps an event's self-describing parts, recording (never throwing) what cannot be read. */
export function unwrapEvent(event: Readonly<Record<string, unknown>>): UnwrappedEvent {
  const errors: string[] = [];
  const ue = decodeJsonField(event, 'ue_px', 'ue_pr');
  let unstruct: SelfDescribingData | undefined;
  if (ue.kind === 'error') errors.push(ue.error);
  else if (ue.kind === 'ok') {
    unstruct = asSelfDescribing(asSelfDescribing(ue.value)?.data);
    if (!unstruct) errors.push('unstruct_event envelope: expected {"schema", "data": {"schema", "data"}}');
  }
  const cx = decodeJsonField(event, 'cx', 'co');
  const contexts: SelfDescribingData[] = [];
  if (cx.kind === 'error') errors.push(cx.error);
  else if (cx.kind === 'ok') {
    const items = asSelfDescribing(cx.value)?.data;
    if (!Array.isArray(items)) errors.push('contexts envelope: expected {"schema", "data": [...]}');
    else {
      items.forEach((item: unknown, index) => {
        const entity = asSelfDescribing(item);
        if (entity) contexts.push(entity);
        else errors.push(`contexts data[${index}]: expected {"schema", "data"}`);
      });
    }
  }
  return { unstruct, contexts, errors };
}

/** Whether `uri` is `pattern` or starts with it at a `/` boundary (`iglu:com.acme/checkout` matches every version). */
export function schemaMatches(uri: string | undefined, pattern: string): boolean {
  if (uri === undefined || !uri.startsWith(pattern)) return false;
  return uri.length === pattern.length || pattern.endsWith('/') || uri[pattern.length] === '/';
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
