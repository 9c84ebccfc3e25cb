import type { WireEvent } from '../events/definition.js';
import { base64UrlEncode } from '../payload/base64.js';
import { toJson } from '../payload/json.js';
import type { Payload } from '../payload/payload.js';
import { CONTEXTS_SCHEMA, UNSTRUCT_EVENT_SCHEMA } from '../payload/schemas.js';
import { snapshotEntity, type EntitySnapshot } from '../payload/self-describing-json.js';
import { toWellFormed } from '../payload/well-formed.js';

/** Fields only the tracker and emitters write: an enricher cannot set them. */
export const RESERVED_FIELDS: ReadonlySet<string> = new Set(['e', 'eid', 'dtm', 'ttm', 'stm', 'tv', 'ue_px', 'ue_pr', 'cx', 'co']);

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
  /** The caller's context entities, snapshotted by the caller's check. */
  readonly context: readonly EntitySnapshot[];
  /** `true`: `ue_px`/`cx` base64url; `false`: `ue_pr`/`co` raw JSON. */
  readonly encodeBase64: boolean;
  /**
   * The enrichment step (see `enrich.ts`), once per payload: given the payload so far (without `cx`/`co`) and its
   * wire event, returns the payload's fields with the enrichers' merged in (already filtered: never over the event's
   * own or a reserved key) and snapshotted entities. What it throws goes to the caller as it is.
   */
  readonly enrich?: ((payload: Payload, wire: WireEvent) => Enriched) | undefined;
}

/** What the enrichment step gives one payload. */
export interface Enriched {
  readonly fields: Readonly<Record<string, string>> | undefined;
  readonly entities: readonly EntitySnapshot[];
}

/**
 * Turns wire events into finished, frozen payloads with well-formed strings (lone surrogates become U+FFFD). Throws
 * InvalidEventError (naming the field) when self-describing data or context cannot be serialised, before anything
 * is returned, so nothing half-built is ever sent. Every entity is serialised once (its snapshot), and that text is
 * what the payload carries.
 */
export function assemblePayloads(wire: readonly WireEvent[], assembly: Assembly): Payload[] {
  const contextJson = assembly.context.length > 0 ? contextsJson(assembly.context) : undefined;
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
      // Built as a string, like the contexts envelope: the schema is a checked Iglu URI, nothing to escape.
      const json = `${UNSTRUCT_PREFIX}${event.unstruct.schema}","data":${toJson(event.unstruct.data, 'event.data')}}}`;
      setEncoded(payload, assembly.encodeBase64 ? 'ue_px' : 'ue_pr', json, assembly.encodeBase64);
    }
    const enriched = assembly.enrich?.(payload, event);
    if (enriched?.fields !== undefined) Object.assign(payload, enriched.fields);
    let json = contextJson;
    if (event.entities || (enriched !== undefined && enriched.entities.length > 0)) {
      const own = (event.entities ?? []).map((entity, j) => snapshotEntity(entity, `entities[${j}]`));
      json = contextsJson([...own, ...assembly.context, ...(enriched?.entities ?? [])]);
    }
    if (json !== undefined) setEncoded(payload, assembly.encodeBase64 ? 'cx' : 'co', json, assembly.encodeBase64);
    payloads.push(Object.freeze(payload));
  }
  return payloads;
}

/** The `contexts` envelope as JSON text, from the entities' snapshots: no entity is read again here. */
function contextsJson(entities: readonly EntitySnapshot[]): string {
  let json = CONTEXTS_PREFIX;
  for (let i = 0; i < entities.length; i++) json += (i === 0 ? '' : ',') + entities[i]!.json;
  return json + ']}';
}

const CONTEXTS_PREFIX = `{"schema":"${CONTEXTS_SCHEMA}","data":[`;
const UNSTRUCT_PREFIX = `{"schema":"${UNSTRUCT_EVENT_SCHEMA}","data":{"schema":"`;

function setEncoded(payload: Record<string, string>, key: string, json: string, base64: boolean): void {
  payload[key] = base64 ? base64UrlEncode(json) : json;
}
