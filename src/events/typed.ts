// The runtime half of `rxplow generate`: constructors for one Iglu schema, as a self-describing event and as an entity.
// Generated modules call these (one call per schema version, marked pure, so a bundler keeps only what an app uses).
import { DATA_CHECK, SelfDescribingJson } from '../payload/self-describing-json.js';
import type { DataCheck } from './schema-check.js';
import type { EventOf } from './definition.js';
import { selfDescribingEvent, type SelfDescribingEventFields } from './structured.js';

/** Where a generated constructor gets its development-only check: called once, at the first event; `undefined` means none. */
export type DataCheckSource = () => DataCheck | undefined;

/** A self-describing JSON of schema `S` whose data is typed `T`. */
export type TypedSelfDescribingJson<T extends object, S extends string = string> = SelfDescribingJson<T> & { readonly schema: S };

/** A self-describing event made by a generated constructor: track it like `selfDescribingEvent(...)`. */
export type TypedEvent<T extends object, S extends string = string> = EventOf<SelfDescribingEventFields, 'selfDescribingEvent'> & {
  readonly event: TypedSelfDescribingJson<T, S>;
};

/** A generated event constructor: `(data) => event`, carrying its Iglu URI as `schema`. */
export interface TypedEventConstructor<T extends object, S extends string = string> {
  /** Builds the self-describing event with this data. */
  (data: T): TypedEvent<T, S>;
  /** The Iglu URI of the schema, `iglu:VENDOR/NAME/jsonschema/M-R-A`. */
  readonly schema: S;
}

/** A generated entity constructor: `(data) => entity` for a `context` list, carrying its Iglu URI as `schema`. */
export interface TypedEntityConstructor<T extends object, S extends string = string> {
  /** Builds the entity (a `SelfDescribingJson`) with this data. */
  (data: T): TypedSelfDescribingJson<T, S>;
  /** The Iglu URI of the schema, `iglu:VENDOR/NAME/jsonschema/M-R-A`. */
  readonly schema: S;
}

/** A self-describing JSON carrying the (lazily made) check, under the symbol `checkSelfDescribing` looks for. */
function checked<T extends object, S extends string>(schema: S, data: T, source: (() => DataCheck | undefined) | undefined) {
  const json = new SelfDescribingJson(schema, data) as TypedSelfDescribingJson<T, S>;
  const check = source?.();
  // Run at tracking (checkSelfDescribing); the check itself does nothing outside development (schemaCheck).
  if (check !== undefined) Object.defineProperty(json, DATA_CHECK, { value: check });
  return json;
}

/** Calls `source` at most once. */
function once(source: DataCheckSource | undefined): (() => DataCheck | undefined) | undefined {
  if (source === undefined) return undefined;
  let made: { check: DataCheck | undefined } | undefined;
  return () => (made ??= { check: source() }).check;
}

/**
 * The event constructor for one schema (what `rxplow generate` writes for each schema version). In development
 * (`isDevelopment()`), the check from `check` runs when the event is tracked: data that breaks the schema is an
 * `InvalidEventError` naming its path (`event.data.sku`), so it is not sent.
 * @param schema the Iglu URI
 * @param check where the development-only check comes from (`undefined`: none)
 */
export function typedEvent<T extends object, S extends string = string>(schema: S, check?: DataCheckSource): TypedEventConstructor<T, S> {
  const source = once(check);
  const make = (data: T): TypedEvent<T, S> => selfDescribingEvent(checked(schema, data, source)) as TypedEvent<T, S>;
  return Object.assign(make, { schema });
}

/**
 * The entity constructor for one schema (what `rxplow generate` writes for each schema version); its development-only
 * check runs when the entity is tracked (in `context` or a global context), naming the path (`context[0].data.sku`).
 * @param schema the Iglu URI
 * @param check where the development-only check comes from (`undefined`: none)
 */
export function typedEntity<T extends object, S extends string = string>(schema: S, check?: DataCheckSource): TypedEntityConstructor<T, S> {
  const source = once(check);
  return Object.assign((data: T) => checked(schema, data, source), { schema });
}
