// JSON Schema (draft-04, as Iglu uses it) to TypeScript type text, with the schema's descriptions and the constraints
// TypeScript cannot express (formats, bounds, patterns) as TSDoc. Pure.
import type { JsonSchema } from '../events/schema-check.js';

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const INDENT = '  ';

/** A property key as TypeScript writes it. */
export const propertyKey = (key: string): string => (IDENTIFIER.test(key) ? key : JSON.stringify(key));

/** The constraints of a schema that its type does not carry, as short sentences (`At most 64 characters.`). */
export function constraintNotes(schema: JsonSchema): string[] {
  const notes: string[] = [];
  const n = (key: string): number | undefined => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);
  if (schema['type'] === 'integer' || (Array.isArray(schema['type']) && schema['type'].includes('integer'))) notes.push('An integer.');
  if (typeof schema['format'] === 'string') notes.push(`Format: \`${schema['format']}\`.`);
  if (n('minLength') !== undefined) notes.push(`At least ${n('minLength')} characters.`);
  if (n('maxLength') !== undefined) notes.push(`At most ${n('maxLength')} characters.`);
  if (typeof schema['pattern'] === 'string') notes.push(`Matches \`${schema['pattern']}\`.`);
  if (n('minimum') !== undefined) notes.push(`${schema['exclusiveMinimum'] === true ? '>' : '≥'} ${n('minimum')}.`);
  if (n('maximum') !== undefined) notes.push(`${schema['exclusiveMaximum'] === true ? '<' : '≤'} ${n('maximum')}.`);
  if (n('multipleOf') !== undefined) notes.push(`A multiple of ${n('multipleOf')}.`);
  if (n('minItems') !== undefined) notes.push(`At least ${n('minItems')} items.`);
  if (n('maxItems') !== undefined) notes.push(`At most ${n('maxItems')} items.`);
  if (schema['uniqueItems'] === true) notes.push('Items are unique.');
  if (n('minProperties') !== undefined) notes.push(`At least ${n('minProperties')} properties.`);
  if (n('maxProperties') !== undefined) notes.push(`At most ${n('maxProperties')} properties.`);
  if (isSchema(schema['dependencies']))
    for (const [key, needs] of Object.entries(schema['dependencies']))
      if (Array.isArray(needs)) notes.push(`When \`${key}\` is present, so must be ${needs.map((x) => `\`${String(x)}\``).join(', ')}.`);
  if (isSchema(schema['additionalProperties'])) notes.push("Further properties follow the schema's `additionalProperties`.");
  return notes;
}

/** A TSDoc block (or `''`) for a description and notes, at `indent`. */
export function docComment(lines: readonly string[], indent: string): string {
  // `*/` would end the comment; `@word` would read as a TSDoc tag.
  const text = lines
    .flatMap((line) => line.split(/\r?\n/))
    .map((line) =>
      line
        .replaceAll('*/', '*\\/')
        .replace(/(^|\s)@(?=\w)/g, '$1\\@')
        .trimEnd(),
    );
  if (text.length === 0) return '';
  if (text.length === 1) return `${indent}/** ${text[0]} */\n`;
  return `${indent}/**\n${text.map((line) => `${indent} *${line ? ` ${line}` : ''}`).join('\n')}\n${indent} */\n`;
}

/** The description and, as a paragraph of their own, the constraint notes of a schema. */
export function describe(schema: JsonSchema): string[] {
  const description = typeof schema['description'] === 'string' ? schema['description'].trim() : '';
  const notes = constraintNotes(schema).join(' ');
  return description && notes ? [description, '', notes] : [description || notes].filter(Boolean);
}

const union = (parts: readonly string[]): string => {
  const unique = [...new Set(parts)];
  if (unique.includes('unknown')) return 'unknown';
  return unique.length === 0 ? 'never' : unique.join(' | ');
};
const wrap = (type: string): string => (/^[\w$.]+$|^'.*'$|^".*"$/.test(type) ? type : `(${type})`);

/** True when a schema describes only objects (so its type can be an interface). */
export function isObjectSchema(schema: JsonSchema): boolean {
  return schema['type'] === 'object' && !('enum' in schema) && !('$ref' in schema) && !['allOf', 'anyOf', 'oneOf'].some((k) => k in schema);
}

/** The TypeScript type of values the schema accepts. `depth` is the indentation level of the text around it. */
export function typeOf(schema: JsonSchema, depth = 0): string {
  if (typeof schema['$ref'] === 'string') return 'unknown'; // references are not followed
  const base = baseType(schema, depth);
  const members = (key: string): string[] => (Array.isArray(schema[key]) ? schema[key].filter(isSchema).map((s) => typeOf(s, depth)) : []);
  const all = members('allOf').filter((t) => t !== 'unknown');
  const any = [...members('anyOf'), ...members('oneOf')];
  let type = base;
  if (any.length) {
    const alternatives = union(any);
    type = type === 'unknown' ? alternatives : alternatives === 'unknown' ? type : `${wrap(type)} & ${wrap(alternatives)}`;
  }
  for (const part of all) type = type === 'unknown' ? part : `${wrap(type)} & ${wrap(part)}`;
  return type;
}

function baseType(schema: JsonSchema, depth: number): string {
  const declared = schema['type'];
  const types: string[] = Array.isArray(declared)
    ? declared.filter((t): t is string => typeof t === 'string')
    : typeof declared === 'string'
      ? [declared]
      : [];
  if (Array.isArray(schema['enum'])) {
    const literals = schema['enum'].filter((value) => types.length === 0 || types.some((t) => literalOfType(value, t)));
    return union(literals.map(literal));
  }
  if (types.length === 0) return isSchema(schema['properties']) ? objectType(schema, depth) : 'unknown';
  return union(
    types.map((t) => {
      switch (t) {
        case 'string':
          return 'string';
        case 'number':
        case 'integer':
          return 'number';
        case 'boolean':
          return 'boolean';
        case 'null':
          return 'null';
        case 'array':
          return arrayType(schema, depth);
        case 'object':
          return objectType(schema, depth);
        default:
          return 'unknown';
      }
    }),
  );
}

function literalOfType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'null') return value === null;
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return isSchema(value);
  return typeof value === type;
}

function literal(value: unknown): string {
  if (typeof value === 'string')
    return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n').replaceAll('\r', '\\r')}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return 'unknown'; // an object or array in an enum: not written as a literal type
}

function arrayType(schema: JsonSchema, depth: number): string {
  const { items } = schema;
  if (isSchema(items)) return `readonly ${wrap(typeOf(items, depth))}[]`;
  return 'readonly unknown[]'; // no items, or a tuple (`items` as an array): not narrowed
}

/** An object type literal: its properties (required ones without `?`), with an index signature unless closed. */
export function objectType(schema: JsonSchema, depth: number): string {
  const properties = isSchema(schema['properties']) ? schema['properties'] : {};
  const required = new Set(Array.isArray(schema['required']) ? schema['required'].filter((k): k is string => typeof k === 'string') : []);
  const keys = [...Object.keys(properties), ...[...required].filter((k) => !Object.hasOwn(properties, k))];
  const additional = schema['additionalProperties'];
  const closed = additional === false && !isSchema(schema['patternProperties']);
  const inner = INDENT.repeat(depth + 1);
  const lines: string[] = [];
  for (const key of keys) {
    const sub = properties[key];
    const type = isSchema(sub) ? typeOf(sub, depth + 1) : 'unknown';
    const optional = !required.has(key);
    lines.push(
      `${docComment(isSchema(sub) ? describe(sub) : [], inner)}${inner}readonly ${propertyKey(key)}${optional ? '?' : ''}: ${type}${optional && type !== 'unknown' ? ' | undefined' : ''};\n`,
    );
  }
  if (!closed) {
    const valueType =
      keys.length === 0 && isSchema(additional) && !isSchema(schema['patternProperties']) ? typeOf(additional, depth + 1) : 'unknown';
    lines.push(`${inner}readonly [property: string]: ${valueType === 'unknown' ? 'unknown' : `${valueType} | undefined`};\n`);
  }
  return lines.length === 0 ? '{ readonly [property: string]: never }' : `{\n${lines.join('')}${INDENT.repeat(depth)}}`;
}
