// Durable browser outbox (issue 18 items 6-8), in Chromium with real localStorage and Web Locks, with the defaults a
// user runs (retry policy, batching, limits) and the outbox's clock on virtual time: a page that shuts down leaves
// an earlier page's events stored; a transient failure is retried by the living page, in memory too; a full outbox
// drains; events too old or poison leave with their reason. Every spec checks the conservation law.
import { expect } from 'chai';
import { expectConservation, OutcomeLog } from '../support/conservation.js';
import {
  clearKeys,
  counts,
  createTestingCollector,
  fakeWindow,
  finals,
  freshKey,
  ManualScheduler,
  retrying,
  rig,
  runUntil,
  storedEids,
  storedKeys,
  until,
  type Rig,
} from './outbox-support.js';
import type { OutboxSinkOptions } from '../../src/browser/outbox/index.js';
import type { TestingCollector } from '../../src/testing/index.js';

const DAY = 86_400_000;
/** The emitter's own defaults (the shared rig shortens batching and turns retries off). */
const DEFAULT_EMITTER = { flushIntervalMs: undefined, retry: undefined };

describe('browser outbox: durable (transient is not final)', function () {
  this.timeout(30_000);
  let key: string;
  beforeEach(() => {
    key = freshKey();
  });
  afterEach(() => clearKeys(key));

  /** A page on virtual time with the emitter's defaults, and its outcome log. */
  function page(collector: TestingCollector, options: Partial<Omit<OutboxSinkOptions, 'endpoint' | 'storageKey'>> = {}) {
    const scheduler = new ManualScheduler();
    const win = fakeWindow();
    const r = rig(collector, { storageKey: key, window: win, scheduler, ...options, emitter: { ...DEFAULT_EMITTER, ...options.emitter } });
    const log = new OutcomeLog(r.sink.outcomes);
    r.tracker.payloads.subscribe((p) => log.tracked.push(p['eid']!));
    return { ...r, scheduler, win, log };
  }

  /** Lets the page run (virtual time) until every event it holds is delivered, or retained after a failure. */
  async function settled(p: Rig & { scheduler: ManualScheduler }): Promise<void> {
    let done = false;
    void p.sink.flush().then(() => (done = true));
    await runUntil(p.scheduler, () => done, 'flush');
  }

  /** A page whose collector is down: tracks `n` events, sees them fail (retained), and goes away. */
  async function lostPage(n: number): Promise<string[]> {
    const p = page(createTestingCollector().setDefault({ networkError: true }));
    await p.sink.ready;
    const eids = p.track(n, 'kept');
    await settled(p);
    expect([...retrying(p.outcomes)]).to.have.members(eids);
    await p.sink.dispose();
    expect(p.log.tally()).to.deep.equal({ 'dropped:abandoned': n });
    expectConservation(p.log);
    return eids;
  }

  const sentEids = (collector: TestingCollector): string[] => collector.events.map((e) => e.eventId!);

  it("a page that shuts down at once never deletes an earlier page's events: the next load delivers them (4 of 4)", async () => {
    const kept = await lostPage(3); // load 1: 3 kept
    const collector = createTestingCollector();
    const second = page(collector); // load 2: tracks one event and shuts down before its adoption ran
    const own = second.track(1, 'second');
    const report = await second.sink.shutdown();
    expectConservation(second.log, report);
    expect(report).to.deep.equal({ sent: 1, failed: 0, dropped: 0, abandoned: 0 });
    expect(storedEids(key)).to.have.members(kept);

    const third = page(collector); // load 3: adopts and delivers them
    third.log.tracked.push(...kept);
    await third.sink.ready;
    await runUntil(third.scheduler, () => sentEids(collector).length === 4, 'the kept events to arrive');
    expect(sentEids(collector)).to.have.members([...own, ...kept]);
    expect([...counts(sentEids(collector)).values()]).to.deep.equal([1, 1, 1, 1]);
    const thirdReport = await third.sink.shutdown();
    expectConservation(third.log, thirdReport);
    expect(storedKeys(key)).to.deep.equal([]);
  });

  it('adopted events a page could not deliver go back to storage untouched at shutdown()', async () => {
    const kept = await lostPage(3);
    const second = page(createTestingCollector().setDefault({ networkError: true }));
    second.log.tracked.push(...kept);
    await second.sink.ready;
    await settled(second); // adopted, failed: retained
    const report = await second.sink.shutdown();
    expectConservation(second.log, report);
    expect(report).to.deep.equal({ sent: 0, failed: 0, dropped: 0, abandoned: 3 });
    expect(storedEids(key)).to.have.members(kept);

    const collector = createTestingCollector();
    const third = page(collector);
    third.log.tracked.push(...kept);
    await runUntil(third.scheduler, () => sentEids(collector).length === 3, 'the kept events to arrive');
    expectConservation(third.log, await third.sink.shutdown());
  });

  for (const storage of ['localStorage', 'memory'] as const) {
    it(`${storage}: a collector outage in a page that stays open — retried by the page, never final, delivered once it is back`, async () => {
      const collector = createTestingCollector().setDefault({ networkError: true });
      const p = page(collector, { storage });
      await p.sink.ready;
      const eids = p.track(5, 'outage');
      await settled(p);
      expect(p.sink.size).to.equal(5);
      expect(storedEids(key)).to.have.members(storage === 'memory' ? [] : eids);
      // Ten more minutes down: the page keeps retrying (every retry.maxDelayMs), nothing is final.
      const attempts = collector.requests.length;
      p.scheduler.advance(0);
      await runUntil(p.scheduler, () => p.scheduler.now() - Date.now() > 600_000, 'ten minutes', 5_000, 200);
      expect(collector.requests.length).to.be.above(attempts + 10);
      expect(finals(p.outcomes).size).to.equal(0);
      collector.setDefault({ status: 200 }); // back
      await runUntil(p.scheduler, () => sentEids(collector).length === 5, 'the retained events to arrive');
      expect(sentEids(collector)).to.have.members(eids);
      expect(p.sink.size).to.equal(0);
      expect(storedKeys(key)).to.deep.equal([]);
      expectConservation(p.log, await p.sink.shutdown());
    });
  }

  it('online and visibilitychange → visible retry retained events at once', async () => {
    for (const signal of ['online', 'visible'] as const) {
      const collector = createTestingCollector().setDefault({ networkError: true });
      const p = page(collector);
      const eids = p.track(2, signal);
      await settled(p);
      collector.setDefault({ status: 200 });
      if (signal === 'online') p.win.dispatchEvent(new Event('online'));
      else p.win.document.dispatchEvent(new Event('visibilitychange'));
      await until(() => sentEids(collector).length === 2, 'the events to arrive without any time passing');
      expect(sentEids(collector)).to.have.members(eids);
      expectConservation(p.log, await p.sink.shutdown());
      clearKeys(key);
    }
  });

  it('a full outbox drains while the page lives: maxEvents 5, 5 failures, the collector back → new events accepted, all delivered', async () => {
    const collector = createTestingCollector().setDefault({ networkError: true });
    const p = page(collector, { maxEvents: 5 });
    await p.sink.ready;
    const failed = p.track(5, 'outage');
    await settled(p);
    const refused = p.track(1, 'refused');
    await settled(p);
    expect(finals(p.outcomes).get(refused[0]!)).to.deep.equal(['dropped:queue-full']);
    collector.setDefault({ status: 200 });
    await runUntil(p.scheduler, () => sentEids(collector).length === 5, 'the outbox to drain');
    const later = p.track(3, 'after');
    await settled(p);
    expect(sentEids(collector)).to.have.members([...failed, ...later]);
    const report = await p.sink.shutdown();
    expectConservation(p.log, report);
    expect(report).to.deep.equal({ sent: 8, failed: 0, dropped: 1, abandoned: 0 });
  });

  it('an event older than maxAgeMs (7 days) leaves as dropped, reason expired: at adoption, and in a page that lives on', async () => {
    const gone = 'a0e5ce6a-8a28-4c44-9a8e-6f0d8b2b3a11';
    const event = (eid: string) => ({ e: 'se', eid, tv: 't', p: 'web', se_ca: 'c', se_ac: 'a' });
    const now = Date.now();
    localStorage.setItem(
      `${key}#${gone}`,
      JSON.stringify({
        v: 1,
        closed: false,
        clean: true,
        at: now,
        handedOff: [],
        held: [
          [now - 8 * DAY, 0],
          [now - DAY, 0],
        ],
        events: [event('old'), event('young')],
      }),
    );
    const collector = createTestingCollector().setDefault({ networkError: true });
    const p = page(collector);
    p.log.tracked.push('old', 'young');
    await p.sink.ready;
    expect(finals(p.outcomes).get('old')).to.deep.equal(['dropped:expired']);
    const mine = p.track(1, 'mine');
    await settled(p);
    expect([...retrying(p.outcomes)]).to.have.members(['young', ...mine]);
    // The device sleeps for 7 days: at the page's next retry, both retained events are too old.
    p.scheduler.sleep(7 * DAY);
    await runUntil(p.scheduler, () => finals(p.outcomes).size === 3, 'the retained events to expire');
    expect(finals(p.outcomes).get('young')).to.deep.equal(['dropped:expired']);
    expect(finals(p.outcomes).get(mine[0]!)).to.deep.equal(['dropped:expired']);
    expect(storedKeys(key)).to.deep.equal([]);
    expect(collector.events).to.have.length(0);
    const report = await p.sink.shutdown();
    expectConservation(p.log, report);
    expect(report).to.deep.equal({ sent: 0, failed: 0, dropped: 3, abandoned: 0 });
  });

  it('poison: an event held by maxCrashes (3) pages that crashed leaves as dropped, reason poison; outages do not count', async () => {
    const event = (eid: string) => ({ e: 'se', eid, tv: 't', p: 'web', se_ca: 'c', se_ac: 'a' });
    const now = Date.now();
    const record = (clean: boolean, eids: string[]) =>
      JSON.stringify({ v: 1, closed: false, clean, at: now, handedOff: [], held: eids.map(() => [now, 2]), events: eids.map(event) });
    localStorage.setItem(`${key}#b0e5ce6a-8a28-4c44-9a8e-6f0d8b2b3a12`, record(false, ['crashed'])); // its page crashed
    localStorage.setItem(`${key}#c0e5ce6a-8a28-4c44-9a8e-6f0d8b2b3a13`, record(true, ['clean'])); // its page ended well
    const collector = createTestingCollector();
    const p = page(collector);
    p.log.tracked.push('crashed', 'clean');
    await p.sink.ready;
    await runUntil(p.scheduler, () => finals(p.outcomes).size === 2, 'both adopted events to end');
    expect(finals(p.outcomes).get('crashed')).to.deep.equal(['dropped:poison']);
    expect(finals(p.outcomes).get('clean')).to.deep.equal(['sent']);
    expect(sentEids(collector)).to.deep.equal(['clean']);
    expectConservation(p.log, await p.sink.shutdown());

    // A page that ends while visible (no pagehide, no shutdown) leaves a record that says so.
    const crashing = page(createTestingCollector().setDefault({ networkError: true }));
    await crashing.sink.ready;
    crashing.track(1);
    await settled(crashing);
    const stored = JSON.parse(localStorage.getItem(`${key}#${crashing.sink.tabId}`)!) as { clean: boolean; held: number[][] };
    expect(stored.clean).to.equal(false);
    expect(stored.held[0]![1]).to.equal(0);
    crashing.win.document.visibilityState = 'hidden';
    crashing.win.document.dispatchEvent(new Event('visibilitychange'));
    expect((JSON.parse(localStorage.getItem(`${key}#${crashing.sink.tabId}`)!) as { clean: boolean }).clean).to.equal(true);
    await crashing.sink.dispose();
  });
});
