// The development-only runtime check of the constructors `rxplow generate` writes: a small interpreter of the JSON
// Schema (draft-04) keywords Iglu schemas use. Pure; the collector's ajv stays the authority (formats are checked loosely).
import { isDevelopment } from '../dev-mode.js';
import { InvalidEventError } from '../errors.js';

/** A JSON Schema (draft-04) as the generated module embeds it: the schema's own JSON, without descriptions. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** Checks a self-describing JSON's `data`; throws an `InvalidEventError` naming `field` + the path of the first problem. */
export type DataCheck = (data: unknown, field: string) => void;

interface Problem {
  readonly path: string;
  readonly keyword: string;
  readonly message: string;
}

/**
 * The runtime check for one schema (used by generated modules): in development (`isDevelopment()`, asked on every
 * call; elsewhere it does nothing) the first value that breaks the schema throws `InvalidEventError` with the value's
 * path (`event.data.items[0].sku`) and the schema path (`#/properties/items/items/properties/sku/maxLength`).
 */
export function schemaCheck(schema: JsonSchema, uri: string): DataCheck {
  return (data, field) => {
    if (!isDevelopment()) return;
    const problem = problemOf(schema, data, '', '#');
    if (problem) throw new InvalidEventError(field + problem.path, `${problem.message} (${uri} ${problem.keyword})`);
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSchema = (value: unknown): value is JsonSchema => isObject(value);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const propertyPath = (path: string, key: string): string => (IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);
const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

const FORMATS: Readonly<Record<string, RegExp>> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  'date-time': /^\d{4}-\d\d-\d\dt\d\d:\d\d:\d\d(?:\.\d+)?(?:z|[+-]\d\d(?::?\d\d)?)$/i,
  date: /^\d{4}-\d\d-\d\d$/,
  uri: /^[a-z][a-z0-9+.-]*:[^\s]*$/i,
  email: /^[^\s@]+@[^\s@]+$/,
  ipv4: /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/,
};

function typeMatches(type: unknown, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return true; // an unknown type name: left to the collector
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The first problem of `value` against `schema`, or `undefined`. */
function problemOf(schema: JsonSchema, value: unknown, path: string, at: string): Problem | undefined {
  const fail = (keyword: string, message: string, where = path): Problem => ({ path: where, keyword: `${at}/${keyword}`, message });
  const { type } = schema;
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    if (!types.some((t) => typeMatches(t, value))) return fail('type', `expected ${types.join(' or ')}, got ${show(value)}`);
  }
  if (Array.isArray(schema['enum']) && !schema['enum'].some((allowed) => deepEqual(allowed, value)))
    return fail('enum', `expected one of ${schema['enum'].map(show).join(', ')}, got ${show(value)}`);
  const typed =
    typeof value === 'string'
      ? stringProblem(schema, value, fail)
      : typeof value === 'number'
        ? numberProblem(schema, value, fail)
        : Array.isArray(value)
          ? arrayProblem(schema, value, path, at, fail)
          : isObject(value)
            ? objectProblem(schema, value, path, at, fail)
            : undefined;
  return typed ?? combinedProblem(schema, value, path, at, fail);
}

type Fail = (keyword: string, message: string, where?: string) => Problem;

function stringProblem(schema: JsonSchema, value: string, fail: Fail): Problem | undefined {
  const length = [...value].length; // code points, as ajv counts
  const { minLength, maxLength, pattern, format } = schema;
  if (typeof maxLength === 'number' && length > maxLength)
    return fail('maxLength', `must be at most ${maxLength} characters, got ${length}`);
  if (typeof minLength === 'number' && length < minLength)
    return fail('minLength', `must be at least ${minLength} characters, got ${length}`);
  if (typeof pattern === 'string' && !safeTest(pattern, value)) return fail('pattern', `must match ${pattern}, got ${show(value)}`);
  const known = typeof format === 'string' ? FORMATS[format] : undefined;
  if (known && !known.test(value)) return fail('format', `must be a ${String(format)}, got ${show(value)}`);
  return undefined;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true; // a pattern JavaScript cannot read: left to the collector
  }
}

function numberProblem(schema: JsonSchema, value: number, fail: Fail): Problem | undefined {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema;
  if (typeof minimum === 'number' && (exclusiveMinimum === true ? value <= minimum : value < minimum))
    return fail('minimum', `must be ${exclusiveMinimum === true ? '>' : '≥'} ${minimum}, got ${value}`);
  if (typeof maximum === 'number' && (exclusiveMaximum === true ? value >= maximum : value > maximum))
    return fail('maximum', `must be ${exclusiveMaximum === true ? '<' : '≤'} ${maximum}, got ${value}`);
  // As ajv decides it (so that the check agrees with the collector, float quirks included).
  if (typeof multipleOf === 'number' && multipleOf > 0 && value / multipleOf !== Number.parseInt(String(value / multipleOf), 10))
    return fail('multipleOf', `must be a multiple of ${multipleOf}, got ${value}`);
  return undefined;
}

function arrayProblem(schema: JsonSchema, value: readonly unknown[], path: string, at: string, fail: Fail): Problem | undefined {
  const { minItems, maxItems, items, uniqueItems, additionalItems } = schema;
  if (typeof minItems === 'number' && value.length < minItems)
    return fail('minItems', `must have at least ${minItems} items, got ${value.length}`);
  if (typeof maxItems === 'number' && value.length > maxItems)
    return fail('maxItems', `must have at most ${maxItems} items, got ${value.length}`);
  for (let i = 0; i < value.length; i++) {
    const tuple = Array.isArray(items);
    const itemSchema = tuple ? (items[i] ?? additionalItems) : items;
    if (tuple && i >= items.length && additionalItems === false) return fail('additionalItems', `must have at most ${items.length} items`);
    if (!isSchema(itemSchema)) continue;
    const problem = problemOf(itemSchema, value[i], `${path}[${i}]`, tuple && i < items.length ? `${at}/items/${i}` : `${at}/items`);
    if (problem) return problem;
  }
  if (uniqueItems === true && value.some((item, i) => value.findIndex((other) => deepEqual(other, item)) !== i))
    return fail('uniqueItems', 'must not contain duplicates');
  return undefined;
}

function objectProblem(schema: JsonSchema, value: Record<string, unknown>, path: string, at: string, fail: Fail): Problem | undefined {
  const properties = isSchema(schema['properties']) ? schema['properties'] : {};
  const patterns = isSchema(schema['patternProperties']) ? Object.entries(schema['patternProperties']) : [];
  const keys = Object.keys(value).filter((key) => value[key] !== undefined); // undefined is left out of the JSON sent
  for (const key of Array.isArray(schema['required']) ? schema['required'] : [])
    if (typeof key === 'string' && value[key] === undefined) return fail('required', 'is required', propertyPath(path, key));
  const { minProperties, maxProperties, additionalProperties, dependencies } = schema;
  if (typeof minProperties === 'number' && keys.length < minProperties)
    return fail('minProperties', `must have at least ${minProperties} properties, got ${keys.length}`);
  if (typeof maxProperties === 'number' && keys.length > maxProperties)
    return fail('maxProperties', `must have at most ${maxProperties} properties, got ${keys.length}`);
  for (const key of keys) {
    const where = propertyPath(path, key);
    const own = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (isSchema(own)) {
      const problem = problemOf(own, value[key], where, `${at}/properties/${key}`);
      if (problem) return problem;
    }
    const matching = patterns.filter(([pattern]) => safeTest(pattern, key));
    for (const [pattern, sub] of matching) {
      const problem = isSchema(sub) ? problemOf(sub, value[key], where, `${at}/patternProperties/${pattern}`) : undefined;
      if (problem) return problem;
    }
    if (own !== undefined || matching.length > 0) continue;
    if (additionalProperties === false) return fail('additionalProperties', `is not in the schema (additionalProperties: false)`, where);
    if (isSchema(additionalProperties)) {
      const problem = problemOf(additionalProperties, value[key], where, `${at}/additionalProperties`);
      if (problem) return problem;
    }
  }
  if (isSchema(dependencies)) {
    for (const [key, needs] of Object.entries(dependencies)) {
      if (value[key] === undefined) continue;
      const missing = Array.isArray(needs) ? needs.find((need) => typeof need === 'string' && value[need] === undefined) : undefined;
      if (typeof missing === 'string')
        return fail(`dependencies/${key}`, `is required when ${key} is present`, propertyPath(path, missing));
      const problem = isSchema(needs) ? problemOf(needs, value, path, `${at}/dependencies/${key}`) : undefined;
      if (problem) return problem;
    }
  }
  return undefined;
}

function combinedProblem(schema: JsonSchema, value: unknown, path: string, at: string, fail: Fail): Problem | undefined {
  const list = (keyword: string): JsonSchema[] => (Array.isArray(schema[keyword]) ? (schema[keyword] as unknown[]).filter(isSchema) : []);
  for (const [i, sub] of list('allOf').entries()) {
    const problem = problemOf(sub, value, path, `${at}/allOf/${i}`);
    if (problem) return problem;
  }
  const anyOf = list('anyOf');
  if (anyOf.length && anyOf.every((sub, i) => problemOf(sub, value, path, `${at}/anyOf/${i}`)))
    return fail('anyOf', 'must match a schema in anyOf');
  const oneOf = list('oneOf');
  if (oneOf.length) {
    const matches = oneOf.filter((sub, i) => !problemOf(sub, value, path, `${at}/oneOf/${i}`)).length;
    if (matches !== 1) return fail('oneOf', `must match exactly one schema in oneOf, matches ${matches}`);
  }
  if (isSchema(schema['not']) && !problemOf(schema['not'], value, path, `${at}/not`))
    return fail('not', 'must not match the schema in not');
  return undefined;
}
