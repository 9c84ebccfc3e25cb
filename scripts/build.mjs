// npm run build (and npm pack / publish, through `prepack`): clean dist/, emit ESM (dist/esm) and CJS (dist/cjs) with
// .d.ts, no source maps (they would point into src/, which is not shipped).
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(join(root, 'dist'), { recursive: true, force: true });

for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  const r = spawnSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build: tsc -p ${project} failed`);
    process.exit(r.status ?? 1);
  }
}

mkdirSync(join(root, 'dist/cjs'), { recursive: true });
writeFileSync(join(root, 'dist/cjs/package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');

// The CJS build carries ky inside it: ky is ESM-only, and runtimes that cannot require(esm) (Jest's and tsx's CommonJS
// modes, Node 22.0-22.11) must load `require('rxplow')` all the same. esbuild bundles ky alone into dist/cjs/vendor/ky.js
// and the one module that imports it points there; rxjs, uuid, ajv and redis stay external (peer or CJS-capable deps).
// (spec/node/packaging/runners.spec.ts runs Jest 29/30, Vitest, node:test, mocha, tsx and ts-node on the tarball.)
await build({
  entryPoints: [createRequire(import.meta.url).resolve('ky')],
  outfile: join(root, 'dist/cjs/vendor/ky.js'),
  bundle: true,
  format: 'cjs',
  platform: 'neutral',
  target: 'es2022',
  legalComments: 'inline',
  logLevel: 'warning',
});
const kyTransport = join(root, 'dist/cjs/emitter/ky-load.js');
const transport = readFileSync(kyTransport, 'utf8');
// tsc writes the on-demand import('ky') as require('ky') inside a promise: the same chunk-free load, from the vendor copy.
const requireKy = /require\((["'])ky\1\)/;
if (!requireKy.test(transport)) {
  console.error(`build: ${kyTransport} does not require("ky")`);
  process.exit(1);
}
writeFileSync(kyTransport, transport.replace(requireKy, 'require("../vendor/ky.js")'));

// rxplow/collector: its code (src/collector) finds the package's schemas/ through import.meta.url, so tsc cannot emit it as
// CommonJS; esbuild bundles the ESM build into one CJS file instead (dependencies external) and its declarations are
// copied next to it, so `require` gets CJS types (no "masquerading as ESM" for TypeScript). ajv (and its plugins) go
// inside it too: tsx 4 on Node 20 cannot require ajv's module cycle from a .cts file through its loader hooks.
await build({
  entryPoints: [join(root, 'dist/esm/collector/index.js')],
  outfile: join(root, 'dist/cjs/collector/index.js'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['rxjs', 'rxjs/*', 'rxjs-for-await', 'uuid', 'ky', 'redis'],
  define: { 'import.meta.url': '__rxplowModuleUrl' },
  banner: { js: '"use strict";\nconst __rxplowModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
for (const dir of ['collector', 'cli']) {
  cpSync(join(root, 'dist/esm', dir), join(root, 'dist/cjs', dir), { recursive: true, filter: (f) => !f.endsWith('.js') });
}

const bin = join(root, 'dist/esm/cli/main.js');
if (existsSync(bin)) chmodSync(bin, 0o755);

// The script-tag build (one IIFE file, dist/rxplow.iife.js).
await (await import('./build-script-tag.mjs')).buildScriptTag();

// stderr, so that `npm pack --json` (which runs this as prepack) prints only JSON on stdout
console.error('build: dist/esm + dist/cjs + dist/rxplow.iife.js written');
