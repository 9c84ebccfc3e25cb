// Issue 9, item 2: a POST body is never built larger than maxPostBytes. Each event is serialised once, measured and
// packed into bodies that fit; an event that cannot fit alone is `dropped` (`oversize`) without ever being joined into
// a larger string. Today 100 events of 6 MB in one batch build a ~600 MB string: RangeError, the process exits 1.
import { expect } from 'chai';
import { Emitter, Tracker } from '../../../src/index.js';
import { LoopbackCollector } from '../../support/collector.js';
import { expectConservation, OutcomeLog, within } from '../../support/hardening.js';
import { childSummary, incidentLines, runChild, watchHost } from './support.js';

describe('POST bodies never grow past maxPostBytes', function () {
  this.timeout(20_000);

  it('100 events of 6 MB in one batch (default maxPostBytes): all dropped oversize, the host survives, flush resolves, later events are sent', async () => {
    const collector = await LoopbackCollector.start();
    try {
      const result = await runChild('big-post', [collector.url], { killAfterMs: 18_000 });
      expect(result.killed, childSummary(result)).to.be.false;
      expect(result.code, childSummary(result)).to.equal(0);
      expect(result.stderr, childSummary(result)).to.equal('');
      const report = result.report as {
        bigFlushed: boolean;
        smallFlushed: boolean;
        report: Record<string, number>;
        tally: Record<string, number>;
        bigTally: Record<string, number>;
        tracked: number;
        peakRssMb: number;
      };
      expect(report.bigFlushed, 'flush() after the big events resolved').to.be.true;
      expect(report.smallFlushed, 'flush() after the small events resolved').to.be.true;
      expect(report.tracked).to.equal(103);
      expect(report.bigTally, 'each 6 MB event: exactly one final outcome, dropped oversize').to.deep.equal({ 'dropped:oversize': 100 });
      expect(report.tally, 'exactly one final outcome per event').to.deep.equal({ 'dropped:oversize': 100, sent: 3 });
      expect(report.report).to.deep.equal({ sent: 3, failed: 0, dropped: 100, abandoned: 0 });
      expect(report.peakRssMb, 'peak RSS of the child (MB): no body is built past the limit').to.be.below(1_000);
      expect(collector.requests.flatMap((r) => r.events.map((e) => e['se_ca']))).to.deep.equal(['small', 'small', 'small']);
      for (const request of collector.requests) expect(request.bodyBytes).to.be.at.most(40_000);
    } finally {
      await collector.close();
    }
  });

  it('with maxPostBytes raised: every body a loopback collector receives fits, every event arrives exactly once, the too-big one is dropped', async () => {
    const maxPostBytes = 100_000;
    const collector = await LoopbackCollector.start();
    const emitter = new Emitter(collector.url, {
      method: 'post',
      bufferSize: 50,
      maxPostBytes,
      flushIntervalMs: 10,
      timeoutMs: 3_000,
      retry: { limit: 1, baseDelayMs: 5 },
    });
    const tracker = new Tracker(emitter, { namespace: 'h2', appId: 'pack' });
    const log = new OutcomeLog(emitter.outcomes, tracker);
    try {
      const { value: flushed, incidents } = await watchHost(async () => {
        // Sizes from tiny to ~36 KB, ASCII and multi-byte (é is 2 bytes, 東 3, 🚀 4 in UTF-8; quotes and backslashes escape).
        for (let i = 0; i < 120; i++) {
          const size = (i * 7_919) % 12_000;
          const label =
            i % 3 === 0
              ? 'x'.repeat(size * 3)
              : i % 3 === 1
                ? 'é東🚀"\\'.repeat(Math.ceil(size / 3))
                : `${'a'.repeat(size)}\n${'東'.repeat(size % 500)}`;
          tracker.trackStructEvent({ category: 'pack', action: `n${i}`, label });
        }
        tracker.trackStructEvent({ category: 'pack', action: 'too-big', label: 'y'.repeat(maxPostBytes) });
        return within(tracker.flush(), 10_000);
      });
      expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
      expect(flushed.done, log.describe()).to.be.true;
      expectConservation(log);
      expect(log.tally()).to.deep.equal({ sent: 120, 'dropped:oversize': 1 });
      expect(collector.requests.length, 'several requests').to.be.above(5);
      for (const request of collector.requests)
        expect(request.bodyBytes, `request ${request.index} body bytes`).to.be.at.most(maxPostBytes);
      const received = collector.receivedPerEid();
      const tooBig = log.tracked.at(-1)!;
      expect(received.has(tooBig), 'the too-big event never reached the collector').to.be.false;
      for (const eid of log.tracked.slice(0, -1)) expect(received.get(eid), `requests carrying ${eid}`).to.equal(1);
      // What arrived is what was tracked: the labels survive packing intact.
      const actions = collector.requests.flatMap((r) => r.events.map((e) => e['se_ac'])).sort();
      expect(actions).to.deep.equal(Array.from({ length: 120 }, (_, i) => `n${i}`).sort());
    } finally {
      await tracker.shutdown({ timeoutMs: 100 });
      await collector.close();
    }
  });
});
