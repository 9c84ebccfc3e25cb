// Browser bundle sizes for `npm run bench`: the probes and budgets of scripts/size-check.mjs (the one probe
// implementation, also run by `npm test`), with @snowplow/browser-tracker's newTracker + trackPageView measured in the
// same run. Usage: node bench/bundle-size.mjs [--json]
import { pathToFileURL } from 'node:url';
import { breakdownTable, kib, measureAll, sizeTable, TARGET } from '../scripts/size-check.mjs';

export async function measureBundles() {
  return measureAll();
}

/** The bench's markdown: budget table (with ÷ Snowplow), then probe A's per-module breakdown. */
export function bundleMarkdown(results) {
  const snowplow = results.find((r) => r.probe === 'snowplow' && r.resolution === 'default');
  const budgeted = results.filter((r) => r.budget !== undefined);
  const pass = budgeted.every((r) => r.ok);
  const lines = [
    sizeTable(results),
    '',
    `Budgets: ${budgeted.map((r) => `${r.probe}/${r.resolution} ${r.ok ? 'PASS' : 'FAIL'}`).join(', ')}. Reference, same run: @snowplow/browser-tracker ${kib(snowplow.gzipBytes)} KiB; ` +
      `${budgeted.map((r) => `${r.probe}/${r.resolution} ÷ Snowplow = ${(r.gzipBytes / snowplow.gzipBytes).toFixed(2)}`).join(', ')}.`,
    '',
    'Probe A by module and package (esbuild metafile; gzip share estimated pro rata from minified bytes):',
    '',
    breakdownTable(results, 'lean'),
  ];
  return { pass, markdown: lines.join('\n'), target: TARGET };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await measureBundles();
  if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
  else console.log(bundleMarkdown(results).markdown);
}
