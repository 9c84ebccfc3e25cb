import { diagnostic } from '../diagnostics.js';
import { InvalidEventError } from '../errors.js';
import { toJson } from './json.js';
import { IGLU_URI } from './schemas.js';

/**
 * A self-describing JSON: data together with the Iglu URI of the JSON Schema it follows.
 * Used for self-describing events and for context entities.
 *
 * @example
 * new SelfDescribingJson('iglu:com.acme/viewed_product/jsonschema/1-0-0', { productId: 'A1', price: 9.5 })
 */
export class SelfDescribingJson<T extends object = Record<string, unknown>> {
  /** The Iglu URI, `iglu:VENDOR/NAME/jsonschema/MODEL-REVISION-ADDITION`. */
  readonly schema: string;
  /** The data. Its deep serialisability is checked when it is tracked. */
  readonly data: T;

  /** @throws {InvalidEventError} when `schema` is not a valid Iglu URI or `data` is not an object. */
  constructor(schema: string, data: T) {
    this.schema = checkIgluUri(schema, 'schema');
    if (typeof data !== 'object' || data === null) throw new InvalidEventError('data', diagnostic(212));
    this.data = data;
  }

  /** The plain `{ schema, data }` object: what `JSON.stringify` writes for it. */
  toJSON(): { schema: string; data: T } {
    return { schema: this.schema, data: this.data };
  }
}

/** Anything shaped like a self-describing JSON (a {@link SelfDescribingJson} or a plain `{schema, data}` object). */
export interface SelfDescribing {
  readonly schema: string;
  readonly data: unknown;
}

export function checkIgluUri(uri: unknown, field: string): string {
  if (typeof uri !== 'string' || !IGLU_URI.test(uri)) {
    throw new InvalidEventError(field, diagnostic(213, uri));
  }
  return uri;
}

/**
 * The key under which a self-describing JSON made by a generated constructor (`rxplow generate`) carries its
 * development-only data check, `(data, field) => void`, which throws an `InvalidEventError`. A symbol: the JSON sent is
 * unchanged. (The check decides itself whether this is development: this module stays free of that switch.)
 */
export const DATA_CHECK: unique symbol = Symbol.for('rxplow.dataCheck') as never;

/**
 * Validates a `{schema, data}` value given by a caller (a class instance or plain data). A plain object's `schema` and
 * `data` are read once, into a new object: what is checked is what is used later.
 */
export function checkSelfDescribing(value: unknown, field: string): SelfDescribing {
  if (typeof value !== 'object' || value === null) throw new InvalidEventError(field, diagnostic(214));
  (value as { [DATA_CHECK]?: (data: unknown, field: string) => void })[DATA_CHECK]?.((value as SelfDescribing).data, `${field}.data`);
  // Instances were checked when constructed (both fields are readonly).
  if (value instanceof SelfDescribingJson) return value;
  const { schema, data } = value as Partial<SelfDescribing>;
  checkIgluUri(schema, `${field}.schema`);
  if (typeof data !== 'object' || data === null) throw new InvalidEventError(`${field}.data`, diagnostic(212));
  return { schema: schema as string, data };
}

/** An entity read once, at its check: its schema and its JSON text (`{"schema":…,"data":…}`), which is what is sent. */
export interface EntitySnapshot extends SelfDescribing {
  /** The entity as JSON text, made when it was checked. */
  readonly json: string;
}

/**
 * Checks an entity and snapshots it: the Iglu URI and the data are read once and serialised then, so a stateful
 * getter, `toJSON` or Proxy can neither change what was checked nor make a later read throw. @throws {InvalidEventError} naming `field` for an entity that is malformed or cannot be serialised.
 */
export function snapshotEntity(value: unknown, field: string): EntitySnapshot {
  const { schema, data } = checkSelfDescribing(value, field);
  return { schema, data, json: `{"schema":"${schema}","data":${toJson(data, field, '.data')}}` };
}
