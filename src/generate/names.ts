// The identifiers of a generated module: one set of names per schema version, unique in the module.
import type { IgluSchemaFile } from './read.js';

/** The names generated for one schema version. */
export interface SchemaNames {
  /** The data type, e.g. `ViewedProductV1_0_0`. */
  readonly type: string;
  /** The event constructor, e.g. `viewedProductV1_0_0`. */
  readonly event: string;
  /** The entity constructor, e.g. `viewedProductEntityV1_0_0`. */
  readonly entity: string;
  /** The module-private check source, e.g. `$viewedProductV1_0_0`. */
  readonly check: string;
  /** For the newest version of a schema: the names without a version (`ViewedProduct`, `viewedProduct`, `viewedProductEntity`). */
  readonly latest: { readonly type: string; readonly event: string; readonly entity: string } | undefined;
}

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await arguments eval undefined NaN Infinity process ngDevMode ' +
    'any unknown never object string number boolean symbol bigint'
  ).split(' '),
);

const words = (text: string): string[] => text.split(/[^A-Za-z0-9]+/).filter(Boolean);
/** PascalCase words; an identifier never starts with a digit, so such a name gets a leading `N`. */
const joined = (text: string): string =>
  words(text)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('') || 'Schema';
const pascal = (text: string): string => (/^[0-9]/.test(joined(text)) ? `N${joined(text)}` : joined(text));
const safe = (name: string): string => (/^[0-9]/.test(name) ? `_${name}` : RESERVED.has(name) ? `${name}_` : name);
const camel = (pascalName: string): string => safe(pascalName[0]!.toLowerCase() + pascalName.slice(1));

/** A PascalCase base per vendor/name: the name alone, or with the vendor's last label (or whole vendor) when names clash. */
function bases(schemas: readonly IgluSchemaFile[]): Map<string, string> {
  const keys = [...new Set(schemas.map((s) => `${s.vendor}/${s.name}`))];
  const candidates = [
    // A name starting with a digit takes the vendor's last label (`3d_model` -> `Spec3dModel`).
    (vendor: string, name: string) => (/^[0-9]/.test(name) ? pascal(vendor.split('.').at(-1)!) + joined(name) : pascal(name)),
    (vendor: string, name: string) => pascal(vendor.split('.').at(-1)!) + pascal(name),
    (vendor: string, name: string) => pascal(vendor) + pascal(name),
  ];
  const out = new Map<string, string>();
  for (const key of keys) {
    const [vendor, name] = key.split('/') as [string, string];
    for (const [i, candidate] of candidates.entries()) {
      const base = candidate(vendor, name);
      const clashes = keys.filter((other) => {
        const [v, n] = other.split('/') as [string, string];
        return candidate(v, n) === base;
      });
      if (clashes.length === 1 || i === candidates.length - 1) {
        out.set(key, clashes.length === 1 ? base : `${base}${keys.indexOf(key)}`);
        break;
      }
    }
  }
  return out;
}

/** Names for every schema (same order), unique in the module; a latest-version alias that would clash is left out. */
export function nameSchemas(schemas: readonly IgluSchemaFile[]): SchemaNames[] {
  const base = bases(schemas);
  const newest = new Map<string, IgluSchemaFile>();
  for (const s of schemas) newest.set(`${s.vendor}/${s.name}`, s); // sorted: the last is the newest
  const used = new Set<string>();
  const versioned = schemas.map((s) => {
    const b = base.get(`${s.vendor}/${s.name}`)!;
    const v = `V${s.version.replaceAll('-', '_')}`;
    const names = { type: `${b}${v}`, event: camel(`${b}${v}`), entity: camel(`${b}Entity${v}`), check: `$${camel(`${b}${v}`)}` };
    for (const n of [names.type, names.event, names.entity]) used.add(n);
    return names;
  });
  return schemas.map((s, i) => {
    const b = base.get(`${s.vendor}/${s.name}`)!;
    let latest: SchemaNames['latest'];
    if (newest.get(`${s.vendor}/${s.name}`) === s) {
      const alias = { type: safe(b), event: camel(b), entity: camel(`${b}Entity`) };
      const free = [alias.type, alias.event, alias.entity].every((n) => !used.has(n));
      if (free) {
        latest = alias;
        for (const n of [alias.type, alias.event, alias.entity]) used.add(n);
      }
    }
    return { ...versioned[i]!, latest };
  });
}
