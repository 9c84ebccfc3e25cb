// npm run docs: the API reference, from the TSDoc in src/, into .build/api/ (git-ignored). One entry point per
// package.json "exports" entry (its types path dist/esm/X.d.ts -> src/X.ts), so a new entry is documented unchanged.
// Every exported name (and every public method and accessor) must be documented, and every warning fails the run.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const typesOf = (target) => {
  if (typeof target !== 'object' || target === null) return undefined;
  if (typeof target.types === 'string') return target.types;
  return typesOf(target.import) ?? typesOf(target.default) ?? typesOf(target.require);
};
const entryPoints = Object.values(pkg.exports)
  .map(typesOf)
  .filter((types) => types !== undefined)
  .map((types) => join(root, types.replace(/^\.\/dist\/(esm|cjs)\//, 'src/').replace(/\.d\.(m|c)?ts$/, '.ts')));

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: `${pkg.name} ${pkg.version}`,
  entryPoints,
  tsconfig: join(root, 'tsconfig.build.json'),
  out: join(root, '.build/api'),
  readme: 'none',
  disableSources: true, // no git remote to link to
  excludePrivate: true,
  excludeInternal: true,
  sort: ['source-order'],
  validation: {
    notExported: true,
    invalidLink: true,
    invalidPath: true,
    rewrittenLink: true,
    notDocumented: true,
    unusedMergeModuleWith: true,
  },
  requiredToBeDocumented: ['Enum', 'Variable', 'Function', 'Class', 'Interface', 'TypeAlias', 'Method', 'Accessor'],
  treatWarningsAsErrors: true,
  treatValidationWarningsAsErrors: true,
};
