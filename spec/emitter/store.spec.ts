// The store seam under every queue: the emitter hands each settlement to its store with the items it concerns (no
// matching by eid), asks the store before holding a new event, and restores what a durable store kept.
import { expect } from 'chai';
import { of, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { QueuedEvent } from '../../src/emitter/batch.js';
import { Emitter } from '../../src/emitter/emitter.js';
import { PendingLedger } from '../../src/emitter/ledger.js';
import type { DeliveryOutcome, DropReason } from '../../src/emitter/outcome.js';
import type { QueueStore } from '../../src/emitter/store.js';
import type { Transport } from '../../src/emitter/transport.js';
import { Tracker } from '../../src/tracker/tracker.js';

/** A store that records every call and delegates to an in-memory ledger. */
class RecordingStore implements QueueStore {
  readonly ledger = new PendingLedger();
  readonly added: QueuedEvent[] = [];
  readonly settled: { items: readonly QueuedEvent[]; outcome: DeliveryOutcome }[] = [];
  refusal: DropReason | undefined;
  get size(): number {
    return this.ledger.size;
  }
  refuse(): DropReason | undefined {
    return this.refusal;
  }
  add(item: QueuedEvent): void {
    this.added.push(item);
    this.ledger.add(item);
  }
  settle(items: readonly QueuedEvent[], outcome: DeliveryOutcome): void {
    this.settled.push({ items, outcome });
    this.ledger.settle(items, outcome);
  }
  remaining(): QueuedEvent[] {
    return this.ledger.remaining();
  }
  whenSettledBelow(below: number): Promise<void> {
    return this.ledger.whenSettledBelow(below);
  }
}

describe('emitter/store: a store under the queue', () => {
  function rig(replies: number[], options: { retryNow?: Subject<void>; retry?: object } = {}) {
    const scheduler = new TestScheduler(() => undefined);
    scheduler.maxFrames = Infinity;
    const store = new RecordingStore();
    const sentAt: number[] = [];
    const transport: Transport = () => {
      sentAt.push(scheduler.now());
      return of({ status: replies[sentAt.length - 1] ?? 200, retryAfter: null });
    };
    const emitter = new Emitter('https://c.test', {
      bufferSize: 2,
      flushIntervalMs: 100,
      retry: { baseDelayMs: 1000, jitter: false, ...options.retry },
      scheduler,
      transport,
      store,
      retryNow: options.retryNow,
    });
    const outcomes: DeliveryOutcome[] = [];
    emitter.outcomes.subscribe((o) => outcomes.push(o));
    const tracker = new Tracker(emitter);
    return { scheduler, store, emitter, tracker, sentAt, outcomes };
  }

  it('hands each settlement to the store with the very items it concerns, retrying included', () => {
    const { scheduler, store, tracker } = rig([503]);
    tracker.trackPageView({ pageUrl: 'https://a.test/1' }).trackPageView({ pageUrl: 'https://a.test/2' });
    scheduler.flush();
    expect(store.added).to.have.length(2);
    expect(store.settled.map((s) => s.outcome.kind)).to.deep.equal(['retrying', 'sent']);
    for (const { items } of store.settled) expect(items).to.deep.equal(store.added);
    expect(items(store.settled[1]!)).to.equal(true);
    expect(store.size).to.equal(0);

    function items(s: { items: readonly QueuedEvent[] }): boolean {
      return s.items.every((item, i) => item === store.added[i]);
    }
  });

  it('asks the store before holding a new event; a refusal is a dropped outcome with its reason', () => {
    const { scheduler, store, tracker, outcomes } = rig([]);
    store.refusal = 'queue-full';
    tracker.trackPageView({ pageUrl: 'https://a.test/1' });
    scheduler.flush();
    expect(store.added).to.have.length(0);
    expect(outcomes.map((o) => [o.kind, o.kind === 'dropped' ? o.reason : ''])).to.deep.equal([['dropped', 'queue-full']]);
  });

  it('restores kept events with their refs, delivers them, and settles them by ref', () => {
    const { scheduler, store, emitter, outcomes } = rig([]);
    new Tracker(new Emitter('https://unused.test', { transport: () => of({ status: 200, retryAfter: null }) }));
    const payload = { e: 'pv', eid: 'a0a0a0a0-0000-4000-8000-000000000000', tv: 't', p: 'web' };
    emitter.restore([{ payload, ref: 'record-1' }]);
    scheduler.flush();
    expect(store.added.map((i) => i.ref)).to.deep.equal(['record-1']);
    expect(store.settled.map((s) => [s.outcome.kind, s.items.map((i) => i.ref)])).to.deep.equal([['sent', ['record-1']]]);
    expect(outcomes.map((o) => o.kind)).to.deep.equal(['sent']);
  });

  it('settles events restored after shutdown began as dropped/shutdown, for the store to keep', async () => {
    const { store, emitter, tracker } = rig([]);
    void tracker;
    const report = emitter.shutdown({ timeoutMs: 0 });
    emitter.restore([{ payload: { e: 'pv', eid: 'x', tv: 't', p: 'web' }, ref: 7 }]);
    await report;
    const last = store.settled.at(-1)!;
    expect(last.outcome.kind === 'dropped' && last.outcome.reason).to.equal('shutdown');
    expect(last.items.map((i) => i.ref)).to.deep.equal([7]);
  });

  it('retryNow ends a pending backoff at once; with no limit a transient failure is retried until it succeeds', () => {
    const retryNow = new Subject<void>();
    const { scheduler, tracker, sentAt, outcomes } = rig([503, 503, 503, 503, 503, 503, 503, 503], {
      retryNow,
      retry: { limit: Infinity, maxAgeMs: Infinity, maxDelayMs: 60_000 },
    });
    tracker.trackPageView({ pageUrl: 'https://a.test/1' });
    scheduler.flush();
    expect(sentAt.length).to.equal(9);
    expect(outcomes.filter((o) => o.kind === 'retrying')).to.have.length(8);
    expect(outcomes.at(-1)!.kind).to.equal('sent');

    tracker.trackPageView({ pageUrl: 'https://a.test/2' });
    scheduler.schedule(() => retryNow.next(), 150);
    scheduler.flush();
    expect(sentAt.slice(9)).to.have.length(1);
  });

  it('a retry cut short by retryNow happens at the signal, not at the end of its delay', () => {
    const retryNow = new Subject<void>();
    const { scheduler, tracker, sentAt } = rig([503], { retryNow });
    tracker.trackPageView({ pageUrl: 'https://a.test/1' });
    scheduler.schedule(() => retryNow.next(), 300);
    scheduler.flush();
    expect(sentAt).to.deep.equal([100, 300]);
  });
});
