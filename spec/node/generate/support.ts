// Helpers for the rxplow generate specs: the schema folders, one in-process TypeScript program over in-memory files
// (strict, as an app compiles the generated module), and fast-check arbitraries drawn from a JSON Schema.
import fc from 'fast-check';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { JsonSchema } from '../../../src/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** Hand-written schemas covering the draft-04 features Iglu uses. */
export const SPEC_SCHEMAS = join(REPO_ROOT, 'spec/fixtures/generate/schemas');
/** Where the in-memory files live (nothing is written there): inside the repo, so `rxplow` resolves as the package does. */
export const VIRTUAL_DIR = join(REPO_ROOT, 'spec/fixtures/generate/virtual');

/** One diagnostic, readable. */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly code: number;
  readonly message: string;
}

/** The compiler options of a strict app; `rxplow`, `rxplow/events` and `rxplow/testing` map to the sources. No Node types (a browser app). */
export const STRICT_OPTIONS: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: [],
  skipLibCheck: true,
  noEmit: true,
  baseUrl: REPO_ROOT,
  paths: { rxplow: ['src/index.ts'], 'rxplow/events': ['src/events/index.ts'], 'rxplow/testing': ['src/testing/index.ts'] },
};

/**
 * Typechecks in-memory files (name → text, under {@link VIRTUAL_DIR}) in one program with the rxplow sources they
 * import. Returns the diagnostics of every file, by file name (`''` for global ones).
 */
export function compile(files: Readonly<Record<string, string>>, options: ts.CompilerOptions = STRICT_OPTIONS): Diagnostic[] {
  const virtual = new Map(Object.entries(files).map(([name, text]) => [join(VIRTUAL_DIR, name), text]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile, directoryExists } = host;
  host.fileExists = (path) => virtual.has(path) || fileExists.call(host, path);
  host.directoryExists = (path) => path === VIRTUAL_DIR || (directoryExists?.call(host, path) ?? true);
  host.readFile = (path) => virtual.get(path) ?? readFile.call(host, path);
  host.getSourceFile = (path, version, ...rest) => {
    const text = virtual.get(path);
    return text === undefined ? getSourceFile.call(host, path, version, ...rest) : ts.createSourceFile(path, text, version, true);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    const file = d.file ? d.file.fileName.replace(`${VIRTUAL_DIR}/`, '').replace(REPO_ROOT, '') : '';
    return { file, line, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
  });
}

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (schema: JsonSchema, key: string): number | undefined =>
  typeof schema[key] === 'number' ? (schema[key] as number) : undefined;

const FORMATS: Readonly<Record<string, fc.Arbitrary<string>>> = {
  uuid: fc.uuid(),
  'date-time': fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
  uri: fc.webUrl(),
  email: fc.emailAddress(),
  ipv4: fc.ipV4(),
  ipv6: fc.ipV6(),
  hostname: fc.domain(),
};

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const format = typeof schema['format'] === 'string' ? FORMATS[schema['format']] : undefined;
  if (format) return format;
  if (typeof schema['pattern'] === 'string') {
    try {
      return fc.stringMatching(new RegExp(schema['pattern']));
    } catch {
      // a pattern fast-check cannot read: plain strings, filtered by ajv
    }
  }
  const minLength = num(schema, 'minLength') ?? 0;
  return fc.string({ unit: 'binary', minLength, maxLength: Math.min(num(schema, 'maxLength') ?? minLength + 12, minLength + 40) });
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = num(schema, 'minimum') ?? -1e6;
  const max = num(schema, 'maximum') ?? 1e6;
  if (integer) return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

function objectArbitrary(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = isSchema(schema['properties']) ? schema['properties'] : {};
  const required = Array.isArray(schema['required']) ? schema['required'].filter((k): k is string => typeof k === 'string') : [];
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, sub] of Object.entries(properties)) model[key] = isSchema(sub) ? arbitraryOf(sub) : fc.jsonValue({ maxDepth: 1 });
  for (const key of required) model[key] ??= fc.jsonValue({ maxDepth: 1 });
  const record = fc.record(model, { requiredKeys: required });
  const additional = schema['additionalProperties'];
  if (additional === false) return record;
  const extraValue = isSchema(additional) ? arbitraryOf(additional) : fc.jsonValue({ maxDepth: 1 });
  const extra = fc.dictionary(fc.constantFrom('extra', 'x_1', 'more-data'), extraValue, { maxKeys: 2 });
  return fc.tuple(record, extra).map(([own, more]) => ({ ...more, ...own }));
}

/** Values drawn from a JSON Schema (draft-04): most are valid; ajv decides which (oneOf, minProperties, dependencies …). */
export function arbitraryOf(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  const alternatives = [
    ...(Array.isArray(schema['anyOf']) ? schema['anyOf'] : []),
    ...(Array.isArray(schema['oneOf']) ? schema['oneOf'] : []),
  ];
  const declared = schema['type'];
  const types = Array.isArray(declared) ? (declared as string[]) : typeof declared === 'string' ? [declared] : [];
  if (types.length === 0) {
    if (alternatives.length) return fc.oneof(...alternatives.filter(isSchema).map(arbitraryOf));
    if (Array.isArray(schema['allOf'])) {
      const withProperties = schema['allOf'].filter(isSchema).find((s) => isSchema(s['properties']));
      if (withProperties) return objectArbitrary(withProperties);
    }
    return isSchema(schema['properties']) ? objectArbitrary(schema) : fc.jsonValue({ maxDepth: 2 });
  }
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case 'string':
          return stringArbitrary(schema);
        case 'integer':
        case 'number':
          return numberArbitrary(schema, type === 'integer');
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array': {
          const items = isSchema(schema['items']) ? arbitraryOf(schema['items']) : fc.jsonValue({ maxDepth: 1 });
          const minLength = num(schema, 'minItems') ?? 0;
          return fc.array(items, { minLength, maxLength: Math.min(num(schema, 'maxItems') ?? minLength + 3, minLength + 3) });
        }
        case 'object':
          return objectArbitrary(schema);
        default:
          return fc.jsonValue({ maxDepth: 1 });
      }
    }),
  );
}
