// The conservation law with real HTTP: every tracked event ends in exactly one final outcome per emitter, none is
// accepted twice, none vanishes — against a loopback collector that fails in every way the issue lists.
import { expect } from 'chai';
import { Emitter } from '../../../src/emitter/emitter.js';
import { Tracker } from '../../../src/tracker/tracker.js';
import { always, inTurn, LoopbackCollector, maxBody, mulberry32, randomly } from '../../support/collector.js';
import { expectConservation, OutcomeLog } from '../../support/conservation.js';
import { expectCollectorAgrees, FAST, rigPerTest, until } from '../../support/node-rig.js';

describe('delivery over HTTP: the conservation law', function () {
  this.timeout(15_000);
  const startRig = rigPerTest();

  for (const method of ['get', 'post'] as const) {
    describe(`${method.toUpperCase()} emitter`, () => {
      it('delivers every event exactly once when 20% of requests are answered 503', async () => {
        const rig = await startRig(method, randomly(0.2, { status: 503 }, 7));
        rig.track(60);
        await rig.tracker.flush();
        expectConservation(rig.log);
        expect(rig.log.tally()).to.deep.equal({ sent: 60 });
        expect(rig.log.outcomes.some((o) => o.kind === 'retrying' && o.status === 503)).to.be.true;
        expectCollectorAgrees(rig);
      });

      it('waits as long as a 429 Retry-After says, then delivers', async () => {
        const rig = await startRig(method, inTurn({ status: 429, headers: { 'Retry-After': '1' } }), {
          retry: { maxDelayMs: 2_000 },
          bufferSize: 1,
        });
        rig.track(1);
        await rig.tracker.flush();
        const [first, second] = rig.collector.requests;
        const gap = Number(second!.events[0]!['stm']) - Number(first!.events[0]!['stm']);
        expect(gap).to.be.within(990, 1_900);
        const retrying = rig.log.outcomes[0]!;
        expect(retrying.kind === 'retrying' && [retrying.status, retrying.delayMs]).to.deep.equal([429, 1_000]);
        expectConservation(rig.log);
        expectCollectorAgrees(rig);
      });

      it('times out a collector that hangs past timeoutMs, retries, and delivers', async () => {
        const rig = await startRig(method, inTurn({ hang: true }, { hang: true }));
        rig.track(3);
        await rig.tracker.flush();
        const timeouts = rig.log.outcomes.filter((o) => o.kind === 'retrying' && o.error.code === 'timeout');
        expect(timeouts.length).to.be.at.least(1);
        expect(rig.log.tally()).to.deep.equal({ sent: 3 });
        expectConservation(rig.log);
        expectCollectorAgrees(rig);
      });

      it('retries after a connection reset and delivers', async () => {
        const rig = await startRig(method, inTurn({ reset: true }, { reset: true }, { reset: true }));
        rig.track(6);
        await rig.tracker.flush();
        expect(rig.log.outcomes.filter((o) => o.kind === 'retrying' && o.error.code === 'network')).to.have.length(3);
        expect(rig.log.tally()).to.deep.equal({ sent: 6 });
        expectConservation(rig.log);
        expectCollectorAgrees(rig);
      });

      it('delivers everything when the collector is down, then up again on the same port', async () => {
        const rig = await startRig(method, undefined, { retry: { limit: 30, baseDelayMs: 5, maxDelayMs: 20 } });
        await rig.collector.close();
        rig.track(10);
        await until(() => rig.log.outcomes.filter((o) => o.kind === 'retrying').length >= 4);
        await rig.collector.listen();
        await rig.tracker.flush();
        expect(rig.log.tally()).to.deep.equal({ sent: 10 });
        expectConservation(rig.log);
        expectCollectorAgrees(rig);
      });

      for (const status of [400, 401, 403, 410, 422]) {
        it(`fails at once on ${status}: one attempt per event, no retry`, async () => {
          const rig = await startRig(method, always(status));
          rig.track(5);
          await rig.tracker.flush();
          expect(rig.log.outcomes.every((o) => o.kind === 'failed' && o.attempt === 1 && o.status === status)).to.be.true;
          expect([...rig.collector.receivedPerEid().values()]).to.deep.equal([1, 1, 1, 1, 1]);
          expectConservation(rig.log);
          expectCollectorAgrees(rig);
        });
      }

      it('reports the excess of a burst larger than maxQueueSize as dropped queue-full, and delivers the rest', async () => {
        const rig = await startRig(method, undefined, { maxQueueSize: 10 });
        rig.track(35);
        await rig.tracker.flush();
        expect(rig.log.tally()).to.deep.equal({ sent: 10, 'dropped:queue-full': 25 });
        expectConservation(rig.log);
        expectCollectorAgrees(rig);
      });

      it('resolves each of many overlapping flushes only when the events tracked before it are final', async () => {
        const rig = await startRig(method, randomly(0.3, { status: 503 }, 11));
        const checks: Promise<void>[] = [];
        for (let round = 0; round < 8; round++) {
          const before = rig.track(4);
          checks.push(
            rig.tracker.flush().then(() => {
              const finals = rig.log.finals();
              expect(
                before.filter((eid) => !finals.has(eid)),
                `round ${round}: not final when its flush resolved`,
              ).to.deep.equal([]);
            }),
          );
          await new Promise((resolve) => setTimeout(resolve, round % 3));
        }
        await Promise.all(checks);
        expect(rig.log.tally()).to.deep.equal({ sent: 32 });
        expectConservation(rig.log);
        expectCollectorAgrees(rig);
      });

      it('keeps the law under a seeded mix of 503, 429, resets, hangs and 413, with flushes overlapping tracking', async () => {
        const random = mulberry32(2026);
        const chaos = maxBody(2_500, () => {
          const roll = random();
          if (roll < 0.15) return { status: 503 };
          if (roll < 0.2) return { status: 429, headers: { 'Retry-After': '0' } };
          if (roll < 0.25) return { reset: true };
          if (roll < 0.28) return { hang: true };
          return undefined;
        });
        const rig = await startRig(method, chaos, {
          bufferSize: 20,
          concurrency: 3,
          timeoutMs: 100,
          retry: { limit: 30, baseDelayMs: 2, maxDelayMs: 20 },
        });
        const flushes: Promise<void>[] = [];
        for (let round = 0; round < 10; round++) {
          rig.track(15);
          flushes.push(rig.tracker.flush());
          await new Promise((resolve) => setTimeout(resolve, 3));
        }
        await Promise.all(flushes);
        expect(rig.log.tally()).to.deep.equal({ sent: 150 });
        if (method === 'post')
          expect(
            rig.collector.requests.some((r) => 'status' in r.answer && r.answer.status === 413),
            'no 413 split',
          ).to.be.true;
        expectConservation(rig.log, await rig.tracker.shutdown());
        expectCollectorAgrees(rig);
      });

      it('at a shutdown in the middle of retries, abandons what is left, counts it, and starts no request afterwards', async () => {
        const started: number[] = []; // every request the emitter starts, via its fetch
        const fetch: typeof globalThis.fetch = (...args) => {
          started.push(Date.now());
          return globalThis.fetch(...args);
        };
        const rig = await startRig(method, always(503), { fetch, retry: { limit: 1_000, baseDelayMs: 20, maxDelayMs: 40 } });
        rig.track(8);
        await until(() => rig.log.outcomes.filter((o) => o.kind === 'retrying').length >= 8);
        const report = await rig.tracker.shutdown({ timeoutMs: 100 });
        expect(report).to.deep.equal({ sent: 0, failed: 0, dropped: 0, abandoned: 8 });
        expectConservation(rig.log, report);
        const startedBeforeShutdown = started.length;
        rig.track(2);
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(started.length, 'requests started after shutdown').to.equal(startedBeforeShutdown);
        // A request aborted at the deadline may still reach the collector, but none started later can.
        expect(rig.collector.requests.length).to.be.at.most(startedBeforeShutdown);
        expect(rig.log.tally()).to.deep.equal({ 'dropped:abandoned': 8, 'dropped:shutdown': 2 });
        expectConservation(rig.log);
        expectCollectorAgrees(rig);
      });
    });
  }

  it('POST: splits batches the collector answers 413 until they fit, each event accepted once', async () => {
    const rig = await startRig('post', maxBody(1_500), { bufferSize: 20, flushIntervalMs: 50 });
    rig.track(40);
    await rig.tracker.flush();
    expect(rig.collector.requests.some((r) => 'status' in r.answer && r.answer.status === 413)).to.be.true;
    expect(rig.log.tally()).to.deep.equal({ sent: 40 });
    expectConservation(rig.log);
    expectCollectorAgrees(rig);
  });

  it('GET: fails a single event the collector answers 413, after one attempt', async () => {
    const rig = await startRig('get', always(413));
    rig.track(2);
    await rig.tracker.flush();
    expect(rig.log.outcomes.map((o) => [o.kind, o.attempt])).to.deep.equal([
      ['failed', 1],
      ['failed', 1],
    ]);
    expectConservation(rig.log);
  });

  it('a failing collector never delays, blocks or re-sends to another emitter', async () => {
    const failing = await LoopbackCollector.start(inTurn(...Array<{ hang: true }>(50).fill({ hang: true })));
    const healthy = await LoopbackCollector.start();
    const bad = new Emitter(failing.url, { ...FAST, method: 'post', bufferSize: 1, concurrency: 1, timeoutMs: 2_000 });
    const good = new Emitter(healthy.url, { ...FAST, method: 'post', bufferSize: 1 });
    const tracker = new Tracker([bad, good]);
    const goodLog = new OutcomeLog(good.outcomes, tracker);
    const badLog = new OutcomeLog(bad.outcomes, tracker);
    for (let i = 0; i < 10; i++) tracker.trackStructEvent({ category: 'spec', action: 'two-emitters' });
    const started = Date.now();
    await good.flush();
    expect(Date.now() - started, 'the healthy emitter waited for the hanging one').to.be.below(1_000);
    expect(goodLog.tally()).to.deep.equal({ sent: 10 });
    expect([...healthy.acceptedPerEid().values()]).to.deep.equal(Array(10).fill(1));
    expect(badLog.finals().size).to.equal(0);
    const report = await tracker.shutdown({ timeoutMs: 50 });
    expect(report).to.deep.equal({ sent: 10, failed: 0, dropped: 0, abandoned: 10 });
    expectConservation(goodLog);
    expectConservation(badLog);
    expect(healthy.requests).to.have.length(10);
    await Promise.all([failing.close(), healthy.close()]);
  });
});
