// Decodes a payload into readable parts, so specs compare JSON, never base64 golden strings.
// Works in Node and in the browser: base64UrlDecode is TextDecoder + atob.
import { base64UrlDecode } from '../../src/payload/base64.js';

/** A self-describing JSON as it appears on the wire. */
export interface WireSelfDescribing {
  readonly schema: string;
  readonly data: unknown;
}

/** The `unstruct_event` envelope: its `data` is the event's own self-describing JSON. */
export interface WireUnstructEvent {
  readonly schema: string;
  readonly data: WireSelfDescribing;
}

/** The `contexts` envelope: its `data` is the array of entities. */
export interface WireContexts {
  readonly schema: string;
  readonly data: readonly WireSelfDescribing[];
}

export interface DecodedPayload {
  /** Every key except `ue_px`/`ue_pr`/`cx`/`co`, as sent. */
  readonly fields: Readonly<Record<string, string>>;
  /** `ue_px` (base64url) or `ue_pr` (raw JSON), parsed; `undefined` when the payload has neither. */
  readonly unstructEvent: WireUnstructEvent | undefined;
  /** `cx` (base64url) or `co` (raw JSON), parsed; `undefined` when the payload has neither. */
  readonly contexts: WireContexts | undefined;
}

const ENCODED_KEYS = new Set(['ue_px', 'ue_pr', 'cx', 'co']);

/** Decodes one payload (a wire-key → string map). */
export function decodePayload(payload: Readonly<Record<string, string>>): DecodedPayload {
  const fields: Record<string, string> = {};
  for (const key of Object.keys(payload)) if (!ENCODED_KEYS.has(key)) fields[key] = payload[key]!;
  return {
    fields,
    unstructEvent: decodeJson<WireUnstructEvent>(payload['ue_px'], payload['ue_pr']),
    contexts: decodeJson<WireContexts>(payload['cx'], payload['co']),
  };
}

function decodeJson<T>(base64: string | undefined, raw: string | undefined): T | undefined {
  if (base64 !== undefined) return JSON.parse(base64UrlDecode(base64)) as T;
  if (raw !== undefined) return JSON.parse(raw) as T;
  return undefined;
}
