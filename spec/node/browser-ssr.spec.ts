// rxplow/browser on a server (issue 12 item 7). In a fresh Node process whose browser globals are traps (getters
// that record each read): importing the built entry (dist/esm/browser/index.js) and the source reads none of them;
// createBrowserTracker (with every plugin) returns an inactive no-op tracker that reads only `window` (to learn that
// it is on a server), sends nothing, throws nothing for valid events, and leaves no timer or handle behind: the
// process ends by itself.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

const TRAPPED = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'screen',
  'history',
  'innerWidth',
  'innerHeight',
  'scrollX',
  'scrollY',
  'addEventListener',
  'removeEventListener',
  'dispatchEvent',
  'matchMedia',
  'requestAnimationFrame',
  'self',
];

/** The child's program: traps, import, then a tracker on the "server". Prints one JSON line. */
const program = (entry: string): string => `
const reads = [];
for (const name of ${JSON.stringify(TRAPPED)}) {
  Object.defineProperty(globalThis, name, { configurable: true, get() { reads.push(name); return undefined; } });
}
let fetches = 0;
globalThis.fetch = async () => { fetches++; return new Response(null, { status: 200 }); };
const mod = await import(${JSON.stringify(entry)});
const { structEvent } = await import(${JSON.stringify(pathToFileURL(join(root, 'src/index.ts')).href)});
const atImport = reads.splice(0);
const tracker = mod.createBrowserTracker({
  endpoint: 'https://collector.example.com', appId: 'ssr', contexts: { session: true },
  plugins: [mod.activityTracking(), mod.linkClickTracking(), mod.formTracking(), mod.errorTracking()],
});
const outcomes = [];
tracker.outcomes.subscribe((o) => outcomes.push(o.kind));
tracker.trackPageView();
tracker.track(structEvent({ category: 'c', action: 'a' }));
tracker.setUserId('u').setAnonymousTracking({ mode: 'full', serverAnonymisation: true }).clearUserData();
const used = tracker.use(mod.linkClickTracking());
await tracker.flush();
const report = await tracker.shutdown();
let invalid = '';
try { tracker.track(structEvent({ category: '', action: '' })); } catch (e) { invalid = e.name; }
console.log(JSON.stringify({
  atImport, atRun: [...new Set(reads)], active: tracker.active, fetches, outcomes, report, invalid, usedClosed: used.closed,
  ids: [tracker.domainUserId, tracker.sessionId, tracker.sessionIndex],
}));
`;

function runChild(entry: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program(entry)], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(r.error, 'the process ended by itself (no timer or handle left)').to.equal(undefined);
  expect(r.signal).to.equal(null);
  expect(r.stderr).to.equal('');
  expect(r.status).to.equal(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('rxplow/browser on a server (SSR)', function () {
  this.timeout(60_000);

  for (const [label, path] of [
    ['the built ESM entry (dist/esm/browser/index.js)', 'dist/esm/browser/index.js'],
    ['the source (src/browser/index.ts)', 'src/browser/index.ts'],
  ] as const) {
    it(`${label}: import reads no browser global; createBrowserTracker is an inactive no-op`, () => {
      if (!existsSync(join(root, path))) throw new Error(`${path} is missing: run \`npm run build\` (npm test does) before this spec`);
      const result = runChild(pathToFileURL(join(root, path)).href);
      expect(result['atImport'], 'browser globals read at import').to.deep.equal([]);
      expect(result['atRun'], 'browser globals read by the tracker').to.deep.equal(['window']);
      expect(result['active']).to.equal(false);
      expect(result['fetches']).to.equal(0);
      expect(result['outcomes']).to.deep.equal([]);
      expect(result['report']).to.deep.equal({ sent: 0, failed: 0, dropped: 0, abandoned: 0 });
      expect(result['invalid'], 'invalid events still throw, as in the browser').to.equal('InvalidEventError');
      expect(result['usedClosed']).to.equal(true);
      expect(result['ids']).to.deep.equal([null, null, null]);
    });
  }
});
