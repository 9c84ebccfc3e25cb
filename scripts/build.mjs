// npm run build (and npm pack / publish, through `prepack`): clean dist/, emit ESM (dist/esm) and CJS (dist/cjs) with
// .d.ts, no source maps (they would point into src/, which is not shipped).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

// The CJS entry loads ky, which is ESM-only, through Node's require(esm): on by default from Node 20.19 and 22.12
// (engines: ^20.19.0 || >=22.12.0), off on 22.0-22.11 and under --no-experimental-require-module. There, say so
// plainly instead of Node's ERR_REQUIRE_ESM about a file inside ky. (spec/node/packaging/require-esm.spec.ts)
const cjsIndex = join(root, 'dist/cjs/index.js');
const cjs = readFileSync(cjsIndex, 'utf8');
const strict = '"use strict";\n';
if (!cjs.startsWith(strict)) {
  console.error(`build: ${cjsIndex} does not start with ${JSON.stringify(strict)}`);
  process.exit(1);
}
const preflight =
  'try { require("ky"); } catch (error) {\n' +
  '    if (error && error.code === "ERR_REQUIRE_ESM") throw new Error("require(\'rxplow\') needs Node\'s require(esm), which is off in this Node " + process.version + ": use Node ^20.19.0 || >=22.12.0 without --no-experimental-require-module, or load rxplow with import / import()", { cause: error });\n' +
  '    throw error;\n' +
  '}\n';
writeFileSync(cjsIndex, strict + preflight + cjs.slice(strict.length));

const bin = join(root, 'dist/esm/cli/main.js');
if (existsSync(bin)) chmodSync(bin, 0o755);

// The script-tag build (one IIFE file, dist/rxplow.iife.js).
await (await import('./build-script-tag.mjs')).buildScriptTag();

// stderr, so that `npm pack --json` (which runs this as prepack) prints only JSON on stdout
console.error('build: dist/esm + dist/cjs + dist/rxplow.iife.js written');
