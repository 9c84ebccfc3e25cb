// Finds Iglu schemas (folders in the Iglu layout, static Iglu registries over HTTP, the bundled copies) and compiles
// them with ajv, set up as the Snowplow pipeline does: draft-04, the `self` keyword, formats, the Iglu meta-schema.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve as resolvePath, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { messageOf } from '../payload/decode.js';

const Ajv = AjvDraft04Module.default;
const addFormats = addFormatsModule.default;

const META_SCHEMA_KEY = 'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0';
const META_SCHEMA_PATH = 'com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0';
/** Failed lookups are remembered, but only this many (the newest): unknown URIs arrive from the network. */
const MAX_REMEMBERED_MISSES = 1_000;

/**
 * An Iglu URI, strictly: `iglu:VENDOR/NAME/FORMAT/MODEL-REVISION-ADDITION`, where the vendor is dot-separated labels of
 * letters, digits, `_` and `-` (so never `.` or `..`), name and format are one such label, and the version is
 * SchemaVer (model from 1, no leading zeros). Each part becomes a path segment or a URL segment, so nothing else may pass.
 */
const STRICT_IGLU_URI =
  /^iglu:([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)\/([1-9][0-9]*-(?:0|[1-9][0-9]*)-(?:0|[1-9][0-9]*))$/;

/** The four path segments of a strictly valid Iglu URI (see {@link STRICT_IGLU_URI}), or `undefined`. */
export function igluPathOf(uri: string): readonly [string, string, string, string] | undefined {
  const match = STRICT_IGLU_URI.exec(uri);
  return match ? [match[1]!, match[2]!, match[3]!, match[4]!] : undefined;
}

/** Where schemas come from. */
export interface SchemaSources {
  /** Folders in the Iglu layout `VENDOR/NAME/jsonschema/M-R-A`, searched first, in order. */
  readonly schemaDirs: readonly string[];
  /** Static Iglu registries (`GET {url}/schemas/VENDOR/NAME/jsonschema/M-R-A`), searched next, in order. */
  readonly igluUrls: readonly string[];
  /** Fall back to the Iglu Central schemas bundled with rxplow. */
  readonly builtinSchemas: boolean;
}

/** A compiled schema, or why there is none. */
export type Resolved = { readonly ok: true; readonly validate: ValidateFunction } | { readonly ok: false; readonly error: string };

/** The package's `schemas/` folder, from `src/cli` or `dist/esm/cli`. */
export function packageSchemasDir(): string {
  for (const up of ['../../schemas', '../../../schemas']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'iglu-central'))) return dir;
  }
  throw new Error("rxplow collector: the package's schemas/ folder is missing");
}

/** The Iglu Central schemas bundled with rxplow (the protocol's envelopes and every schema rxplow's track methods emit). */
export const builtinSchemasDir = (): string => join(packageSchemasDir(), 'iglu-central');

/** The schemas of the `npm start` demo (`com.rxplow.demo`). */
export const demoSchemasDir = (): string => join(packageSchemasDir(), 'demo');

/** Resolves strictly valid Iglu URIs to compiled validators; every schema found is cached, and the latest 1 000 misses. */
export class SchemaResolver {
  readonly #sources: SchemaSources;
  readonly #ajv: InstanceType<typeof Ajv>;
  readonly #cache = new Map<string, Promise<Resolved>>();
  readonly #misses: string[] = [];
  readonly #fetch: typeof globalThis.fetch;

  constructor(sources: SchemaSources, fetchImpl: typeof globalThis.fetch = globalThis.fetch) {
    this.#sources = sources;
    this.#fetch = fetchImpl;
    this.#ajv = new Ajv({ strictTypes: false, allErrors: true, logger: false });
    this.#ajv.addKeyword('self');
    addFormats(this.#ajv);
  }

  /** Loads the Iglu meta-schema (bundled). Call once before {@link SchemaResolver.resolve}. */
  async init(): Promise<void> {
    const meta = JSON.parse(await readFile(join(builtinSchemasDir(), META_SCHEMA_PATH), 'utf8')) as object;
    this.#ajv.addMetaSchema(meta, META_SCHEMA_KEY);
  }

  /** Where this resolver looks, for messages. */
  describeSources(): string {
    const places = [
      ...this.#sources.schemaDirs,
      ...this.#sources.igluUrls,
      ...(this.#sources.builtinSchemas ? ['bundled Iglu Central'] : []),
    ];
    return places.length ? places.join(', ') : 'no schema source';
  }

  resolve(uri: string): Promise<Resolved> {
    const cached = this.#cache.get(uri);
    if (cached) return cached;
    const segments = igluPathOf(uri);
    if (!segments)
      return Promise.resolve({ ok: false, error: `not a valid Iglu URI: ${JSON.stringify(uri)} (expected iglu:VENDOR/NAME/FORMAT/M-R-A)` });
    const resolved = this.#load(uri, segments);
    this.#cache.set(uri, resolved);
    void resolved.then((result) => {
      if (result.ok) return;
      this.#misses.push(uri);
      if (this.#misses.length > MAX_REMEMBERED_MISSES) this.#cache.delete(this.#misses.shift()!);
    });
    return resolved;
  }

  async #load(uri: string, segments: readonly string[]): Promise<Resolved> {
    const path = segments.join('/');
    let text: string | undefined;
    const problems: string[] = [];
    const lookups = [
      ...this.#sources.schemaDirs.map((dir) => () => readLocal(dir, segments)),
      ...this.#sources.igluUrls.map((url) => () => this.#readRemote(url, path)),
      ...(this.#sources.builtinSchemas ? [() => readLocal(builtinSchemasDir(), segments)] : []),
    ];
    for (const lookup of lookups) {
      const found = await lookup();
      if (typeof found === 'string') {
        text = found;
        break;
      }
      if (found.problem) problems.push(found.problem);
    }
    if (text === undefined) {
      return {
        ok: false,
        error: `schema not found: ${uri} (looked in ${this.describeSources()})${problems.length ? `; ${problems.join('; ')}` : ''}`,
      };
    }
    try {
      const schema = JSON.parse(text) as object;
      this.#ajv.addSchema(schema, uri);
      const validate = this.#ajv.getSchema(uri);
      if (!validate) throw new Error('ajv did not compile it');
      return { ok: true, validate };
    } catch (error) {
      this.#ajv.removeSchema(uri);
      return { ok: false, error: `schema ${uri} is not a valid JSON Schema: ${messageOf(error)}` };
    }
  }

  async #readRemote(base: string, path: string): Promise<string | { problem?: string }> {
    const url = `${base.replace(/\/+$/, '')}/schemas/${path}`;
    try {
      const response = await this.#fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(5_000) });
      if (response.ok) return await response.text();
      await response.body?.cancel();
      return response.status === 404 ? {} : { problem: `${url} answered ${response.status}` };
    } catch (error) {
      return { problem: `${url}: ${messageOf(error)}` };
    }
  }
}

async function readLocal(dir: string, segments: readonly string[]): Promise<string | { problem?: string }> {
  const root = resolvePath(dir);
  const file = resolvePath(root, ...segments);
  if (!file.startsWith(root + sep)) return { problem: `${dir}: refused a path outside the folder` }; // cannot happen with strict segments
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? {} : { problem: `${dir}: ${messageOf(error)}` };
  }
}

/** ajv errors as readable lines: `/step must be integer`, `must NOT have additional properties: "extra"`. */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined, prefix = '', stripPath = ''): string[] {
  return (errors ?? []).map((e) => {
    const where = (e.instancePath.startsWith(stripPath) ? e.instancePath.slice(stripPath.length) : e.instancePath) || '/';
    const detail = e.keyword === 'additionalProperties' ? `: "${String(e.params['additionalProperty'])}"` : '';
    return `${prefix}${where} ${e.message ?? e.keyword}${detail}`;
  });
}
