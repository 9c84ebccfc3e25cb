import { InvalidEventError, InvalidOptionsError } from '../errors.js';
import type { JsonValue } from './json.js';

/**
 * Field checkers: each validates one input value and returns it (typed), or throws an InvalidEventError
 * that names the field. Event definitions list one checker per field, so every rule lives in a table.
 */
export type Check<T> = (value: unknown, field: string) => T;

/** A checker table that must name every field of `F` (the compiler enforces completeness). */
export type Checks<F> = { readonly [K in keyof F]-?: Check<F[K]> };

const fail = (field: string, problem: string): never => {
  throw new InvalidEventError(field, problem);
};

const isMissing = (value: unknown): value is undefined | null => value === undefined || value === null;

/** A value of the wrong type; a missing one (`undefined`, `null`) is reported as required. */
const mismatch = (field: string, what: string, value: unknown): never =>
  fail(field, isMissing(value) ? `required: expected ${what}` : `expected ${what}, got ${describe(value)}`);

/** Makes a checker accept `undefined` (and `null`, as "not given"). */
export const optional =
  <T>(check: Check<T>): Check<T | undefined> =>
  (value, field) =>
    isMissing(value) ? undefined : check(value, field);

export const string: Check<string> = (value, field) => (typeof value === 'string' ? value : mismatch(field, 'a string', value));

/** A string with at least one non-blank character: for required fields such as `pageUrl`. */
export const nonEmptyString: Check<string> = (value, field) =>
  string(value, field).trim() === '' ? fail(field, 'required, got an empty string') : (value as string);

export const finiteNumber: Check<number> = (value, field) =>
  typeof value === 'number' && Number.isFinite(value) ? value : mismatch(field, 'a finite number', value);

export const integer: Check<number> = (value, field) =>
  Number.isInteger(finiteNumber(value, field)) ? (value as number) : fail(field, `expected an integer, got ${String(value)}`);

export const nonNegativeInteger: Check<number> = (value, field) =>
  integer(value, field) >= 0 ? (value as number) : fail(field, `expected an integer ≥ 0, got ${String(value)}`);

export const boolean: Check<boolean> = (value, field) => (typeof value === 'boolean' ? value : mismatch(field, 'a boolean', value));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const uuid: Check<string> = (value, field) =>
  UUID.test(string(value, field)) ? (value as string) : fail(field, `expected a UUID, got "${String(value)}"`);

export const oneOf =
  <const T extends string>(allowed: readonly T[]): Check<T> =>
  (value, field) =>
    allowed.includes(value as T) ? (value as T) : mismatch(field, `one of ${allowed.join(', ')}`, value);

export const arrayOf =
  <T>(item: Check<T>): Check<T[]> =>
  (value, field) => {
    if (!Array.isArray(value)) return mismatch(field, 'an array', value);
    // The same array back when no item changed (see checkFields: no allocation on the usual path).
    let out: T[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const checked = item(value[i], `${field}[${i}]`);
      if (out === undefined && checked !== value[i]) out = value.slice(0, i) as T[];
      out?.push(checked);
    }
    return out ?? (value as T[]);
  };

/** A string, or `null`/absent sent as `null` (form `value` is required but nullable in its schema). */
export const nullableString: Check<string | null> = (value, field) => (isMissing(value) ? null : string(value, field));

/** Any JSON object; the deep serialisability check happens once, when the whole event is serialised. */
export const jsonObject: Check<{ [key: string]: JsonValue | undefined }> = (value, field) =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as { [key: string]: JsonValue | undefined })
    : mismatch(field, 'an object', value);

/** A nested object validated by its own checker table. */
export const objectOf =
  <F>(checks: Checks<F>): Check<F> =>
  (value, field) =>
    checkFields(checks, jsonObject(value, field), `${field}.`);

/**
 * Validates `input` against a checker table and returns a new object holding only the declared fields that are
 * present. Unknown keys are an error: a misspelt field would otherwise vanish silently.
 */
export function checkFields<F>(checks: Checks<F>, input: unknown, prefix = ''): F {
  if (typeof input !== 'object' || input === null) fail(prefix.slice(0, -1) || 'fields', `expected an object, got ${describe(input)}`);
  let at = prefix.slice(0, -1) || 'fields';
  try {
    return checkObject(checks, input as Record<string, unknown>, prefix, (field) => (at = field));
  } catch (error) {
    if (error instanceof InvalidEventError) throw error;
    // A getter or a Proxy trap of the caller's object threw: report where, as a typed error.
    throw new InvalidEventError(at, `reading it threw: ${messageOf(error)}`);
  }
}

function checkObject<F>(checks: Checks<F>, source: Record<string, unknown>, prefix: string, reading: (field: string) => void): F {
  const table = checks as Record<string, Check<unknown>>;
  let extra = false;
  for (const key in source) {
    if (key in table) continue;
    reading(prefix + key);
    if (key !== 'kind' && source[key] !== undefined) fail(prefix + key, 'unknown field');
    extra = true;
  }
  // The usual call passes exactly the declared fields, and every checker returns its value unchanged: then the
  // caller's object itself is the result, with no allocation per event. Otherwise copy, from the first change on.
  let out: Record<string, unknown> | undefined = extra ? {} : undefined;
  for (const key in table) {
    reading(prefix + key);
    const value = source[key];
    const checked = table[key]!(value, prefix + key);
    if (out === undefined && checked !== value) {
      out = {};
      for (const earlier in table) {
        if (earlier === key) break;
        if (source[earlier] !== undefined) out[earlier] = source[earlier];
      }
    }
    if (out !== undefined && checked !== undefined) out[key] = checked;
  }
  return (out ?? source) as F;
}

function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an unprintable error';
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value;
}

/** A string matching `pattern`; `expected` describes the format in the error. */
export const matching =
  (pattern: RegExp, expected: string): Check<string> =>
  (value, field) =>
    pattern.test(string(value, field)) ? (value as string) : fail(field, `expected ${expected}, got ${describe(value)}`);

/** {@link checkFields} for constructor options: the same rules, reported as InvalidOptionsError. */
export function checkOptions<F>(checks: Checks<F>, input: unknown): F {
  try {
    return checkFields(checks, input ?? {});
  } catch (error) {
    if (error instanceof InvalidEventError) throw new InvalidOptionsError(error.field, error.problem);
    throw error;
  }
}

/** Throws the checkers' error: for one-off rules written inline. */
export const reject = (field: string, problem: string): never => fail(field, problem);

export const positiveInteger: Check<number> = (value, field) =>
  integer(value, field) >= 1 ? (value as number) : fail(field, `expected an integer ≥ 1, got ${String(value)}`);

export const func = <T extends (...args: never[]) => unknown>(value: unknown, field: string): T =>
  typeof value === 'function' ? (value as T) : mismatch(field, 'a function', value);

/** A string of at most `max` characters (Iglu schemas' `maxLength`). */
export const stringUpTo =
  (max: number, base: Check<string> = string): Check<string> =>
  (value, field) =>
    base(value, field).length <= max
      ? (value as string)
      : fail(field, `at most ${max} characters allowed, got ${(value as string).length}`);
