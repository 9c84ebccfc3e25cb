// Browser bundle-size probe: esbuild (bundle, minify, ESM, platform browser) of a tiny page-view entry, then
// gzip level 9. rxplow (from the built dist/esm, with the rxjs / ky / uuid code it pulls in) next to
// @snowplow/browser-tracker's newTracker + trackPageView. Usage: node bench/bundle-size.mjs [--json]
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, ensureBuilt, ROOT } from './harness.mjs';

export const BUNDLE_TARGET_KIB = 15;

const ENTRIES = {
  rxplow: `import { Emitter, Tracker } from ${JSON.stringify(join(ROOT, 'dist/esm/index.js'))};
const tracker = new Tracker(new Emitter('collector.example.com', { method: 'post' }), { appId: 'probe' });
tracker.trackPageView({ pageUrl: location.href, pageTitle: document.title });
`,
  snowplow: `import { newTracker, trackPageView } from '@snowplow/browser-tracker';
newTracker('sp', 'collector.example.com', { appId: 'probe', eventMethod: 'post' });
trackPageView();
`,
};

/** Which package (or, for rxplow itself, which module) an esbuild input path belongs to. */
function owner(path) {
  const m = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
  if (m) return m[m.length - 1].replace('node_modules/', '');
  if (path.includes('dist/esm/')) return 'rxplow:' + path.slice(path.indexOf('dist/esm/') + 'dist/esm/'.length);
  return path;
}

async function measure(name, conditions = []) {
  const dir = join(BENCH_DIR, '.out', 'bundle');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, `${name}-entry.mjs`);
  writeFileSync(entry, ENTRIES[name]);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    nodePaths: [join(ROOT, 'node_modules')],
    conditions,
  });
  const code = result.outputFiles[0].contents;
  writeFileSync(join(dir, `${name}${conditions.length ? '-' + conditions.join('-') : ''}.min.js`), code);
  const gzip = gzipSync(code, { level: 9 }).length;
  const output = Object.values(result.metafile.outputs)[0];
  const byOwner = new Map();
  const byModule = [];
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue;
    const o = owner(path);
    byOwner.set(o.startsWith('rxplow:') ? 'rxplow' : o, (byOwner.get(o.startsWith('rxplow:') ? 'rxplow' : o) ?? 0) + bytesInOutput);
    byModule.push({ module: path.replace(/^.*node_modules\//, '').replace(/^.*dist\/esm\//, 'rxplow/'), bytes: bytesInOutput });
  }
  byModule.sort((a, b) => b.bytes - a.bytes);
  // gzip is not additive; a module's share of the gzip size is estimated from its share of the minified bytes.
  const share = (bytes) => (bytes / code.length) * gzip;
  return {
    name,
    minBytes: code.length,
    gzipBytes: gzip,
    byPackage: [...byOwner].map(([pkg, bytes]) => ({ pkg, bytes, gzipEst: share(bytes) })).sort((a, b) => b.bytes - a.bytes),
    topModules: byModule.slice(0, 25).map((m) => ({ ...m, gzipEst: share(m.bytes) })),
  };
}

export async function measureBundles() {
  ensureBuilt();
  return { rxplow: await measure('rxplow'), snowplow: await measure('snowplow'), rxplowEs2015: await measure('rxplow', ['es2015']) };
}

const kib = (b) => (b / 1024).toFixed(1);

export function bundleMarkdown({ rxplow, snowplow, rxplowEs2015 }) {
  const pass = rxplow.gzipBytes <= BUNDLE_TARGET_KIB * 1024;
  const lines = [
    '| bundle (page view + POST emitter) | min | min+gzip (level 9) |',
    '|---|---|---|',
    `| rxplow (incl. rxjs, ky, uuid) | ${kib(rxplow.minBytes)} KiB | **${kib(rxplow.gzipBytes)} KiB** |`,
    `| @snowplow/browser-tracker newTracker + trackPageView | ${kib(snowplow.minBytes)} KiB | ${kib(snowplow.gzipBytes)} KiB |`,
    `| (for information) rxplow with esbuild \`conditions: ['es2015']\` (rxjs's ES2015 build, no tslib) | ${kib(rxplowEs2015.minBytes)} KiB | ${kib(rxplowEs2015.gzipBytes)} KiB |`,
    '',
    `Target ≤ ${BUNDLE_TARGET_KIB} KiB min+gzip: **${pass ? 'PASS' : 'FAIL'}** (rxplow ÷ Snowplow = ${(rxplow.gzipBytes / snowplow.gzipBytes).toFixed(2)}).`,
    '',
    'rxplow bundle by package (esbuild metafile; gzip share estimated pro rata from minified bytes):',
    '',
    '| package | min bytes | ≈ gzip KiB |',
    '|---|---|---|',
    ...rxplow.byPackage.map((p) => `| ${p.pkg} | ${p.bytes} | ${kib(p.gzipEst)} |`),
    '',
    'Largest modules:',
    '',
    '| module | min bytes | ≈ gzip KiB |',
    '|---|---|---|',
    ...rxplow.topModules.map((m) => `| ${m.module} | ${m.bytes} | ${kib(m.gzipEst)} |`),
  ];
  return { pass, markdown: lines.join('\n') };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await measureBundles();
  if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
  else console.log(bundleMarkdown(result).markdown);
}
