import type { WireEvent } from '../events/definition.js';
import { base64UrlEncode } from '../payload/base64.js';
import { assertJsonData } from '../payload/json.js';
import type { Payload } from '../payload/payload.js';
import { CONTEXTS_SCHEMA, UNSTRUCT_EVENT_SCHEMA } from '../payload/schemas.js';
import type { SelfDescribing } from '../payload/self-describing-json.js';
import { toWellFormed, wellFormedJson } from '../payload/well-formed.js';

/** Everything a track call adds to its wire events. Pure data: no clock, no id source but `newId`. */
export interface Assembly {
  /** The first payload's event id; later payloads of the same call (transaction items) get `newId()`. */
  readonly eventId: string;
  readonly newId: () => string;
  /** Device timestamp (`dtm`), ms. */
  readonly deviceTimestamp: number;
  /** True timestamp (`ttm`), ms, when the caller gave one. */
  readonly trueTimestamp: number | undefined;
  /** Tracker-wide wire fields: `tv`, `tna`, `aid`, `p` and the subject's fields, already strings. */
  readonly common: Readonly<Record<string, string>>;
  /** The caller's context entities, checked by the caller. */
  readonly context: readonly SelfDescribing[];
  /** `true`: `ue_px`/`cx` base64url; `false`: `ue_pr`/`co` raw JSON. */
  readonly encodeBase64: boolean;
  /**
   * Entities to add to each payload (global contexts), given the payload so far (without `cx`/`co`) and its wire
   * event. Returns checked entities; what it throws goes to the caller as it is.
   */
  readonly extraContext?: ((payload: Payload, wire: WireEvent) => readonly SelfDescribing[]) | undefined;
}

/**
 * Turns wire events into finished, frozen payloads with well-formed strings (lone surrogates become U+FFFD). Throws
 * InvalidEventError (naming the field) when self-describing data or context cannot be serialised, before anything
 * is returned, so nothing half-built is ever sent.
 */
export function assemblePayloads(wire: readonly WireEvent[], assembly: Assembly): Payload[] {
  const contextJson = assembly.context.length > 0 ? contextsJson(assembly.context, 'context') : undefined;
  const payloads: Payload[] = [];
  for (let i = 0; i < wire.length; i++) {
    const event = wire[i]!;
    const payload: Record<string, string> = { e: event.e, eid: i === 0 ? assembly.eventId : assembly.newId() };
    payload['dtm'] = String(Math.round(assembly.deviceTimestamp));
    if (assembly.trueTimestamp !== undefined) payload['ttm'] = String(Math.round(assembly.trueTimestamp));
    Object.assign(payload, assembly.common);
    const fields = event.fields;
    if (fields) {
      for (const key in fields) {
        const value = fields[key];
        if (value !== undefined && value !== '') payload[key] = typeof value === 'string' ? toWellFormed(value) : String(value);
      }
    }
    if (event.unstruct) {
      assertJsonData(event.unstruct.data, 'event.data');
      // Built as a string, like the contexts envelope: the schema is a checked Iglu URI, nothing to escape.
      const json = `${UNSTRUCT_PREFIX}${event.unstruct.schema}","data":${wellFormedJson(JSON.stringify(event.unstruct.data))}}}`;
      setEncoded(payload, assembly.encodeBase64 ? 'ue_px' : 'ue_pr', json, assembly.encodeBase64);
    }
    const extra = assembly.extraContext?.(payload, event);
    let json = contextJson;
    if (event.entities || (extra !== undefined && extra.length > 0)) {
      json = contextsJson([...(event.entities ?? []), ...assembly.context, ...(extra ?? [])], 'context');
    }
    if (json !== undefined) setEncoded(payload, assembly.encodeBase64 ? 'cx' : 'co', json, assembly.encodeBase64);
    payloads.push(Object.freeze(payload));
  }
  return payloads;
}

/**
 * The `contexts` envelope as JSON text. Built as a string: schemas are Iglu URIs (checked, nothing to escape), so only
 * each entity's data needs JSON.stringify — no intermediate objects on this per-event path.
 */
function contextsJson(entities: readonly SelfDescribing[], path: string): string {
  let json = CONTEXTS_PREFIX;
  for (let i = 0; i < entities.length; i++) {
    const entity = entities[i]!;
    assertJsonData(entity.data, `${path}[${i}].data`);
    json += `${i === 0 ? '' : ','}{"schema":"${entity.schema}","data":${JSON.stringify(entity.data)}}`;
  }
  return wellFormedJson(json + ']}');
}

const CONTEXTS_PREFIX = `{"schema":"${CONTEXTS_SCHEMA}","data":[`;
const UNSTRUCT_PREFIX = `{"schema":"${UNSTRUCT_EVENT_SCHEMA}","data":{"schema":"`;

function setEncoded(payload: Record<string, string>, key: string, json: string, base64: boolean): void {
  payload[key] = base64 ? base64UrlEncode(json) : json;
}
