// What rxplow adds to an Angular app's production build (issue 13): the example app (examples/angular) built twice
// with Angular's own builder (@angular/build:application, production: optimization, hashing): with rxplow (the
// tracker, router page views, error tracking, page pings, one event) and without it (src/app/tracking.none.ts
// replaces src/app/tracking.ts: same app, no tracking). The browser's JavaScript files are summed, raw and gzip -9.
// `node bench/angular-size.mjs`, and a section of `npm run bench` (bench/run.mjs calls measureAngularSize).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ensureBuilt } from './harness.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/angular');

function build(configuration) {
  const r = spawnSync(process.execPath, [join(EXAMPLE, 'build.mjs'), configuration], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`examples/angular ${configuration} build failed:\n${r.stdout}\n${r.stderr}`);
}

/** Raw and gzip bytes of the browser JavaScript of one build. */
function measure(outputPath) {
  const dir = join(EXAMPLE, outputPath, 'browser');
  let raw = 0;
  let gzip = 0;
  const files = readdirSync(dir).filter((f) => f.endsWith('.js'));
  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: files.length, raw, gzip };
}

const kib = (n) => `${(n / 1024).toFixed(2)} KiB`;

/** Builds both variants; returns the sizes and a Markdown section. */
export async function measureAngularSize() {
  ensureBuilt();
  const t0 = Date.now();
  build('production');
  build('without-rxplow');
  const withRxplow = measure('dist/with-rxplow');
  const without = measure('dist/without-rxplow');
  const added = { raw: withRxplow.raw - without.raw, gzip: withRxplow.gzip - without.gzip };
  const seconds = (Date.now() - t0) / 1000;
  const row = (name, s) => `| ${name} | ${s.files} | ${s.raw} (${kib(s.raw)}) | ${s.gzip} (${kib(s.gzip)}) |`;
  const markdown = `## Angular app size (issue 13)

The example app (examples/angular: router, SSR, three routes) in Angular's production build
(\`@angular/build:application\`, optimization on), browser JavaScript summed, gzip -9; built in ${seconds.toFixed(0)} s.
"With rxplow": \`provideTracker\` (createBrowserTracker with its outbox), \`withRouterPageViews()\`,
\`withErrorTracking()\`, \`activityTracking()\` page pings and one \`structEvent\`. "Without": the same app with
src/app/tracking.none.ts.

| build | JS files | raw bytes | gzip bytes |
|---|---:|---:|---:|
${row('without rxplow', without)}
${row('with rxplow', withRxplow)}
| **added by rxplow** | | **${added.raw} (${kib(added.raw)})** | **${added.gzip} (${kib(added.gzip)})** |
`;
  return { withRxplow, without, added, seconds, markdown };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await measureAngularSize();
  console.log(result.markdown);
}
