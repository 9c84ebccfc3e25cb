// The unload drain (issue 12 item 6), in Chromium: pagehide and visibilitychange → hidden send every pending event
// through keepalive requests packed within a byte budget shared by every rxplow sink of the page; what does not fit
// is not sent and stays in the outbox; the listeners go with shutdown() and dispose().
import { expect } from 'chai';
import { createOutboxSink, keepaliveLedger } from '../../src/browser/outbox/index.js';
import { structEvent } from '../../src/events/structured.js';
import type { TestingCollector } from '../../src/testing/index.js';
import { createTracker } from '../../src/tracker/core.js';
import {
  clearKeys,
  counts,
  createTestingCollector,
  fakeWindow,
  finals,
  freshKey,
  microtasks,
  retrying,
  rig,
  storedEids,
  storedHandedOff,
  until,
} from './outbox-support.js';

interface Sent {
  readonly keepalive: boolean;
  readonly bytes: number;
}

/** A fetch in front of a testing collector that records each request's keepalive flag and body size, and the most keepalive bytes ever in flight. */
function spyFetch(collector: TestingCollector) {
  const sent: Sent[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const bytes = (await request.clone().arrayBuffer()).byteLength;
    const keepalive = request.keepalive;
    sent.push({ keepalive, bytes });
    if (keepalive) maxInFlight = Math.max(maxInFlight, (inFlight += bytes));
    try {
      return await collector.fetch(request);
    } finally {
      if (keepalive) inFlight -= bytes;
    }
  };
  return { fetch: fetch as typeof globalThis.fetch, sent, maxInFlight: () => maxInFlight };
}

const label = (n: number) => 'ü'.repeat(n); // 2 UTF-8 bytes each: the budget counts bytes, not characters

describe('browser outbox: unload drain (keepalive within a shared budget)', function () {
  this.timeout(20_000);
  let key: string;
  beforeEach(() => {
    key = freshKey();
  });
  afterEach(() => clearKeys(key));

  it('on pagehide, sends every pending event at once through keepalive requests (none before it)', async () => {
    const collector = createTestingCollector();
    const spy = spyFetch(collector);
    const win = fakeWindow();
    const { sink, track } = rig(collector, { storageKey: key, window: win, emitter: { fetch: spy.fetch, flushIntervalMs: 60_000 } });
    await sink.ready;
    const eids = track(5);
    expect(spy.sent).to.have.length(0); // waiting for the 60 s batch timer
    win.dispatchEvent(new Event('pagehide'));
    await collector.waitForEvents({ count: 5, timeoutMs: 8_000 });
    expect(collector.events.map((e) => e.eventId)).to.deep.equal(eids);
    expect(spy.sent.every((s) => s.keepalive)).to.equal(true);
    // Visible again (pageshow): ordinary requests again.
    win.dispatchEvent(new Event('pageshow'));
    track(1);
    await sink.flush();
    expect(spy.sent.at(-1)!.keepalive).to.equal(false);
    await sink.shutdown();
  });

  it('on visibilitychange → hidden, drains; → visible, back to ordinary requests', async () => {
    const collector = createTestingCollector();
    const spy = spyFetch(collector);
    const win = fakeWindow();
    const { sink, track } = rig(collector, { storageKey: key, window: win, emitter: { fetch: spy.fetch, flushIntervalMs: 60_000 } });
    track(3);
    win.document.visibilityState = 'hidden';
    win.document.dispatchEvent(new Event('visibilitychange'));
    await collector.waitForEvents({ count: 3, timeoutMs: 8_000 });
    expect(spy.sent.map((s) => s.keepalive)).to.deep.equal([true]);
    win.document.visibilityState = 'visible';
    win.document.dispatchEvent(new Event('visibilitychange'));
    track(1);
    await sink.flush();
    expect(spy.sent.map((s) => s.keepalive)).to.deep.equal([true, false]);
    await sink.shutdown();
  });

  it('packs keepalive requests within the budget: bytes in flight never exceed it; every event is sent exactly once', async () => {
    const collector = createTestingCollector().setDefault({ status: 200, delayMs: 80 });
    const spy = spyFetch(collector);
    const win = fakeWindow();
    const budget = 4_000;
    const { sink, tracker, eids } = rig(collector, {
      storageKey: key,
      window: win,
      keepaliveBudgetBytes: budget,
      emitter: { fetch: spy.fetch, flushIntervalMs: 60_000, bufferSize: 2, retry: { limit: 20, baseDelayMs: 20, maxDelayMs: 40 } },
    });
    // Hidden first: a full batch (bufferSize) leaves at once, so the events are tracked while the page is hidden.
    void sink.drainForUnload();
    for (let i = 0; i < 12; i++) tracker.track(structEvent({ category: 'outbox', action: 'pack', label: label(400) }));
    await collector.waitForEvents({ count: 12, timeoutMs: 8_000 });
    await sink.flush();
    const requestBytes = spy.sent.map((s) => s.bytes);
    expect(Math.max(...requestBytes)).to.be.within(1_700, budget); // each request fits alone; two at once would not
    expect(spy.sent.every((s) => s.keepalive)).to.equal(true);
    expect(spy.maxInFlight()).to.be.at.most(budget);
    expect(spy.maxInFlight()).to.be.above(budget / 2); // packed, not one at a time
    expect(keepaliveLedger(win).inFlight).to.equal(0); // every reservation released when its request settled
    const seen = counts(collector.events.map((e) => e.eventId!));
    expect([...seen.keys()]).to.have.members(eids);
    expect([...seen.values()].every((n) => n === 1)).to.equal(true);
    await sink.shutdown();
  });

  it('shares the budget between sinks of one page', async () => {
    const collector = createTestingCollector().setDefault({ status: 200, delayMs: 80 });
    const spy = spyFetch(collector);
    const win = fakeWindow();
    const budget = 3_000;
    const options = {
      window: win,
      keepaliveBudgetBytes: budget,
      emitter: { fetch: spy.fetch, flushIntervalMs: 60_000, bufferSize: 1, retry: { limit: 20, baseDelayMs: 20, maxDelayMs: 40 } },
    };
    const one = rig(collector, { ...options, storageKey: key });
    const two = rig(collector, { ...options, storageKey: `${key}.two` });
    win.dispatchEvent(new Event('pagehide'));
    for (const r of [one, two])
      for (let i = 0; i < 4; i++) r.tracker.track(structEvent({ category: 'outbox', action: 'share', label: label(400) }));
    await collector.waitForEvents({ count: 8, timeoutMs: 8_000 });
    expect(spy.maxInFlight()).to.be.at.most(budget);
    expect(spy.sent.every((s) => s.keepalive)).to.equal(true);
    await Promise.all([one.sink.shutdown(), two.sink.shutdown()]);
    clearKeys(`${key}.two`);
  });

  it('leaves what does not fit in the outbox for the next load (no request without keepalive during an unload)', async () => {
    const collector = createTestingCollector().setDefault({ status: 200, delayMs: 300 });
    const spy = spyFetch(collector);
    const win = fakeWindow();
    const { sink, tracker, eids, outcomes } = rig(collector, {
      storageKey: key,
      window: win,
      keepaliveBudgetBytes: 2_500,
      emitter: { fetch: spy.fetch, flushIntervalMs: 60_000, bufferSize: 2, retry: { limit: 0 } },
    });
    win.dispatchEvent(new Event('pagehide'));
    for (let i = 0; i < 6; i++) tracker.track(structEvent({ category: 'outbox', action: 'left', label: label(400) }));
    await sink.flush();
    // One request of two events fitted; the other two batches were not sent (failed here, kept in the outbox).
    expect(spy.sent).to.have.length(1);
    expect(spy.sent[0]!.keepalive).to.equal(true);
    const sent = collector.events.map((e) => e.eventId!);
    expect(sent).to.have.length(2);
    const left = eids.filter((eid) => !sent.includes(eid));
    expect(storedEids(key)).to.have.members(left);
    // Not sent, so not final: retained for this page's next retry; at the page's end, abandoned here and kept stored.
    expect([...retrying(outcomes)]).to.have.members(left);
    expect(left.map((eid) => finals(outcomes).get(eid))).to.deep.equal(left.map(() => undefined));
    await sink.dispose();
    expect(left.map((eid) => finals(outcomes).get(eid))).to.deep.equal(left.map(() => ['dropped:abandoned']));
    expect(storedEids(key)).to.have.members(left);

    const next = createTestingCollector();
    const reloaded = rig(next, { storageKey: key });
    await next.waitForEvents({ count: 4, timeoutMs: 8_000 });
    expect(next.events.map((e) => e.eventId)).to.have.members(left);
    await reloaded.sink.shutdown();
  });

  it("keepaliveHandoff 'trust-when-healthy': events in a keepalive request leave storage only while the collector answers well", async () => {
    const collector = createTestingCollector().setDefault({ status: 200, delayMs: 200 });
    const spy = spyFetch(collector);
    const win = fakeWindow();
    const { sink, track } = rig(collector, {
      storageKey: key,
      window: win,
      emitter: { fetch: spy.fetch, flushIntervalMs: 60_000, retry: { limit: 3, baseDelayMs: 10 } },
    });
    track(1, 'healthy');
    await sink.flush(); // a success: the collector is healthy
    const handedOff = track(2, 'handed-off');
    win.dispatchEvent(new Event('pagehide'));
    await microtasks();
    // In flight by keepalive: stored as handed off (the next load holds them until it hears from the collector).
    expect(storedEids(key)).to.deep.equal(handedOff);
    expect(storedHandedOff(key)).to.deep.equal(handedOff);
    expect(sink.size).to.equal(2);
    await sink.flush();
    expect(collector.events.slice(1).map((e) => e.eventId)).to.deep.equal(handedOff);

    // The collector fails: a retry puts handed-off events back into storage, and an unhealthy collector is not trusted.
    collector.setDefault({ status: 503, delayMs: 50 });
    win.dispatchEvent(new Event('pageshow'));
    const failing = track(1, 'failing');
    await sink.flush();
    win.dispatchEvent(new Event('pagehide'));
    const atUnload = track(2, 'unhealthy');
    await microtasks();
    expect(storedEids(key)).to.have.members([...failing, ...atUnload]);
    expect(storedHandedOff(key)).to.deep.equal([]);
    await sink.dispose();
  });

  it('the next page drops events a gone page handed to keepalive on its first success, and sends them on its first failure', async () => {
    for (const answer of [200, 503] as const) {
      const gone = '2b0e5ce6-8a28-4c44-9a8e-6f0d8b2b3a13';
      const event = (eid: string) => ({ e: 'se', eid, tv: 't', p: 'web', se_ca: 'c', se_ac: 'a' });
      localStorage.setItem(
        `${key}#${gone}`,
        JSON.stringify({ v: 1, closed: false, at: 0, handedOff: ['k1', 'k2'], events: [event('k1'), event('k2'), event('plain')] }),
      );
      const collector = createTestingCollector().setDefault({ status: answer, delayMs: 50 });
      const { sink, track } = rig(collector, { storageKey: key });
      await sink.ready;
      expect(sink.size).to.equal(3);
      expect(collector.requests).to.have.length(0);
      await until(() => collector.requests.length > 0, 'the plain event to be sent');
      const own = track(1);
      await sink.flush();
      const sent = () => collector.requests.flatMap((r) => r.events.map((e) => e.eventId!));
      if (answer === 503) {
        await until(() => sent().includes('k2'), 'the held events to be sent');
        await sink.flush();
      }
      const sentEids = sent();
      if (answer === 200) {
        expect(sentEids).to.deep.equal(['plain', ...own]); // k1, k2 dropped: their keepalive request most likely arrived
        expect(sink.size).to.equal(0);
      } else {
        expect(sentEids).to.have.members(['plain', 'k1', 'k2', ...own]); // the collector is down: they are sent (and kept)
        expect(storedEids(key)).to.have.members(['plain', 'k1', 'k2', ...own]);
      }
      await sink.dispose();
      clearKeys(key);
    }
  });

  it("keepaliveHandoff 'resend': events in a keepalive request stay stored until an answer is seen", async () => {
    const collector = createTestingCollector().setDefault({ status: 200, delayMs: 200 });
    const spy = spyFetch(collector);
    const win = fakeWindow();
    const { sink, track } = rig(collector, {
      storageKey: key,
      window: win,
      keepaliveHandoff: 'resend',
      emitter: { fetch: spy.fetch, flushIntervalMs: 60_000 },
    });
    track(1);
    await sink.flush();
    const pending = track(2);
    win.dispatchEvent(new Event('pagehide'));
    await microtasks();
    expect(storedEids(key)).to.deep.equal(pending);
    expect(storedHandedOff(key)).to.deep.equal([]);
    await sink.flush();
    expect(spy.sent.at(-1)!.keepalive).to.equal(true);
    expect(storedEids(key)).to.deep.equal([]);
    await sink.shutdown();
  });

  it('mapRequest rewrites each request, keepalive ones included (how SP-Anonymous switches at runtime)', async () => {
    const collector = createTestingCollector();
    const spy = spyFetch(collector);
    const win = fakeWindow();
    let anonymous = false;
    const { sink, track } = rig(collector, {
      storageKey: key,
      window: win,
      mapRequest: (request) => (anonymous ? { ...request, headers: { ...request.headers, 'SP-Anonymous': '*' } } : request),
      emitter: { fetch: spy.fetch, flushIntervalMs: 60_000 },
    });
    track(1);
    await sink.flush();
    anonymous = true;
    win.dispatchEvent(new Event('pagehide'));
    track(1);
    await sink.flush();
    expect(collector.requests.map((r) => r.headers['sp-anonymous'])).to.deep.equal([undefined, '*']);
    expect(spy.sent.map((s) => s.keepalive)).to.deep.equal([false, true]);
    await sink.shutdown();
  });

  it('removes its listeners on shutdown() and dispose(): a later pagehide sends nothing', async () => {
    for (const end of ['shutdown', 'dispose'] as const) {
      const collector = createTestingCollector();
      const spy = spyFetch(collector);
      const win = fakeWindow();
      const sink = createOutboxSink({
        endpoint: collector.url,
        storageKey: key,
        window: win,
        emitter: { fetch: spy.fetch, flushIntervalMs: 60_000 },
      });
      const tracker = createTracker(sink);
      expect(win.listeners()).to.equal(5); // pagehide, pageshow, online, storage; visibilitychange on the document
      if (end === 'shutdown') await sink.shutdown();
      else await sink.dispose();
      expect(win.listeners()).to.equal(0);
      tracker.track(structEvent({ category: 'outbox', action: 'after-end' }));
      win.dispatchEvent(new Event('pagehide'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(spy.sent).to.have.length(0);
    }
  });
});
