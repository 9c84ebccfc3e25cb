import { InvalidEventError } from '../errors.js';

/** A value that survives `JSON.stringify` → `JSON.parse` unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

/**
 * Serialises `value` to JSON, or throws an {@link InvalidEventError} naming the first place that cannot be
 * serialised faithfully: circular references, BigInt, functions, symbols, non-finite numbers, or
 * objects that are not plain (Map, Set, class instances without `toJSON`). `undefined` object properties are
 * left out, as JSON.stringify does; `undefined` in an array is an error (it would silently become `null`).
 */
export function toJson(value: unknown, path: string): string {
  assertJsonData(value, path);
  return JSON.stringify(value);
}

/** Throws an InvalidEventError unless `value` serialises to JSON faithfully (see {@link toJson}). */
export function assertJsonData(value: unknown, path: string): void {
  assertJson(value, path, []);
}

function assertJson(value: unknown, path: string, ancestors: object[]): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidEventError(path, `${value} is not a finite number`);
      return;
    case 'object':
      break;
    default:
      throw new InvalidEventError(path, `a ${typeof value} cannot be serialised to JSON`);
  }
  if (value === null) return;
  if (ancestors.includes(value)) throw new InvalidEventError(path, 'circular reference');
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    if (value instanceof Date && Number.isNaN(value.getTime())) throw new InvalidEventError(path, 'invalid Date');
    return;
  }
  ancestors.push(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (value[i] === undefined) throw new InvalidEventError(`${path}[${i}]`, 'undefined in an array');
      assertJson(value[i], `${path}[${i}]`, ancestors);
    }
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new InvalidEventError(path, `a ${(value as object).constructor?.name ?? 'non-plain'} object is not JSON data`);
    }
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) assertJson(item, `${path}.${key}`, ancestors);
    }
  }
  ancestors.pop();
}
