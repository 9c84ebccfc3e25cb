// The browser tracker's front sink (src/browser/deferred-sink.ts, made by sink.ts's deferredOutbox) in Chromium, with the outbox's chunk load in the
// spec's hands: events held in order and stored in the outbox's format until the outbox arrives, then delivered once;
// rejected events dropped at once; a shutdown deadline before arrival (virtual time) abandons and keeps them; a failed
// load tried again at the next need; a flush that waits at most the emitter's timeout.
import { expect } from 'chai';
import { deferredOutbox, type OutboxModule } from '../../src/browser/sink.js';
import { BrowserOutbox } from '../../src/browser/outbox/outbox.js';
import { resolveOutboxOptions } from '../../src/browser/outbox/options.js';
import { parseRecord } from '../../src/browser/outbox/read.js';
import { resolveEmitterOptions } from '../../src/emitter/option-checks.js';
import type { DeliveryOutcome, DeliveryReport } from '../../src/emitter/outcome.js';
import { structEvent } from '../../src/events/structured.js';
import { createTracker, type CoreTracker } from '../../src/tracker/core.js';
import {
  createTestingCollector,
  fakeWindow,
  finals,
  freshKeyPerSpec,
  ManualScheduler,
  microtasks,
  storedEids,
  storedKeys,
  until,
} from './outbox-support.js';

/** A chunk load the spec settles: `arrive()` gives the outbox's module, `fail()` an error. */
interface Load {
  readonly promise: Promise<OutboxModule>;
  arrive(): void;
  fail(): void;
}

function load(): Load {
  let arrive!: () => void;
  let fail!: () => void;
  const promise = new Promise<OutboxModule>((resolve, reject) => {
    arrive = () => resolve({ BrowserOutbox });
    fail = () => reject(new Error('the chunk could not be loaded'));
  });
  return { promise, arrive, fail };
}

describe('rxplow/browser: the front sink until the outbox arrives (on demand)', function () {
  this.timeout(10_000);
  let key = '';
  freshKeyPerSpec((k) => (key = k));

  /** A front sink on a tracker, its chunk loads handed out from `loads` in order (the last one again when they run out). */
  function front(loads: Load[], filter?: (action: string | undefined) => boolean) {
    const collector = createTestingCollector();
    const scheduler = new ManualScheduler();
    const win = fakeWindow();
    const options = resolveOutboxOptions({
      endpoint: collector.url,
      storageKey: key,
      scheduler,
      window: win,
      emitter: { fetch: collector.fetch, flushIntervalMs: 10, retry: { limit: 0 }, scheduler },
    });
    const emitter = resolveEmitterOptions(options.endpoint, options.emitter);
    let calls = 0;
    const sink = deferredOutbox(options, emitter, () => loads[Math.min(calls++, loads.length - 1)]!.promise);
    const tracker: CoreTracker = createTracker(sink, {
      appId: 'deferred',
      scheduler,
      filter: filter && ((event) => filter(event.payload['se_ac'])),
    });
    const outcomes: DeliveryOutcome[] = [];
    const eids: string[] = [];
    sink.outcomes.subscribe((o) => outcomes.push(o));
    tracker.payloads.subscribe((p) => eids.push(p['eid']!));
    const track = (...actions: string[]) => {
      const before = eids.length;
      for (const action of actions) tracker.track(structEvent({ category: 'deferred', action }));
      return eids.slice(before);
    };
    return { collector, scheduler, win, sink, tracker, outcomes, eids, track, loads: () => calls };
  }

  it('holds the events in order, stored in the outbox format; drops rejected ones at once; delivers each once on arrival', async () => {
    const chunk = load();
    const f = front([chunk], (action) => action !== 'filtered');
    const held = f.track('a', 'b');
    const [filtered] = f.track('filtered');
    held.push(...f.track('c'));
    expect(finals(f.outcomes), 'the filtered event, at once').to.deep.equal(new Map([[filtered, ['dropped:filtered']]]));
    await until(() => storedEids(key).length === 3, 'the held events stored under the tab key');
    const [stored] = storedKeys(key);
    const record = parseRecord(localStorage.getItem(stored!))!;
    expect(
      record.events.map((e) => e['eid']),
      'as the outbox stores them, in order',
    ).to.deep.equal(held);
    expect(record.clean, 'a page at work').to.equal(false);
    expect(f.collector.events, 'nothing sent before the outbox arrives').to.have.length(0);

    chunk.arrive();
    await f.sink.ready;
    await f.tracker.flush();
    expect(
      f.collector.events.map((e) => e.eventId),
      'each held event once, in order',
    ).to.deep.equal(held);
    expect([...finals(f.outcomes)].filter(([eid]) => held.includes(eid)).map(([, kinds]) => kinds)).to.deep.equal([
      ['sent'],
      ['sent'],
      ['sent'],
    ]);
    await until(() => storedEids(key).length === 0, 'the outbox to clear the key');
    const report: DeliveryReport = await f.tracker.shutdown({ timeoutMs: 0 });
    expect(report).to.deep.equal({ sent: 3, failed: 0, dropped: 1, abandoned: 0 });
    expect(f.loads(), 'one load').to.equal(1);
  });

  it('a shutdown deadline before the outbox arrives (virtual time): abandoned, kept in storage, lock released; a late chunk starts nothing', async () => {
    const chunk = load();
    const f = front([chunk]);
    const held = f.track('a', 'b');
    await until(() => storedEids(key).length === 2, 'the held events stored');
    let report: DeliveryReport | undefined;
    void f.tracker.shutdown({ timeoutMs: 1_000 }).then((r) => (report = r));
    const late = f.track('late');
    f.scheduler.advance(999);
    await microtasks();
    expect(report, 'not before the deadline').to.equal(undefined);
    f.scheduler.advance(1);
    await until(() => report !== undefined, 'the report at the deadline');
    expect(report).to.deep.equal({ sent: 0, failed: 0, dropped: 1, abandoned: 2 });
    expect(finals(f.outcomes)).to.deep.equal(
      new Map([
        [late[0]!, ['dropped:shutdown']],
        [held[0]!, ['dropped:abandoned']],
        [held[1]!, ['dropped:abandoned']],
      ]),
    );
    const record = parseRecord(localStorage.getItem(storedKeys(key)[0]!))!;
    expect(
      record.events.map((e) => e['eid']),
      'kept, untouched, for the next load',
    ).to.deep.equal(held);
    expect(record.clean, 'a clean end').to.equal(true);
    const locks = await navigator.locks.query();
    expect(
      (locks.held ?? []).filter((lock) => lock.name?.startsWith(key)),
      'the tab lock released',
    ).to.deep.equal([]);

    chunk.arrive();
    await microtasks();
    expect(f.win.listeners(), 'no listener left').to.equal(0);
    expect(f.collector.requests, 'nothing sent').to.have.length(0);
    expect(storedEids(key)).to.deep.equal(held);
  });

  it('a failed load is tried again at the next event; a page hidden meanwhile writes a clean record, and the outbox drains on arrival', async () => {
    const failed = load();
    const next = load();
    const f = front([failed, next]);
    const first = f.track('a');
    failed.fail();
    await microtasks();
    expect(f.loads()).to.equal(1);
    f.win.document.visibilityState = 'hidden';
    f.win.document.dispatchEvent(new Event('visibilitychange'));
    const record = parseRecord(localStorage.getItem(storedKeys(key)[0]!))!;
    expect(record.events.map((e) => e['eid'])).to.deep.equal(first);
    expect(record.clean, 'hidden: a clean end were the page to go now').to.equal(true);
    expect(f.loads(), 'the hide is a need: loaded again').to.equal(2);
    const second = f.track('b');
    next.arrive();
    await until(() => f.collector.events.length === 2, 'both events sent by the outbox, drained at once (hidden)');
    expect(f.collector.events.map((e) => e.eventId)).to.deep.equal([...first, ...second]);
    expect(f.loads(), 'no load after the arrival').to.equal(2);
    await f.tracker.shutdown({ timeoutMs: 0 });
  });

  it('flush() before the outbox arrives waits at most the emitter timeout (virtual time); the events stay held', async () => {
    const never = load();
    const f = front([never]);
    const held = f.track('a');
    let flushed = false;
    void f.tracker.flush().then(() => (flushed = true));
    f.scheduler.advance(9_999);
    await microtasks();
    expect(flushed).to.equal(false);
    f.scheduler.advance(1);
    await until(() => flushed, 'the flush at the emitter timeout (10 s)');
    expect(f.outcomes, 'no outcome: the event is held, not failed').to.deep.equal([]);
    await until(() => storedEids(key).length === 1, 'stored');
    expect(storedEids(key)).to.deep.equal(held);
    const report = f.tracker.shutdown({ timeoutMs: 0 });
    f.scheduler.advance(0);
    expect(await report).to.deep.equal({ sent: 0, failed: 0, dropped: 0, abandoned: 1 });
  });
});
