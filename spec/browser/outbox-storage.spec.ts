// The outbox in Chromium with real localStorage (issue 12 item 5): every event is stored until its final outcome,
// bounded by count and bytes (what does not fit is dropped with a reason and counted), replayed with the same eid by
// the next page's sink, and kept in memory when storage is unavailable or full, never throwing into the page.
import { expect } from 'chai';
import { throwError } from 'rxjs';
import { createOutboxSink } from '../../src/browser/outbox/index.js';
import { structEvent } from '../../src/events/structured.js';
import {
  counts,
  createTestingCollector,
  fakeWindow,
  finals,
  freshKeyPerSpec,
  microtasks,
  retrying,
  rig,
  storedEids,
  storedKeys,
  until,
} from './outbox-support.js';

describe('browser outbox: storage (real localStorage)', function () {
  this.timeout(15_000);
  let key = '';
  freshKeyPerSpec((k) => (key = k));

  it('keeps every event in localStorage until its final outcome, then removes it', async () => {
    const collector = createTestingCollector().setDefault({ status: 200, delayMs: 150 });
    const { sink, track, outcomes } = rig(collector, { storageKey: key });
    await sink.ready;
    expect(sink.mode).to.equal('localStorage');
    expect(sink.coordination).to.equal('web-locks');
    const eids = track(3);
    await microtasks();
    expect(storedKeys(key)).to.deep.equal([`${key}#${sink.tabId}`]);
    expect(storedEids(key)).to.deep.equal(eids);
    await sink.flush();
    expect(storedKeys(key)).to.deep.equal([]);
    expect(sink.size).to.equal(0);
    expect([...finals(outcomes).values()]).to.deep.equal([['sent'], ['sent'], ['sent']]);
    await sink.shutdown();
  });

  it('bounds the outbox by count: events beyond maxEvents are dropped (queue-full) and counted', async () => {
    const collector = createTestingCollector().setDefault({ status: 200, delayMs: 200 });
    const { sink, track, outcomes } = rig(collector, { storageKey: key, maxEvents: 3 });
    await sink.ready; // the key is written once this tab owns it
    const eids = track(5);
    await microtasks();
    expect(storedEids(key)).to.deep.equal(eids.slice(0, 3));
    const report = await sink.shutdown({ timeoutMs: 5_000 });
    const f = finals(outcomes);
    expect(eids.map((eid) => f.get(eid))).to.deep.equal([['sent'], ['sent'], ['sent'], ['dropped:queue-full'], ['dropped:queue-full']]);
    expect(report).to.deep.equal({ sent: 3, failed: 0, dropped: 2, abandoned: 0 });
    expect(collector.events.map((e) => e.eventId)).to.deep.equal(eids.slice(0, 3));
  });

  it('bounds the outbox by bytes: an event too big alone is oversize, one that does not fit now is queue-full', async () => {
    const collector = createTestingCollector().setDefault({ status: 200, delayMs: 200 });
    const { sink, tracker, outcomes, eids } = rig(collector, { storageKey: key, maxBytes: 2_000 });
    tracker.track(structEvent({ category: 'outbox', action: 'big', label: 'x'.repeat(1_200) }));
    tracker.track(structEvent({ category: 'outbox', action: 'big', label: 'y'.repeat(900) })); // does not fit beside the first
    tracker.track(structEvent({ category: 'outbox', action: 'big', label: 'z'.repeat(3_000) })); // never fits
    tracker.track(structEvent({ category: 'outbox', action: 'small' }));
    await sink.shutdown({ timeoutMs: 5_000 });
    const f = finals(outcomes);
    expect(eids.map((eid) => f.get(eid))).to.deep.equal([['sent'], ['dropped:queue-full'], ['dropped:oversize'], ['sent']]);
  });

  it('replays stored events on the next page with the same eid and dtm (simulated reload: a new sink)', async () => {
    const down = createTestingCollector().setDefault({ networkError: true });
    const first = rig(down, { storageKey: key });
    await first.sink.ready; // its lock granted: what it holds is written at once (what stored reads below)
    const eids = first.track(4, 'before-reload');
    await first.sink.flush();
    // The collector was unreachable: not final but retained (`retrying`), stored for this page's retries and the next load.
    expect([...retrying(first.outcomes)]).to.have.members(eids);
    expect(finals(first.outcomes).size).to.equal(0);
    const stored = JSON.parse(localStorage.getItem(`${key}#${first.sink.tabId}`)!) as { events: Record<string, string>[] };
    await first.sink.dispose(); // the page goes away

    const up = createTestingCollector();
    const second = rig(up, { storageKey: key });
    await second.sink.ready;
    const arrived = await up.waitForEvents({ count: 4, timeoutMs: 8_000 });
    expect(arrived.map((e) => e.eventId)).to.deep.equal(eids);
    expect(arrived.map((e) => e.fields['dtm'])).to.deep.equal(stored.events.map((e) => e['dtm']));
    expect(arrived.map((e) => e.fields['se_ac'])).to.deep.equal(['before-reload', 'before-reload', 'before-reload', 'before-reload']);
    await second.sink.flush();
    expect(storedKeys(key)).to.deep.equal([]);
    await second.sink.shutdown();
    expect(counts(up.events.map((e) => e.eventId!)).size).to.equal(4);
  });

  it('a page that goes before its Web Lock is granted still stores its events; the next load sends them once', async () => {
    // A transport that fails at once (as fetch can, offline): the events are retained before the lock is granted.
    const first = rig(createTestingCollector(), {
      storageKey: key,
      emitter: { transport: () => throwError(() => new TypeError('offline')) },
    });
    const eids = first.track(4, 'before-the-lock');
    await first.sink.flush();
    expect([...retrying(first.outcomes)]).to.have.members(eids);
    await first.sink.dispose(); // the page goes away, still without its lock
    expect(storedEids(key)).to.have.members(eids);

    const up = createTestingCollector();
    const second = rig(up, { storageKey: key });
    await second.sink.ready;
    const arrived = await up.waitForEvents({ count: 4, timeoutMs: 8_000 });
    expect(arrived.map((e) => e.eventId)).to.have.members(eids);
    await second.sink.flush();
    expect(storedKeys(key)).to.deep.equal([]);
    await second.sink.shutdown();
    expect(counts(up.events.map((e) => e.eventId!)).size).to.equal(4);
  });

  it('keeps events abandoned at dispose (requests in flight) for the next load; removes events the collector refused', async () => {
    const collector = createTestingCollector().respondWith(400).setDefault({ status: 200, delayMs: 5_000 });
    const first = rig(collector, { storageKey: key, emitter: { bufferSize: 1 } });
    const [refused, pending] = first.track(2);
    await until(() => finals(first.outcomes).has(refused!), 'the refusal');
    await microtasks();
    expect(storedEids(key)).to.deep.equal([pending]);
    await first.sink.dispose();
    expect(finals(first.outcomes).get(pending!)).to.deep.equal(['dropped:abandoned']);
    expect(storedEids(key)).to.deep.equal([pending]);
  });

  it('works in memory, without throwing, when localStorage cannot be used (disabled: a throwing getter)', async () => {
    const collector = createTestingCollector();
    const win = fakeWindow({
      localStorage: () => {
        throw new DOMException('The document is sandboxed and lacks the allow-same-origin flag.', 'SecurityError');
      },
    });
    const { sink, track } = rig(collector, { storageKey: key, window: win });
    await sink.ready;
    expect(sink.mode).to.equal('memory');
    expect(sink.coordination).to.equal('none');
    const eids = track(3);
    await sink.flush();
    expect(collector.events.map((e) => e.eventId)).to.deep.equal(eids);
    await sink.shutdown();
  });

  it("storage: 'memory' writes nothing", async () => {
    const collector = createTestingCollector().setDefault({ status: 200, delayMs: 100 });
    const { sink, track } = rig(collector, { storageKey: key, storage: 'memory' });
    track(2);
    await microtasks();
    expect(sink.mode).to.equal('memory');
    expect(storedKeys(key)).to.deep.equal([]);
    await sink.shutdown();
    expect(collector.events).to.have.length(2);
  });

  it('turns to memory on a quota error: no throw, the stale key removed, every event still delivered', async () => {
    const collector = createTestingCollector().setDefault({ status: 200, delayMs: 100 });
    const { sink, track } = rig(collector, { storageKey: key });
    await sink.ready;
    track(1);
    await microtasks();
    expect(storedKeys(key)).to.have.length(1);
    const filler = `${key}.filler`;
    const junk: string[] = [];
    try {
      // Fill the origin's quota (Chromium: ~10 MB of UTF-16) until even small writes fail.
      for (let size = 1 << 20; size >= 16;) {
        try {
          localStorage.setItem(`${filler}${junk.length}`, 'j'.repeat(size));
          junk.push(`${filler}${junk.length}`);
        } catch {
          size >>= 1;
        }
      }
      const eids = track(3, 'over-quota');
      await microtasks();
      expect(sink.mode).to.equal('memory');
      expect(storedKeys(key)).to.deep.equal([]);
      await sink.flush();
      expect(collector.events.map((e) => e.eventId)).to.include.members(eids);
      expect(collector.events).to.have.length(4);
    } finally {
      for (const k of junk) localStorage.removeItem(k);
    }
    await sink.shutdown();
  });

  it('falls back to memory when the quota is already exhausted at start (the probe write fails)', async () => {
    const collector = createTestingCollector();
    const full = fakeWindow({
      localStorage: () =>
        ({
          getItem: () => null,
          setItem: () => {
            throw new DOMException('quota', 'QuotaExceededError');
          },
          removeItem: () => undefined,
          key: () => null,
          length: 0,
        }) as unknown as Storage,
    });
    const sink = createOutboxSink({
      endpoint: collector.url,
      storageKey: key,
      window: full,
      emitter: { fetch: collector.fetch, flushIntervalMs: 10 },
    });
    expect(sink.mode).to.equal('memory');
    await sink.shutdown();
  });

  it('ignores stored data it cannot read (corrupt JSON, wrong shapes) without throwing', async () => {
    const collector = createTestingCollector();
    const goneA = '0b0e5ce6-8a28-4c44-9a8e-6f0d8b2b3a11';
    const goneB = '1b0e5ce6-8a28-4c44-9a8e-6f0d8b2b3a12';
    localStorage.setItem(`${key}#${goneA}`, '{not json');
    localStorage.setItem(
      `${key}#${goneB}`,
      JSON.stringify({
        v: 1,
        closed: true,
        at: 0,
        events: [{ e: 'se', eid: 'ok-1', tv: 't', p: 'web', se_ca: 'c', se_ac: 'a' }, { e: 1 }, null, 'x'],
      }),
    );
    const { sink } = rig(collector, { storageKey: key });
    await sink.ready;
    const [event] = await collector.waitForEvents();
    expect(event!.eventId).to.equal('ok-1');
    await sink.flush();
    expect(storedKeys(key)).to.deep.equal([]);
    expect(collector.events).to.have.length(1);
    await sink.shutdown();
  });
});
