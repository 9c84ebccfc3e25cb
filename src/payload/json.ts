import { diagnostic } from '../diagnostics.js';
import { InvalidEventError } from '../errors.js';
import { wellFormedJson } from './well-formed.js';

/** A value that survives `JSON.stringify` → `JSON.parse` unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

/** Deepest nesting accepted in event data: far beyond any real event, far below any engine's stack limit. */
export const MAX_JSON_DEPTH = 256;

/**
 * Serialises `value` to JSON text with well-formed Unicode, or throws an {@link InvalidEventError} naming the first
 * place that cannot be serialised faithfully: circular references, BigInt, functions, symbols, non-finite numbers,
 * objects that are not plain (Map, Set, class instances without `toJSON`), a `toJSON` that throws or returns
 * nothing, a getter or Proxy trap that throws, nesting deeper than {@link MAX_JSON_DEPTH}. `undefined` object
 * properties are left out, as JSON.stringify does; `undefined` in an array is an error (it would become `null`).
 * Lone surrogates in strings become U+FFFD (see `well-formed.ts`).
 */
export function toJson(value: unknown, path: string, suffix = ''): string {
  assertJsonData(value, path, suffix);
  let json: string | undefined;
  try {
    json = JSON.stringify(value) as string | undefined;
  } catch (error) {
    // Only a value that changes between two reads (a stateful getter, toJSON or Proxy) gets here.
    throw new InvalidEventError(path + suffix, diagnostic(201, error));
  }
  if (json === undefined) throw new InvalidEventError(path + suffix, diagnostic(202));
  return wellFormedJson(json);
}

/**
 * Throws an InvalidEventError unless `value` serialises to JSON faithfully (see {@link toJson}). The error names
 * `path` + `suffix` (joined only when there is an error to report: no string is built per call).
 */
export function assertJsonData(value: unknown, path: string, suffix = ''): void {
  // Primitives at the top need no walk (and no state).
  if (typeof value !== 'object' || value === null) return checkPrimitive(value, path + suffix);
  const walk: Walk = { base: path, suffix, ancestors: [], keys: [] };
  try {
    assertJson(value, walk);
  } catch (error) {
    if (error instanceof InvalidEventError) throw error;
    // A getter, a Proxy trap or a toJSON threw: the walk's keys still point at where it happened.
    throw new InvalidEventError(pathOf(walk), diagnostic(203, error));
  }
}

/** The walk's state: the objects above the current one (for cycles) and the keys to it, turned into a path only on error. */
interface Walk {
  readonly base: string;
  readonly suffix: string;
  readonly ancestors: object[];
  readonly keys: (string | number)[];
}

const pathOf = (walk: Walk): string =>
  walk.keys.reduce<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`), walk.base + walk.suffix);

const pathAt = (at: string | Walk): string => (typeof at === 'string' ? at : pathOf(at));

/** `at` is the path, or the walk to make it from: built only when there is an error to report. */
function checkPrimitive(value: unknown, at: string | Walk): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidEventError(pathAt(at), diagnostic(204, value));
      return;
    case 'object':
      if (value === null) return;
  }
  throw new InvalidEventError(pathAt(at), diagnostic(205, typeof value));
}

function assertJson(value: unknown, walk: Walk): void {
  if (typeof value !== 'object' || value === null) return checkPrimitive(value, walk);
  if (walk.ancestors.length >= MAX_JSON_DEPTH) throw new InvalidEventError(pathOf(walk), diagnostic(206, MAX_JSON_DEPTH));
  if (walk.ancestors.includes(value)) throw new InvalidEventError(pathOf(walk), diagnostic(207));
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw new InvalidEventError(pathOf(walk), diagnostic(208));
      return;
    }
    // JSON.stringify uses what toJSON returns: check that instead (nothing at all would vanish silently).
    const replaced: unknown = toJSON.call(value);
    if (replaced === undefined) throw new InvalidEventError(pathOf(walk), diagnostic(209));
    walk.ancestors.push(value);
    assertJson(replaced, walk);
    walk.ancestors.pop();
    return;
  }
  walk.ancestors.push(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      walk.keys.push(i);
      const item: unknown = value[i];
      if (item === undefined) throw new InvalidEventError(pathOf(walk), diagnostic(210));
      assertJson(item, walk);
      walk.keys.pop();
    }
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as object).constructor?.name;
      throw new InvalidEventError(pathOf(walk), diagnostic(211, typeof name === 'string' && name ? name : 'non-plain'));
    }
    for (const key in value) {
      walk.keys.push(key);
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) assertJson(item, walk);
      walk.keys.pop();
    }
  }
  walk.ancestors.pop();
}
