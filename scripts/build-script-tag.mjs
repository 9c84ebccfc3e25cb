// The script-tag build (issue 21): dist/rxplow.iife.js, one minified file for sites without a bundler, built from
// src/browser/script-tag.ts with esbuild (IIFE, es2020, browser). `node scripts/build-script-tag.mjs`; npm run build
// runs it. Its snippet and commands: docs/browser.md, "Script tag".
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The script-tag bundle's entry: install the global `rxplow` and run the calls queued before it loaded. */
export const SCRIPT_TAG_ENTRY = `import { install } from './src/browser/script-tag.ts';\ninstall(window);\n`;

export async function buildScriptTag(outfile = join(root, 'dist/rxplow.iife.js')) {
  await build({
    stdin: { contents: SCRIPT_TAG_ENTRY, resolveDir: root, sourcefile: 'rxplow-script-tag.js', loader: 'js' },
    outfile,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    legalComments: 'none',
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.error(`build-script-tag: ${await buildScriptTag()}`);
}
