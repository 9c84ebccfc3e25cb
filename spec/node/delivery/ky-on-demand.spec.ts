// ky is loaded on demand (issue 20): the default transport imports it with import(), started when the transport is
// created, so bundlers put ky in a deferred chunk; events tracked before it arrives wait and are delivered once.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Emitter } from '../../../src/emitter/emitter.js';
import { Tracker } from '../../../src/tracker/tracker.js';
import { LoopbackCollector } from '../../support/collector.js';
import { expectConservation, OutcomeLog } from '../../support/conservation.js';

const ROOT = join(import.meta.dirname, '../../..');

describe('delivery: ky loaded on demand', function () {
  this.timeout(60_000);

  it('events tracked in the same turn as the emitter (before ky has loaded) are each delivered once', async () => {
    const collector = await LoopbackCollector.start();
    try {
      const emitter = new Emitter(collector.url, { bufferSize: 2, flushIntervalMs: 10 });
      const tracker = new Tracker(emitter);
      const log = new OutcomeLog(emitter.outcomes, tracker);
      for (let i = 0; i < 5; i++) tracker.trackPageView({ pageUrl: `https://a.test/${i}` });
      await tracker.flush();
      const eids = collector.requests.flatMap((r) => r.events.map((e) => e['eid']));
      expect(eids).to.have.length(5);
      expect(new Set(eids).size).to.equal(5);
      const report = await tracker.shutdown();
      expectConservation(log, report);
      expect(log.tally()).to.deep.include({ sent: 5 });
    } finally {
      await collector.close();
    }
  });

  it('the transport has no static import of ky: ky-load.ts imports it with import()', () => {
    for (const file of ['ky-transport.ts', 'ky-load.ts']) {
      const text = readFileSync(join(ROOT, 'src/emitter', file), 'utf8');
      expect(text, file).not.to.match(/^import (?!type)[^;]*from 'ky'/m);
    }
    expect(readFileSync(join(ROOT, 'src/emitter/ky-load.ts'), 'utf8')).to.include("import('ky')");
  });

  it('a bundler puts ky in a deferred chunk: the first load of the lean and browser probes has no ky module', async () => {
    const { measureProbe } = (await import(join(ROOT, 'scripts/size-check.mjs'))) as {
      measureProbe: (
        name: string,
        resolution: string,
      ) => Promise<{ groups: { group: string }[]; gzipBytes: number; totalGzipBytes: number }>;
    };
    for (const probe of ['lean', 'browser']) {
      const result = await measureProbe(probe, 'es2015');
      expect(result.groups.map((g) => g.group)).not.to.include('ky');
      expect(result.totalGzipBytes - result.gzipBytes, `${probe}: the deferred chunk`).to.be.above(4 * 1024);
    }
  });
});
