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
  // Primitives at the top need no walk (and no state).
  if (typeof value !== 'object' || value === null) return checkPrimitive(value, path);
  const walk: Walk = { base: path, ancestors: [], keys: [] };
  assertJson(value, walk);
}

/** The walk's state: the objects above the current one (for cycles) and the keys to it, turned into a path only on error. */
interface Walk {
  readonly base: string;
  readonly ancestors: object[];
  readonly keys: (string | number)[];
}

const pathOf = (walk: Walk): string =>
  walk.keys.reduce<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`), walk.base);

const pathAt = (at: string | Walk): string => (typeof at === 'string' ? at : pathOf(at));

/** `at` is the path, or the walk to make it from: built only when there is an error to report. */
function checkPrimitive(value: unknown, at: string | Walk): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidEventError(pathAt(at), `${value} is not a finite number`);
      return;
    case 'object':
      if (value === null) return;
  }
  throw new InvalidEventError(pathAt(at), `a ${typeof value} cannot be serialised to JSON`);
}

function assertJson(value: unknown, walk: Walk): void {
  if (typeof value !== 'object' || value === null) return checkPrimitive(value, walk);
  if (walk.ancestors.includes(value)) throw new InvalidEventError(pathOf(walk), 'circular reference');
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    if (value instanceof Date && Number.isNaN(value.getTime())) throw new InvalidEventError(pathOf(walk), 'invalid Date');
    return;
  }
  walk.ancestors.push(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      walk.keys.push(i);
      if (value[i] === undefined) throw new InvalidEventError(pathOf(walk), 'undefined in an array');
      assertJson(value[i], walk);
      walk.keys.pop();
    }
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new InvalidEventError(pathOf(walk), `a ${(value as object).constructor?.name ?? 'non-plain'} object is not JSON data`);
    }
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      walk.keys.push(key);
      assertJson(item, walk);
      walk.keys.pop();
    }
  }
  walk.ancestors.pop();
}
