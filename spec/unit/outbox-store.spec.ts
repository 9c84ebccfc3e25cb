// The browser outbox's store under a real Emitter, on virtual time (no browser): settlements reach the entries they
// concern directly (by queued item, or by the entry given as a restored event's ref), a transient failure retains
// the events (`retrying` at the outbox, not final), the bounds count every held event, and the retention decisions.
import { expect } from 'chai';
import { of, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { LocalStorageStore, type StoreHooks } from '../../src/browser/outbox/local-store.js';
import { fateOf, verdict, type Entry, type StoreLimits } from '../../src/browser/outbox/retention.js';
import { parseRecord } from '../../src/browser/outbox/read.js';
import { recordText } from '../../src/browser/outbox/storage.js';
import { Emitter } from '../../src/emitter/emitter.js';
import type { DeliveryOutcome } from '../../src/emitter/outcome.js';
import type { CollectorRequest, TransportResponse } from '../../src/emitter/transport.js';
import { Tracker } from '../../src/tracker/tracker.js';

const LIMITS: StoreLimits = {
  maxEvents: 3,
  maxBytes: 1_000_000,
  maxAgeMs: 1_000,
  maxCrashes: 3,
  retainFailed: true,
  trustKeepalive: true,
  retryDelayMs: 30_000,
};

const event = (eid: string) => ({ e: 'se', eid, tv: 't', p: 'web', se_ca: 'c', se_ac: 'a' });

describe('browser outbox store (LocalStorageStore under an Emitter, virtual time)', () => {
  function rig(statuses: number[], limits: Partial<StoreLimits> = {}) {
    const scheduler = new TestScheduler(() => undefined);
    scheduler.maxFrames = Infinity;
    const calls: string[] = [];
    const hooks: StoreHooks = {
      changed: (urgent) => calls.push(urgent ? 'write' : 'write-later'),
      release: (entries) => calls.push(`release:${entries.map((e) => e.payload['eid']).join(',')}`),
      delivered: () => calls.push('delivered'),
      retained: () => calls.push('retained'),
    };
    const store = new LocalStorageStore({ ...LIMITS, ...limits }, () => scheduler.now(), hooks);
    const requests: CollectorRequest[] = [];
    /** Status 0: the request stays in flight until the spec answers it here. */
    const inFlight: Subject<TransportResponse>[] = [];
    const emitter = new Emitter('https://c.test', {
      scheduler,
      store,
      bufferSize: 1,
      retry: { limit: 0 },
      transport: (request) => {
        requests.push(request);
        const status = statuses[requests.length - 1] ?? 200;
        if (status !== 0) return of({ status, retryAfter: null });
        inFlight.push(new Subject<TransportResponse>());
        return inFlight.at(-1)!;
      },
    });
    const outcomes: DeliveryOutcome[] = [];
    emitter.outcomes.subscribe((o) => outcomes.push(store.present(o)));
    const tracker = new Tracker(emitter);
    const track = (n: number): void => {
      for (let i = 0; i < n; i++) tracker.trackPageView({ pageUrl: `https://a.test/${i}` });
      scheduler.flush();
    };
    return { scheduler, store, emitter, outcomes, requests, inFlight, calls, track, tracker };
  }

  it('retains events whose retries ran out on a transient failure: retrying (not final), still held, counted by the bounds', () => {
    const { store, outcomes, calls, track } = rig([503, 503, 503]);
    track(4);
    expect(outcomes.map((o) => (o.kind === 'dropped' ? `dropped:${o.reason}` : o.kind))).to.deep.equal([
      'retrying',
      'retrying',
      'retrying',
      'dropped:queue-full',
    ]);
    expect(outcomes.filter((o) => o.kind === 'retrying').map((o) => o.kind === 'retrying' && o.delayMs)).to.deep.equal([
      30_000, 30_000, 30_000,
    ]);
    expect(store.held).to.equal(3);
    expect(store.retainedCount).to.equal(3);
    expect(store.size).to.equal(0); // not in the emitter's hands: its flush() resolves
    expect(calls.filter((c) => c === 'retained')).to.have.length(3);
  });

  it('a retry round restores retained entries by ref; their settlement reaches them; the collector accepting drains the store', () => {
    const { store, emitter, outcomes, calls, track, scheduler } = rig([503, 503]);
    track(2);
    const { send, drop } = store.reoffer();
    expect(send).to.have.length(2);
    expect(drop).to.deep.equal([]);
    emitter.restore(send.map((entry) => ({ payload: entry.payload, ref: entry })));
    void emitter.flush();
    scheduler.flush();
    expect(outcomes.slice(2).map((o) => o.kind)).to.deep.equal(['sent', 'sent']);
    expect(store.held).to.equal(0);
    expect(calls).to.include('delivered');
  });

  it('the items of a keepalive request are stored as handed off while healthy; a failure puts them back', () => {
    const { store, requests, inFlight, track, tracker, scheduler } = rig([200, 0]);
    track(1); // sent: the collector is healthy
    tracker.trackPageView({ pageUrl: 'https://a.test/in-flight' }); // a batch of one leaves at once; no time passes
    const items = requests[1]!.items!;
    expect(items.map((item) => item.payload['eid'])).to.have.length(1);
    store.handOff(items);
    expect(store.record(false, false, 0).handedOff).to.deep.equal([items[0]!.payload['eid']]);
    inFlight[0]!.next({ status: 503, retryAfter: null });
    inFlight[0]!.complete();
    scheduler.flush();
    expect(store.healthy).to.equal(false);
    expect(store.record(false, false, 0).handedOff).to.deep.equal([]); // retained, stored unmarked
    store.handOff(items); // an unhealthy collector is not trusted
    expect(store.record(false, false, 0).handedOff).to.deep.equal([]);
  });

  it('takes a gone page’s record: expired and poison entries are dropped, handed-off ones held in limbo until an answer', () => {
    const { store, calls, scheduler } = rig([503]);
    scheduler.schedule(() => undefined, 5_000);
    scheduler.flush(); // now = 5 000
    const text = recordText({
      closed: false,
      clean: false,
      at: 0,
      handedOff: ['limbo'],
      events: [
        { json: JSON.stringify(event('old')), since: 1_000, crashes: 0 },
        { json: JSON.stringify(event('poison')), since: 4_500, crashes: 2 },
        { json: JSON.stringify(event('limbo')), since: 4_500, crashes: 0 },
        { json: JSON.stringify(event('fresh')), since: 4_500, crashes: 1 },
      ],
    });
    const taken = store.take(parseRecord(text)!);
    expect(taken.drop.map((d) => [d.entry.payload['eid'], d.reason])).to.deep.equal([
      ['old', 'expired'],
      ['poison', 'poison'],
    ]);
    expect(taken.send.map((e) => [e.payload['eid'], e.crashes])).to.deep.equal([['fresh', 2]]);
    expect(taken.limbo.map((e) => e.payload['eid'])).to.deep.equal(['limbo']);
    expect(store.take(parseRecord(text)!).send).to.deep.equal([]); // a stored copy already held is skipped
    expect(store.held).to.equal(2);
    // A transient failure releases the limbo entry for delivery.
    store.settle([], {
      kind: 'retrying',
      emitter: 'x',
      events: [],
      attempt: 1,
      status: 503,
      error: undefined as never,
      delayMs: 1,
      willRetry: true,
    });
    expect(calls).to.include('release:limbo');
  });

  it('once the sink is closing, a transient failure is kept (final `failed`), and retained entries are kept untouched', () => {
    const { store, outcomes, track } = rig([503, 503]);
    track(1);
    store.closing = true;
    const kept = store.keepRetained();
    expect(kept.map((e) => e.state)).to.deep.equal(['kept']);
    track(1);
    expect(outcomes.map((o) => o.kind)).to.deep.equal(['retrying', 'failed']);
    expect(store.held).to.equal(2);
  });

  it('decisions: verdict (age, then crashes) and fate of a final outcome', () => {
    const held = (since: number, crashes: number): Pick<Entry, 'since' | 'crashes'> => ({ since, crashes });
    expect(verdict(held(0, 0), 1_000, LIMITS)).to.equal(undefined);
    expect(verdict(held(0, 0), 1_001, LIMITS)).to.equal('expired');
    expect(verdict(held(0, 3), 10, LIMITS)).to.equal('poison');
    const failed = (status: number | undefined) =>
      ({ kind: 'failed', emitter: 'x', events: [], attempt: 1, status, error: undefined as never, willRetry: false }) as const;
    expect(fateOf(failed(503), true, true, false)).to.equal('retained');
    expect(fateOf(failed(503), true, true, true)).to.equal('kept');
    expect(fateOf(failed(503), true, false, false)).to.equal('remove');
    expect(fateOf(failed(400), false, true, false)).to.equal('remove');
    const dropped = (reason: 'abandoned' | 'shutdown' | 'oversize') =>
      ({ kind: 'dropped', emitter: 'x', events: [], attempt: 0, reason, error: undefined, willRetry: false }) as const;
    expect([dropped('abandoned'), dropped('shutdown'), dropped('oversize')].map((o) => fateOf(o, false, true, false))).to.deep.equal([
      'kept',
      'kept',
      'remove',
    ]);
  });
});
