import { type DiagnosticCode, diagnostic } from '../diagnostics.js';
import { InvalidEventError, InvalidOptionsError } from '../errors.js';
import type { DIAGNOSTIC_TEXTS } from '../diagnostic-texts.js';
import type { JsonValue } from './json.js';

/**
 * Field checkers: each validates one input value and returns it (typed), or throws an InvalidEventError
 * that names the field. Event definitions list one checker per field, so every rule lives in a table.
 */
export type Check<T> = (value: unknown, field: string) => T;

/** A checker table that must name every field of `F` (the compiler enforces completeness). */
export type Checks<F> = { readonly [K in keyof F]-?: Check<F[K]> };

/** Throws the checkers' error for `field`: diagnostic `code` with its details (see diagnostics.ts). */
export const fail = <C extends DiagnosticCode>(field: string, code: C, ...details: Parameters<(typeof DIAGNOSTIC_TEXTS)[C]>): never => {
  throw new InvalidEventError(field, diagnostic(code, ...details));
};

/** The codes of "expected …, got …" texts (given the value): a type, or a format. */
type ExpectedCode = 101 | 102 | 103 | 104 | 105 | 106 | 117 | 118 | 119 | 120 | FormatCode;
type FormatCode = 115 | 116 | 121 | 122 | 123 | 124;

const isMissing = (value: unknown): value is undefined | null => value === undefined || value === null;

/** A checker of `test`, whose failure is diagnostic `code` (an "expected …, got …" text, given the value). */
export const is =
  <T>(test: (value: unknown) => boolean, code: ExpectedCode): Check<T> =>
  (value, field) =>
    test(value) ? (value as T) : fail(field, code, value);

/** Makes a checker accept `undefined` (and `null`, as "not given"). */
export const optional =
  <T>(check: Check<T>): Check<T | undefined> =>
  (value, field) =>
    isMissing(value) ? undefined : check(value, field);

export const string: Check<string> = is((value) => typeof value === 'string', 101);

/** A string with at least one non-blank character: for required fields such as `pageUrl`. */
export const nonEmptyString: Check<string> = (value, field) => (string(value, field).trim() === '' ? fail(field, 108) : (value as string));

export const finiteNumber: Check<number> = is(Number.isFinite as (value: unknown) => boolean, 102);

export const integer: Check<number> = (value, field) =>
  Number.isInteger(finiteNumber(value, field)) ? (value as number) : fail(field, 109, value);

/** An integer ≥ `min`. */
const integerFrom =
  (min: number): Check<number> =>
  (value, field) =>
    integer(value, field) >= min ? (value as number) : fail(field, 110, min, value);

export const nonNegativeInteger: Check<number> = integerFrom(0);

export const positiveInteger: Check<number> = integerFrom(1);

export const boolean: Check<boolean> = is((value) => typeof value === 'boolean', 103);

export const func = is((value) => typeof value === 'function', 106) as <T extends (...args: never[]) => unknown>(
  value: unknown,
  field: string,
) => T;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const uuid: Check<string> = (value, field) => (UUID.test(string(value, field)) ? (value as string) : fail(field, 111, value));

export const oneOf =
  <const T extends string>(allowed: readonly T[]): Check<T> =>
  (value, field) =>
    allowed.includes(value as T) ? (value as T) : fail(field, 107, allowed, value);

export const arrayOf =
  <T>(item: Check<T>): Check<T[]> =>
  (value, field) => {
    if (!Array.isArray(value)) return fail(field, 104, value);
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

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Any JSON object; the deep serialisability check happens once, when the whole event is serialised. */
export const jsonObject: Check<{ [key: string]: JsonValue | undefined }> = is(isObject, 105);

/** A nested object validated by its own checker table. */
export const objectOf =
  <F>(checks: Checks<F>): Check<F> =>
  (value, field) =>
    checkFields(checks, jsonObject(value, field), `${field}.`);

/**
 * Validates `input` against a checker table and returns a new object holding only the declared fields that are
 * present. Unknown keys are an error: a misspelt field would otherwise vanish silently.
 */
export function checkFields<F>(checks: Checks<F>, input: unknown, prefix = '', strict = true): F {
  let at = prefix.slice(0, -1) || 'fields';
  if (typeof input !== 'object' || input === null) fail(at, 105, input);
  try {
    return checkObject(checks, input as Record<string, unknown>, prefix, (field) => (at = field), strict);
  } catch (error) {
    if (error instanceof InvalidEventError) throw error;
    // A getter or a Proxy trap of the caller's object threw: report where, as a typed error.
    return fail(at, 113, error);
  }
}

function checkObject<F>(
  checks: Checks<F>,
  source: Record<string, unknown>,
  prefix: string,
  reading: (field: string) => void,
  strict: boolean,
): F {
  const table = checks as Record<string, Check<unknown>>;
  let extra = false;
  if (strict)
    for (const key in source) {
      if (key in table) continue;
      reading(prefix + key);
      if (key !== 'kind' && source[key] !== undefined) fail(prefix + key, 112);
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

/** A string matching `pattern`; diagnostic `code` describes the format in the error. */
export const matching =
  (pattern: RegExp, code: FormatCode): Check<string> =>
  (value, field) =>
    pattern.test(string(value, field)) ? (value as string) : fail(field, code, value);

/**
 * {@link checkFields} for constructor options: the same rules, reported as InvalidOptionsError. Not `strict`: only the
 * options the table names are checked, the others are another part's (and the result may carry them too).
 */
export function checkOptions<F>(checks: Checks<F>, input: unknown, strict = true): F {
  try {
    // Options may be left out (`undefined`, `null`), unless other parts read them too (not `strict`).
    if (typeof (input ?? {}) !== 'object' || (!strict && (input === undefined || input === null))) fail('options', 105, input);
    return checkFields(checks, input ?? {}, '', strict);
  } catch (error) {
    if (error instanceof InvalidEventError) throw new InvalidOptionsError(error.field, error.problem);
    throw error;
  }
}

/** Throws the checkers' error with a problem in words: for one-off rules of Node-only modules (rxplow/redis). */
export const reject = (field: string, problem: string): never => {
  throw new InvalidEventError(field, problem);
};

/** An optional object with a method `name` (a scheduler, a store, an Observable): diagnostic `code` otherwise. */
export const withMethod = <T>(name: string, code: 117 | 118 | 119): Check<T | undefined> =>
  optional(is((value) => typeof (value as Record<string, unknown> | null)?.[name] === 'function', code));

/** The fields of `value` that are given (not `undefined`): to spread checked options over their defaults. */
export function given<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Partial<T> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** A string of at most `max` characters (Iglu schemas' `maxLength`). */
export const stringUpTo =
  (max: number, base: Check<string> = string): Check<string> =>
  (value, field) =>
    base(value, field).length <= max ? (value as string) : fail(field, 114, max, (value as string).length);
