// The published shape: the exports map serves ESM and CJS builds of both entries, with types per format.
// Runs against dist/ (npm test builds first); uses the package's self-reference, as a consumer would import it.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const run = (args: string[]): string => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();

describe('packaging (dist)', () => {
  before(function () {
    if (!existsSync(join(root, 'dist/esm/index.js')) || !existsSync(join(root, 'dist/cjs/index.js'))) {
      throw new Error('dist/ is missing: run `npm run build` (npm test does) before this spec');
    }
  });

  it('require("rxplow") and require("rxplow/testing") load the CJS build', () => {
    const out = run([
      '-e',
      "const r = require('rxplow'); const t = require('rxplow/testing'); console.log([typeof r.Tracker, typeof r.Emitter, typeof t.createTestingCollector, r.TRACKER_VERSION].join(' '))",
    ]);
    expect(out).to.equal(`function function function rxplow-${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}`);
  });

  it('import "rxplow" and "rxplow/testing" load the ESM build, and they deliver end to end', () => {
    const script = [
      "import { Tracker, Emitter } from 'rxplow';",
      "import { createTestingCollector } from 'rxplow/testing';",
      'const c = createTestingCollector();',
      'const t = new Tracker(new Emitter(c.url, { fetch: c.fetch }));',
      't.trackStructEvent({ category: "c", action: "a" });',
      'await t.flush();',
      'console.log(c.events.map((e) => e.eventType).join(","));',
    ].join('\n');
    expect(run(['--input-type=module', '-e', script])).to.equal('se');
  });

  it('ships declarations next to each format, and marks the CJS folder as CommonJS', () => {
    for (const file of ['dist/esm/index.d.ts', 'dist/cjs/index.d.ts', 'dist/esm/testing/index.d.ts', 'dist/cjs/testing/index.d.ts']) {
      expect(existsSync(join(root, file)), file).to.equal(true);
    }
    expect(JSON.parse(readFileSync(join(root, 'dist/cjs/package.json'), 'utf8'))).to.deep.equal({ type: 'commonjs' });
  });

  it('exports nothing from internals: the public entry lists its names', () => {
    const names = run(['--input-type=module', '-e', "import * as m from 'rxplow'; console.log(Object.keys(m).sort().join(','))"]).split(
      ',',
    );
    expect(names).to.include.members(['Tracker', 'Emitter', 'SelfDescribingJson', 'InvalidEventError', 'eachValueFrom', 'pageView']);
    expect(names).to.not.include.members(['assemblePayloads', 'decide', 'batchEvents', 'PendingLedger']);
  });

  it('rxplow/events: the event vocabulary (constructors, typed events, schema checks) and nothing that delivers', () => {
    const names = run([
      '--input-type=module',
      '-e',
      "import * as m from 'rxplow/events'; console.log(Object.keys(m).sort().join(','))",
    ]).split(',');
    expect(names).to.include.members([
      'pageView',
      'structEvent',
      'selfDescribingEvent',
      'typedEvent',
      'typedEntity',
      'schemaCheck',
      'FORM_NODE_NAMES',
    ]);
    expect(names).to.not.include.members(['Emitter', 'createTracker', 'Tracker', 'createKyTransport', 'EMITTER_DEFAULTS']);
    const required = run(['-e', "console.log(typeof require('rxplow/events').structEvent)"]);
    expect(required).to.equal('function');
  });

  it('one way to create a tracker in the main entry; the extension machinery in rxplow/extend', () => {
    const keysOf = (entry: string): string[] =>
      run(['--input-type=module', '-e', `import * as m from '${entry}'; console.log(Object.keys(m).sort().join(','))`]).split(',');
    const main = keysOf('rxplow');
    expect(main).to.include.members(['createTracker', 'Tracker', 'ALL_EVENTS', 'eachValueFrom']);
    for (const moved of ['CoreTracker', 'QueuedSink', 'deliverBatch', 'DEFINITION', 'defineEvent', 'eventConstructor', 'EVENT_DEFINITIONS'])
      expect(main, moved).to.not.include(moved);
    expect(keysOf('rxplow/extend')).to.deep.equal([
      'DEFINITION',
      'EVENT_DEFINITIONS',
      'PendingLedger',
      'QueuedSink',
      'defineEvent',
      'deliverBatch',
      'eventConstructor',
      'runAttempts',
      'unexpected',
    ]);
  });
});
