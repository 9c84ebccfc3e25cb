// rxplow/generate: Iglu schemas to a TypeScript module of typed, tree-shakable event and entity constructors. Node only.
/**
 * Generate typed constructors from Iglu schemas, from Node code: `generate({ schemas: ['./schemas'] })` returns the
 * text of a TypeScript module with, for every schema version, a data type, an event constructor and an entity
 * constructor; `rxplow generate --schemas DIR --out FILE.ts` writes it. See docs/typed-events.md.
 *
 * @packageDocumentation
 */
import { emitModule } from './emit.js';
import { readSchemas } from './read.js';

export { readSchemas, readSchemaDir } from './read.js';
export type { IgluSchemaFile } from './read.js';
export { describeChanges } from './diff.js';

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** Iglu-layout folders (`VENDOR/NAME/jsonschema/M-R-A`), in order of priority: a URI found in an earlier one wins. */
  readonly schemas: readonly string[];
  /** Also every schema of the Iglu Central copy rxplow ships (after `schemas`). @default false */
  readonly igluCentral?: boolean | undefined;
  /** The module specifier the generated code imports rxplow's runtime from. @default 'rxplow' */
  readonly importFrom?: string | undefined;
  /**
   * Embed each schema for a development-only check (`isDevelopment()`): data that breaks its schema is an
   * `InvalidEventError` (`dropped` / `invalid` through `tracker.input`), not sent. Production bundles drop it. @default true
   */
  readonly runtimeChecks?: boolean | undefined;
}

/**
 * The generated module's text for every schema version in `options.schemas` (and Iglu Central's, with `igluCentral`).
 * Deterministic: the same schemas give the same text.
 * @throws {Error} when a folder is missing or a schema file is not JSON.
 */
export function generate(options: GenerateOptions): string {
  const schemas = readSchemas(options.schemas, options.igluCentral ?? false);
  return emitModule(schemas, { importFrom: options.importFrom ?? 'rxplow', runtimeChecks: options.runtimeChecks ?? true });
}
