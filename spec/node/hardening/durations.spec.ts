// Issue 9, item 4: a JS timer fires after 1 ms when given 2^31 ms or more (with a TimeoutOverflowWarning on stderr).
// Every duration option (timeoutMs, flushIntervalMs, retry.baseDelayMs, retry.maxDelayMs, retry.maxAgeMs) must be
// finite and ≤ 2^31 − 1 ms, else `new Emitter()` throws InvalidOptionsError naming it. `shutdown({ timeoutMs })`:
// Infinity means no deadline; NaN, negative or finite values above 2^31 − 1 throw InvalidOptionsError at the call.
import { expect } from 'chai';
import { Emitter, Tracker, type EmitterOptions } from '../../../src/index.js';
import { LoopbackCollector } from '../../support/collector.js';
import { expectConservation, expectInvalidOptions, MAX_TIMER_MS, OutcomeLog, thrownBy, within } from '../../support/hardening.js';
import { childSummary, incidentLines, runChild, SlowServer, watchHost } from './support.js';

const ENDPOINT = 'http://127.0.0.1:9';
const TOO_LONG: readonly number[] = [2 ** 31, 2 ** 31 + 1, 1e12, Number.MAX_SAFE_INTEGER, Infinity];
const NOT_A_DURATION: readonly number[] = [NaN, -1, -Infinity];

const DURATION_OPTIONS: readonly { readonly name: string; readonly make: (ms: number) => EmitterOptions }[] = [
  { name: 'timeoutMs', make: (ms) => ({ timeoutMs: ms }) },
  { name: 'flushIntervalMs', make: (ms) => ({ flushIntervalMs: ms }) },
  { name: 'baseDelayMs', make: (ms) => ({ retry: { baseDelayMs: ms } }) },
  { name: 'maxDelayMs', make: (ms) => ({ retry: { maxDelayMs: ms } }) },
  { name: 'maxAgeMs', make: (ms) => ({ retry: { maxAgeMs: ms } }) },
];

describe('durations are validated or honoured exactly', function () {
  this.timeout(10_000);

  describe('emitter options', () => {
    for (const option of DURATION_OPTIONS) {
      for (const ms of [...TOO_LONG, ...NOT_A_DURATION]) {
        // maxAgeMs: Infinity means "never give up on age" (durable queues); no timer is ever set from it.
        if (option.name === 'maxAgeMs' && ms === Infinity) continue;
        it(`${option.name}: ${ms} → InvalidOptionsError naming ${option.name}`, () => {
          expectInvalidOptions(
            thrownBy(() => new Emitter(ENDPOINT, option.make(ms))),
            option.name,
          );
        });
      }
      it(`${option.name}: 2^31 − 1 (${MAX_TIMER_MS}) is accepted`, () => {
        expect(() => new Emitter(ENDPOINT, option.make(MAX_TIMER_MS))).not.to.throw();
      });
    }
  });

  it('maxAgeMs: Infinity is accepted (no age limit)', () => {
    expect(() => new Emitter(ENDPOINT, { retry: { maxAgeMs: Infinity, limit: Infinity } })).not.to.throw();
  });

  describe('shutdown({ timeoutMs })', () => {
    for (const ms of [NaN, -1, -Infinity, 2 ** 31, 1e15]) {
      it(`emitter.shutdown({ timeoutMs: ${ms} }) throws InvalidOptionsError at the call, and the emitter is not shut down`, async () => {
        const collector = await LoopbackCollector.start();
        const emitter = new Emitter(collector.url, { method: 'get', retry: 0 });
        const tracker = new Tracker(emitter);
        const log = new OutcomeLog(emitter.outcomes, tracker);
        try {
          const { value: report, incidents } = await watchHost(async () => {
            expectInvalidOptions(
              thrownBy(() => emitter.shutdown({ timeoutMs: ms })),
              'timeoutMs',
            );
            tracker.trackStructEvent({ category: 'still', action: 'open' });
            return emitter.shutdown({ timeoutMs: 2_000 });
          });
          expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
          expect(report, log.describe()).to.deep.equal({ sent: 1, failed: 0, dropped: 0, abandoned: 0 });
          expectConservation(log, report);
        } finally {
          await collector.close();
        }
      });

      it(`tracker.shutdown({ timeoutMs: ${ms} }) throws InvalidOptionsError at the call`, async () => {
        const tracker = new Tracker(new Emitter(ENDPOINT));
        const { value: error, incidents } = await watchHost(async () => thrownBy(() => void tracker.shutdown({ timeoutMs: ms })));
        expectInvalidOptions(error, 'timeoutMs');
        expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
      });
    }

    it('Infinity means no deadline: shutdown() waits for every final outcome (a collector answering after 600 ms), no warning', async () => {
      const server = await SlowServer.start(() => ({ status: 200, headersAfterMs: 600 }));
      const emitter = new Emitter(server.url, { method: 'get', timeoutMs: 5_000, retry: 0 });
      const tracker = new Tracker(emitter);
      const log = new OutcomeLog(emitter.outcomes, tracker);
      try {
        const { value: result, incidents } = await watchHost(async () => {
          tracker.trackStructEvent({ category: 'no', action: 'deadline' }).trackStructEvent({ category: 'no', action: 'deadline' });
          return within(tracker.shutdown({ timeoutMs: Infinity }), 4_000);
        });
        expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
        expect(result.done, log.describe()).to.be.true;
        expect(result.done && result.value, log.describe()).to.deep.equal({ sent: 2, failed: 0, dropped: 0, abandoned: 0 });
        expect(result.ms, 'shutdown waited for the answers').to.be.at.least(550);
        expectConservation(log, result.done ? result.value : undefined);
      } finally {
        await server.close();
      }
    });

    it(`2^31 − 1 is honoured: shutdown({ timeoutMs: ${MAX_TIMER_MS} }) waits for the answers, no warning`, async () => {
      const server = await SlowServer.start(() => ({ status: 200, headersAfterMs: 300 }));
      const emitter = new Emitter(server.url, { method: 'get', timeoutMs: 5_000, retry: 0 });
      const tracker = new Tracker(emitter);
      try {
        const { value: result, incidents } = await watchHost(async () => {
          tracker.trackStructEvent({ category: 'max', action: 'deadline' });
          return within(tracker.shutdown({ timeoutMs: MAX_TIMER_MS }), 3_000);
        });
        expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
        expect(result.done && result.value).to.deep.equal({ sent: 1, failed: 0, dropped: 0, abandoned: 0 });
      } finally {
        await server.close();
      }
    });
  });

  describe('the longest durations are honoured, not cut to 1 ms', () => {
    it(`flushIntervalMs ${MAX_TIMER_MS}: a partial batch waits (nothing sent after 150 ms) until flush()`, async () => {
      const collector = await LoopbackCollector.start();
      const emitter = new Emitter(collector.url, { method: 'post', bufferSize: 10, flushIntervalMs: MAX_TIMER_MS, retry: 0 });
      const tracker = new Tracker(emitter);
      const log = new OutcomeLog(emitter.outcomes, tracker);
      try {
        const { incidents } = await watchHost(async () => {
          tracker.trackStructEvent({ category: 'long', action: 'interval' });
          await new Promise((resolve) => setTimeout(resolve, 150));
          expect(collector.requests, 'nothing sent before flush()').to.have.length(0);
          await within(tracker.flush(), 2_000);
        });
        expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
        expect(log.tally()).to.deep.equal({ sent: 1 });
      } finally {
        await tracker.shutdown({ timeoutMs: 100 });
        await collector.close();
      }
    });

    it(`retry.maxDelayMs and maxAgeMs ${MAX_TIMER_MS} with a Retry-After of 20 days: the retry waits (no second request after 200 ms)`, async () => {
      const twentyDays = 20 * 86_400;
      const collector = await LoopbackCollector.start(() => ({ status: 503, headers: { 'Retry-After': String(twentyDays) } }));
      const emitter = new Emitter(collector.url, {
        method: 'get',
        timeoutMs: 2_000,
        retry: { limit: 3, maxDelayMs: MAX_TIMER_MS, maxAgeMs: MAX_TIMER_MS },
      });
      const tracker = new Tracker(emitter);
      const log = new OutcomeLog(emitter.outcomes, tracker);
      try {
        const { value: report, incidents } = await watchHost(async () => {
          tracker.trackStructEvent({ category: 'long', action: 'retry' });
          await new Promise((resolve) => setTimeout(resolve, 200));
          return tracker.shutdown({ timeoutMs: 50 });
        });
        expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
        expect(collector.requests, 'one attempt only').to.have.length(1);
        const [retrying] = log.outcomes;
        expect(retrying?.kind === 'retrying' && retrying.delayMs, log.describe()).to.equal(twentyDays * 1_000);
        expect(report).to.deep.equal({ sent: 0, failed: 0, dropped: 0, abandoned: 1 });
        expectConservation(log, report);
      } finally {
        await collector.close();
      }
    });

    it(`timeoutMs ${MAX_TIMER_MS}: a collector answering after 300 ms is not timed out`, async () => {
      const server = await SlowServer.start(() => ({ status: 200, headersAfterMs: 300 }));
      const emitter = new Emitter(server.url, { method: 'get', timeoutMs: MAX_TIMER_MS, retry: 0 });
      const tracker = new Tracker(emitter);
      const log = new OutcomeLog(emitter.outcomes, tracker);
      try {
        const { incidents } = await watchHost(async () => {
          tracker.trackStructEvent({ category: 'long', action: 'timeout' });
          await within(tracker.flush(), 2_000);
        });
        expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
        expect(log.tally(), log.describe()).to.deep.equal({ sent: 1 });
      } finally {
        await tracker.shutdown({ timeoutMs: 100 });
        await server.close();
      }
    });
  });

  it('a child process using the longest durations and out-of-range ones prints no TimeoutOverflowWarning (empty stderr)', async () => {
    const collector = await LoopbackCollector.start();
    try {
      const result = await runChild('durations', [collector.url], { killAfterMs: 8_000 });
      expect(result.killed, childSummary(result)).to.be.false;
      expect(result.code, childSummary(result)).to.equal(0);
      expect(result.stderr, 'stderr of the child').to.equal('');
      const report = result.report as { rejected: Record<string, boolean>; report: Record<string, number> };
      expect(report.rejected, 'each out-of-range duration rejected at construction').to.deep.equal(
        Object.fromEntries(['timeoutMs', 'flushIntervalMs', 'baseDelayMs', 'maxDelayMs', 'maxAgeMs'].map((name) => [name, true])),
      );
      expect(report.report).to.deep.equal({ sent: 1, failed: 0, dropped: 0, abandoned: 0 });
    } finally {
      await collector.close();
    }
  });
});
