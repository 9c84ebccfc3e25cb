// What rxplow adds to an Angular app's production build (issues 13 and 20): the example app (examples/angular) built
// three times with Angular's own builder (@angular/build:application, production: optimization, hashing): with rxplow
// (the tracker, router page views, error tracking, page pings, one event), with Snowplow's browser tracker doing the
// same (src/app/tracking.snowplow.ts) and without tracking (src/app/tracking.none.ts). The browser's JavaScript is
// summed, raw and gzip -9, for all files and for the initial ones (what index.csr.html loads at once).
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

/**
 * Raw and gzip bytes of the browser JavaScript of one build: every file, and the initial ones (what the page's
 * index.csr.html loads at once: its module scripts and modulepreload links; lazy chunks such as ky's are left out).
 */
function measure(outputPath) {
  const dir = join(EXAMPLE, outputPath, 'browser');
  const html = readFileSync(join(dir, 'index.csr.html'), 'utf8');
  const initialFiles = new Set(
    [...html.matchAll(/<script src="([^"]+\.js)"|<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1] ?? m[2]),
  );
  const all = { files: 0, raw: 0, gzip: 0 };
  const initial = { files: 0, raw: 0, gzip: 0 };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const bytes = readFileSync(join(dir, file));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    for (const sum of initialFiles.has(file) ? [all, initial] : [all]) {
      sum.files++;
      sum.raw += bytes.length;
      sum.gzip += gzip;
    }
  }
  return { ...all, initial };
}

const kib = (n) => `${(n / 1024).toFixed(2)} KiB`;

/** Builds the three variants; returns the sizes and a Markdown section. */
export async function measureAngularSize() {
  ensureBuilt();
  const t0 = Date.now();
  build('production');
  build('without-rxplow');
  build('with-snowplow');
  const withRxplow = measure('dist/with-rxplow');
  const without = measure('dist/without-rxplow');
  const withSnowplow = measure('dist/with-snowplow');
  const share = (s) => ({ initial: s.initial.gzip - without.initial.gzip, all: s.gzip - without.gzip, raw: s.raw - without.raw });
  const rx = share(withRxplow);
  const sp = share(withSnowplow);
  const added = { raw: rx.raw, gzip: rx.all };
  const seconds = (Date.now() - t0) / 1000;
  const row = (name, s) =>
    `| ${name} | ${s.initial.files} + ${s.files - s.initial.files} | ${kib(s.initial.gzip)} | ${s.raw} (${kib(s.raw)}) | ${s.gzip} (${kib(s.gzip)}) |`;
  const ratio = rx.initial / sp.initial;
  const markdown = `## Angular app size (issues 13 and 20)

The example app (examples/angular: router, SSR, three routes) in Angular's production build
(\`@angular/build:application\`, optimization on), browser JavaScript, gzip -9; three builds in ${seconds.toFixed(0)} s.
"With rxplow": \`provideTracker\` (createBrowserTracker with its outbox), \`withRouterPageViews()\`,
\`withErrorTracking()\`, \`activityTracking()\` page pings and one \`structEvent\`. "With Snowplow": the same features
with \`@snowplow/browser-tracker\` 4.10 (src/app/tracking.snowplow.ts: \`newTracker\` in the browser, a page view per
\`NavigationEnd\`, \`enableActivityTracking\`, Angular's \`ErrorHandler\` → the error-tracking plugin's \`trackError\`,
\`trackStructEvent\`). "Without": src/app/tracking.none.ts. Initial: the files index.csr.html loads at once.

| build | JS files (initial + lazy) | initial gzip | raw bytes, all | gzip bytes, all |
|---|---:|---:|---:|---:|
${row('without tracking', without)}
${row('with rxplow', withRxplow)}
${row('with Snowplow', withSnowplow)}

| added to the app | initial chunks, gzip | all chunks, gzip |
|---|---:|---:|
| by rxplow | **${kib(rx.initial)}** | ${kib(rx.all)} |
| by Snowplow's browser tracker | **${kib(sp.initial)}** | ${kib(sp.all)} |
| rxplow ÷ Snowplow | **${ratio.toFixed(2)}×** | ${(rx.all / sp.all).toFixed(2)}× |

Target (issue 20): rxplow's share of the initial chunks ≤ Snowplow's share in the same app: **${ratio <= 1 ? 'met' : `MISSED by ${kib(rx.initial - sp.initial)}`}**.
`;
  return { withRxplow, without, withSnowplow, added, rxplowShare: rx, snowplowShare: sp, seconds, markdown };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await measureAngularSize();
  console.log(result.markdown);
}
