// Reads Iglu schema folders (`VENDOR/NAME/jsonschema/M-R-A`, the layout `rxplow collector --schemas` reads): every
// schema in them, with its Iglu URI checked as the collector checks it (igluPathOf).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { builtinSchemasDir, igluPathOf } from '../collector/schema-resolver.js';
import type { JsonSchema } from '../events/schema-check.js';

/** One schema version found in a folder. */
export interface IgluSchemaFile {
  /** `iglu:VENDOR/NAME/jsonschema/M-R-A`. */
  readonly uri: string;
  readonly vendor: string;
  readonly name: string;
  /** `M-R-A`. */
  readonly version: string;
  /** The file it was read from. */
  readonly file: string;
  /** Its JSON. */
  readonly schema: JsonSchema;
}

const subfolders = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

/** The JSON Schemas (format `jsonschema`) in one Iglu-layout folder, sorted by vendor, name and version. */
export function readSchemaDir(dir: string): IgluSchemaFile[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${dir} is not a folder`);
  const found: IgluSchemaFile[] = [];
  for (const vendor of subfolders(dir)) {
    for (const name of subfolders(join(dir, vendor))) {
      const versions = join(dir, vendor, name, 'jsonschema');
      if (!statSync(versions, { throwIfNoEntry: false })?.isDirectory()) continue;
      for (const version of readdirSync(versions)) {
        const uri = `iglu:${vendor}/${name}/jsonschema/${version}`;
        const file = join(versions, version);
        if (!igluPathOf(uri) || !statSync(file).isFile()) continue; // not the layout (a README, a draft folder)
        let schema: unknown;
        try {
          schema = JSON.parse(readFileSync(file, 'utf8'));
        } catch (error) {
          throw new Error(`${file}: not JSON (${(error as Error).message})`);
        }
        if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new Error(`${file}: not a JSON Schema object`);
        found.push({ uri, vendor, name, version, file, schema: schema as JsonSchema });
      }
    }
  }
  return found.sort((a, b) => compare(a, b));
}

/** Vendor, name, then SchemaVer numerically. */
function compare(a: IgluSchemaFile, b: IgluSchemaFile): number {
  if (a.vendor !== b.vendor) return a.vendor < b.vendor ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  const [x, y] = [a.version, b.version].map((v) => v.split('-').map(Number)) as [number[], number[]];
  return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
}

/**
 * Every schema of the folders, in order of priority (a URI found in an earlier folder wins, as the collector looks
 * them up), then the Iglu Central copy rxplow ships when `igluCentral` is set.
 */
export function readSchemas(dirs: readonly string[], igluCentral = false): IgluSchemaFile[] {
  const byUri = new Map<string, IgluSchemaFile>();
  for (const dir of igluCentral ? [...dirs, builtinSchemasDir()] : dirs)
    for (const schema of readSchemaDir(dir)) if (!byUri.has(schema.uri)) byUri.set(schema.uri, schema);
  return [...byUri.values()].sort(compare);
}
