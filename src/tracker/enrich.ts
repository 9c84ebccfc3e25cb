// The per-event enrichment step: what a platform layer (page and session fields, browser entities), global contexts
// and the `eventFields` option add to an event. One list of enrichers, run once per payload in the order declared;
// each returns fields and entities (Snowplow's `beforeTrack` and `contexts()` in one), and none relies on another's
// side effect: an enricher sees the fields of the ones before it in the payload it is given, nothing else.
import { InvalidEventError, UnexpectedError } from '../errors.js';
import type { WireEvent } from '../events/definition.js';
import type { Payload } from '../payload/payload.js';
import { snapshotEntity, type EntitySnapshot, type SelfDescribing } from '../payload/self-describing-json.js';
import { toWellFormed } from '../payload/well-formed.js';
import { RESERVED_FIELDS, type Enriched } from './assemble.js';
import { resolveGlobalContexts, type GlobalContextRule } from './global-contexts.js';

/** What an enricher is told about the payload it enriches. */
export interface EnrichmentEvent {
  /** The event's kind (`pageView`, `structEvent`, …). */
  readonly kind: string;
  /** The payload so far: the event's wire fields, the subject's, and those of the enrichers before this one; no contexts. */
  readonly payload: Payload;
  /** The Iglu URI of a self-describing event (`e=ue`); `undefined` for the others. */
  readonly schema: string | undefined;
}

/** What an enricher adds to one payload. */
export interface Enrichment {
  /**
   * Wire fields, over the subject's and under the event's own (a page view's `url` wins). `e`, `eid`, `dtm`, `ttm`,
   * `stm`, `tv` and the encoded JSON fields are the tracker's and are ignored, as are empty values.
   */
  readonly fields?: Readonly<Record<string, string>> | undefined;
  /** Entities added to the payload's contexts, after the event's own and the call's. */
  readonly entities?: readonly SelfDescribing[] | undefined;
}

/**
 * One step of per-event enrichment, called once per payload (a transaction's items each get a call). What it throws
 * drops the event (reason `error`) at every sink; an entity that is not valid drops it with reason `invalid`.
 */
export type Enricher = (event: EnrichmentEvent) => Enrichment | undefined;

/** What a failed enrichment recorded: the event then goes to no collector. */
export interface EnrichmentFailure {
  error?: InvalidEventError | UnexpectedError;
}

const NOTHING: Enriched = { fields: undefined, entities: [] };

/**
 * Runs `enrichers` in order on one payload: merges each one's fields into `payload` (so the next one sees them) and
 * snapshots its entities. A failure is recorded in `failure`, never thrown, and the later payloads of the same
 * call are not enriched.
 */
export function runEnrichers(
  enrichers: readonly Enricher[],
  kind: string,
  payload: Payload,
  wire: WireEvent,
  failure: EnrichmentFailure,
): Enriched {
  if (failure.error || enrichers.length === 0) return NOTHING;
  const schema = wire.unstruct?.schema;
  let seen: Record<string, string> | undefined;
  const entities: EntitySnapshot[] = [];
  for (let i = 0; i < enrichers.length; i++) {
    try {
      const added = enrichers[i]!({ kind, payload: seen ?? payload, schema });
      if (added === undefined || added === null) continue;
      if (added.fields !== undefined) seen = mergeFields(seen ?? { ...payload }, added.fields, wire);
      const list = added.entities ?? [];
      for (let j = 0; j < list.length; j++) entities.push(snapshotEntity(list[j], `enrichers[${i}].entities[${j}]`));
    } catch (error) {
      failure.error =
        error instanceof InvalidEventError || error instanceof UnexpectedError ? error : new UnexpectedError('an enricher threw', error);
      return NOTHING;
    }
  }
  return { fields: seen, entities };
}

/** Adds an enricher's fields to `into`: non-empty strings only, never a reserved key or one the event sets itself. */
function mergeFields(into: Record<string, string>, fields: Readonly<Record<string, string>>, wire: WireEvent): Record<string, string> {
  for (const key in fields) {
    const value = fields[key];
    if (typeof value !== 'string' || value === '' || RESERVED_FIELDS.has(key)) continue;
    const own = wire.fields?.[key];
    if (own !== undefined && own !== '') continue;
    into[key] = toWellFormed(value);
  }
  return into;
}

/** The `eventFields` option as an enricher: its fields, nothing else (what it throws: "an enricher threw"). */
export const eventFieldsEnricher =
  (eventFields: (event: { readonly kind: string }) => Readonly<Record<string, string>> | undefined): Enricher =>
  ({ kind }) => ({ fields: eventFields({ kind }) });

/** Global contexts as an enricher: the rules in force when a payload is enriched (`rules()` is read each time). */
export function globalContextsEnricher(rules: () => readonly GlobalContextRule[]): Enricher {
  return (event) => {
    const current = rules();
    if (current.length === 0) return undefined;
    try {
      return { entities: resolveGlobalContexts(current, event.kind, event.payload, event.schema) };
    } catch (error) {
      throw error instanceof InvalidEventError ? error : new UnexpectedError('a global-context generator threw', error);
    }
  };
}
