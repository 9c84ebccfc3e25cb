// Several tabs of one site (issue 12 item 5): sinks sharing one localStorage and real Web Locks stand for tabs. A tab
// only ever sends its own events and those of tabs that are gone, and a gone tab's events are adopted by one tab.
import { expect } from 'chai';
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
import { EARLY_GRACE_MS } from '../../src/browser/outbox/adoption.js';

describe('browser outbox: several tabs (real Web Locks)', function () {
  this.timeout(20_000);
  let key = '';
  freshKeyPerSpec((k) => (key = k));

  /** A tab that stored `n` events the collector never took (network errors: kept for the next load), then went away. */
  async function goneTab(n: number, label: string): Promise<string[]> {
    return (await goneTabWithKey(n, label)).eids;
  }

  async function goneTabWithKey(n: number, label: string): Promise<{ eids: string[]; storageKey: string; value: string }> {
    const tab = rig(createTestingCollector().setDefault({ networkError: true }), { storageKey: key });
    await tab.sink.ready;
    const eids = tab.track(n, label);
    await tab.sink.flush();
    const storageKey = `${key}#${tab.sink.tabId}`;
    const value = localStorage.getItem(storageKey)!;
    await tab.sink.dispose();
    return { eids, storageKey, value };
  }

  it("never sends a live tab's stored events; adopts them once that tab is gone", async () => {
    const a = rig(createTestingCollector().setDefault({ networkError: true }), { storageKey: key });
    await a.sink.ready;
    const eids = a.track(3, 'tab-a');
    await a.sink.flush(); // failed here, kept in A's storage key
    expect(storedEids(key)).to.deep.equal(eids);

    const bCollector = createTestingCollector();
    const b = rig(bCollector, { storageKey: key });
    await b.sink.ready;
    // B has found A's key and waits for A's lock: A lives, so nothing of A's is sent.
    const mine = b.track(1, 'tab-b');
    await b.sink.flush();
    expect(bCollector.events.map((e) => e.eventId)).to.deep.equal(mine);
    expect(storedEids(key)).to.deep.equal(eids);

    await a.sink.dispose(); // A's page goes away: its lock is released, B's waiting request is granted
    await bCollector.waitForEvents({ count: 4, timeoutMs: 8_000 });
    await b.sink.flush();
    expect(bCollector.events.map((e) => e.eventId)).to.deep.equal([...mine, ...eids]);
    expect(storedKeys(key)).to.deep.equal([]);
    await b.sink.shutdown();
  });

  it('a record written before its tab held its Web Lock (early) is left alone for the grace period, then adopted', async () => {
    // A page that leaves before its lock is granted writes its key anyway (nothing lost), marked early: another tab
    // may be granted that lock first (its request can reach the lock manager before the page's own) while the page
    // lives on, hidden. Such a tab lets the lock go and looks again after EARLY_GRACE_MS; a gone page's events follow.
    const { eids, storageKey, value } = await goneTabWithKey(2, 'early');
    const early = value.replace('"clean":', '"early":true,"clean":').replace(/"at":\d+/, `"at":${Date.now()}`);
    expect(early).to.contain('"early":true');
    localStorage.setItem(storageKey, early);
    const collector = createTestingCollector();
    const c = rig(collector, { storageKey: key });
    await c.sink.ready;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(collector.events).to.have.length(0);
    expect(localStorage.getItem(storageKey)).to.equal(early);
    await collector.waitForEvents({ count: 2, timeoutMs: EARLY_GRACE_MS + 4_000 });
    await c.sink.flush();
    expect(collector.events.map((e) => e.eventId)).to.deep.equal(eids);
    expect(localStorage.getItem(storageKey)).to.equal(null);
    await c.sink.shutdown();
  });

  it('an early record older than the grace period is adopted at once', async () => {
    const { eids, storageKey, value } = await goneTabWithKey(2, 'early-old');
    localStorage.setItem(
      storageKey,
      value.replace('"clean":', '"early":true,"clean":').replace(/"at":\d+/, `"at":${Date.now() - EARLY_GRACE_MS - 1}`),
    );
    const collector = createTestingCollector();
    const c = rig(collector, { storageKey: key });
    await c.sink.ready;
    await collector.waitForEvents({ count: 2, timeoutMs: 2_000 });
    expect(collector.events.map((e) => e.eventId)).to.deep.equal(eids);
    await c.sink.shutdown();
  });

  it('adopts the stored events of a tab that opened after it, once that tab is gone (storage event)', async () => {
    const bCollector = createTestingCollector();
    const b = rig(bCollector, { storageKey: key });
    await b.sink.ready;
    const a = rig(createTestingCollector().setDefault({ networkError: true }), { storageKey: key });
    await a.sink.ready;
    const eids = a.track(2, 'late-tab');
    await a.sink.flush();
    await a.sink.dispose();
    // Same-page sinks get no `storage` events (they fire in OTHER documents only): in one page, B learns of A's key
    // only at its own start. So this spec checks the other half: the next sink to start adopts A's leftovers.
    const c = rig(bCollector, { storageKey: key });
    await c.sink.ready;
    await bCollector.waitForEvents({ count: 2, timeoutMs: 8_000 });
    expect(bCollector.events.map((e) => e.eventId)).to.deep.equal(eids);
    await Promise.all([b.sink.shutdown(), c.sink.shutdown()]);
  });

  it('two tabs opening together never both send a gone tab’s event (each eid exactly once)', async () => {
    const gone = [...(await goneTab(15, 'gone-1')), ...(await goneTab(15, 'gone-2')), ...(await goneTab(15, 'gone-3'))];
    expect(storedEids(key)).to.have.members(gone);
    const collectors = [createTestingCollector(), createTestingCollector(), createTestingCollector()];
    const tabs = collectors.map((collector) => rig(collector, { storageKey: key }));
    await Promise.all(tabs.map((tab) => tab.sink.ready));
    const received = () => collectors.flatMap((collector) => collector.events.map((e) => e.eventId!));
    await until(() => received().length >= gone.length, 'every stored event');
    await Promise.all(tabs.map((tab) => tab.sink.flush()));
    const seen = counts(received());
    expect([...seen.keys()]).to.have.members(gone);
    expect([...seen.values()].every((n) => n === 1)).to.equal(true);
    expect(storedKeys(key)).to.deep.equal([]);
    await Promise.all(tabs.map((tab) => tab.sink.shutdown()));
  });

  it('keeps adopted tabs’ locks until its own end: a tab with a stale view of storage cannot adopt the same key again', async () => {
    const gone = await goneTabWithKey(4, 'held');
    const first = rig(createTestingCollector().setDefault({ networkError: true }), { storageKey: key });
    await first.sink.ready;
    // Adopted, then failed: retained under first's own key (retried by first while it lives), the gone tab's key removed.
    await until(() => gone.eids.every((eid) => retrying(first.outcomes).has(eid)), 'the adopted events to fail');
    await first.sink.flush();
    expect(finals(first.outcomes).size).to.equal(0);
    expect(storedKeys(key)).to.deep.equal([`${key}#${first.sink.tabId}`]);
    // What a tab whose view of localStorage lags behind would still see: the gone tab's key as it was.
    localStorage.setItem(gone.storageKey, gone.value);
    const laterCollector = createTestingCollector();
    const later = rig(laterCollector, { storageKey: key });
    await later.sink.ready;
    await later.sink.flush();
    expect(laterCollector.events).to.have.length(0); // the gone tab's lock is still held by first
    localStorage.removeItem(gone.storageKey); // the view catches up
    await first.sink.dispose();
    await laterCollector.waitForEvents({ count: 4, timeoutMs: 8_000 });
    await later.sink.flush();
    expect(laterCollector.events.map((e) => e.eventId)).to.have.members(gone.eids);
    expect(laterCollector.events).to.have.length(4);
    await later.sink.shutdown();
  });

  it('without navigator.locks (weaker fallback): adopts outboxes their pages marked closed at pagehide', async () => {
    const noLocks = fakeWindow({ locks: null });
    const a = rig(createTestingCollector().setDefault({ networkError: true }), { storageKey: key, window: noLocks });
    expect(a.sink.coordination).to.equal('no-locks');
    const eids = a.track(2, 'no-locks');
    await a.sink.flush();
    // A live tab without locks: its key is not marked closed, so a new tab leaves it alone.
    const early = createTestingCollector();
    const peek = rig(early, { storageKey: key, window: fakeWindow({ locks: null }) });
    await peek.sink.ready;
    await microtasks();
    expect(early.events).to.have.length(0);
    await peek.sink.shutdown();
    noLocks.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: false }));
    await a.sink.dispose();
    const record = JSON.parse(localStorage.getItem(`${key}#${a.sink.tabId}`)!) as { closed: boolean };
    expect(record.closed).to.equal(true);

    const bCollector = createTestingCollector();
    const b = rig(bCollector, { storageKey: key, window: fakeWindow({ locks: null }) });
    await b.sink.ready;
    await bCollector.waitForEvents({ count: 2, timeoutMs: 8_000 });
    expect(bCollector.events.map((e) => e.eventId)).to.deep.equal(eids);
    await b.sink.shutdown();
  });
});
