// The entries a worker holds, from read to written back. An entry holds a producer's batch: each of its events is
// restored into the worker's HTTP emitter (its `ref` is the held entry) and the emitter's settlements, through the
// RedisStore, decide what becomes of it: `sent` → done; a refusal → isolated, then a dead letter; the worker's stop →
// the whole entry released (left pending). Once all its events are done, the entry is written back (its dead letters
// appended, then acknowledged). Transient trouble is never final here: the emitter retries without limit, and the
// worker knows it is failing meanwhile.
import { merge, Subject, type Observable, type Subscription } from 'rxjs';
import type { QueuedEvent } from '../emitter/batch.js';
import { Emitter } from '../emitter/emitter.js';
import type { DeliveryOutcome } from '../emitter/outcome.js';
import type { RestoredEvent } from '../emitter/queued-sink.js';
import type { StreamEntry } from './client.js';
import { decideEntry, entryTime, verdictOf } from './entries.js';
import { HeldEntries, type Held } from './held.js';
import type { DeadEvent, DeadLetter, Settlement, Settler } from './settler.js';
import { RedisStore } from './store.js';
import { Alarm } from './timing.js';
import type { WorkerConfig } from './worker-options.js';

/** What the holder tells the worker. */
export interface HolderEvents {
  /** Room was freed, or delivery went from failing to passing (or back): readers waiting for either look again. */
  readonly changed: () => void;
  /** Delivery started failing (`failing` true, with the outcome) or passes again (false). */
  readonly health: (failing: boolean, outcome: DeliveryOutcome) => void;
  readonly deadLetter: (letter: DeadLetter) => void;
  readonly report: (error: unknown) => void;
}

export class Holder {
  readonly counts = { delivered: 0, deadLettered: 0, released: 0, gone: 0 };
  readonly outcomes: Observable<DeliveryOutcome>;
  readonly #held = new HeldEntries();
  /** Events whose last outcome was `retrying`: while any is, delivery is failing and reading pauses. */
  readonly #retrying = new Set<QueuedEvent>();
  readonly #retryNow = new Subject<void>();
  readonly #batched: Emitter;
  /** Events delivered one per request: a refused batch's events, entries read again (after a crash or a take-over). */
  readonly #alone: Emitter;
  /** Rung whenever an entry is written back or released. */
  readonly #settled: Alarm;
  readonly #timers = new Set<Subscription>();
  /** Entries released (left pending) and their delivery count when read. */
  readonly #released = new Map<string, number>();
  #closed = false;

  constructor(
    private readonly config: WorkerConfig,
    private readonly settler: Settler,
    private readonly events: HolderEvents,
  ) {
    const make = (alone: boolean): Emitter =>
      new Emitter(config.collector, {
        ...config.emitter,
        ...(alone ? { bufferSize: 1 } : {}),
        scheduler: config.scheduler,
        maxQueueSize: Infinity,
        retryNow: this.#retryNow,
        store: new RedisStore((items, outcome) => this.#onSettle(items, outcome, alone)),
      });
    this.#settled = new Alarm(config.scheduler);
    this.#batched = make(false);
    this.#alone = make(true);
    this.outcomes = merge(this.#batched.outcomes, this.#alone.outcomes);
  }

  /** Events held (in entries read, not yet written back or released). */
  get size(): number {
    return this.#held.events;
  }

  /** Entries to read next for about `events` events, at the entry size expected (1 at least). */
  entriesFor(events: number): number {
    return this.#held.entriesFor(events);
  }

  /** The stream holds `events` events in `entries` entries: the first read's size (before any entry was read). */
  expect(events: number, entries: number): void {
    this.#held.expect(events, entries);
  }

  /** True while some delivery is waiting to retry (the collector is failing). */
  get failing(): boolean {
    return this.#retrying.size > 0;
  }

  heldIds(): string[] {
    return this.#held.ids();
  }

  /**
   * Takes entries just read: decides each (its events delivered, or dead-lettered when malformed, poison or expired;
   * a batch read again split) and restores the deliverable events into the emitter. `alone`: a single event goes in a
   * request of its own, and the promise resolves once all entries are written back or released; otherwise at once.
   * Entries already held are skipped.
   */
  intake(entries: readonly StreamEntry[], deliveriesOf: (id: string) => number, alone: boolean): Promise<void> {
    const now = this.config.scheduler.now();
    const batched: RestoredEvent[] = [];
    const single: RestoredEvent[] = [];
    const settle: Settlement[] = [];
    const waits: Promise<void>[] = [];
    let largest = 0;
    for (const entry of entries) {
      if (this.#held.get(entry.id) !== undefined) continue;
      const deliveries = deliveriesOf(entry.id);
      const decision = decideEntry(entry, deliveries, now, this.config);
      const count = decision.kind === 'split' ? decision.lines.length : decision.events.length;
      const held: Held = { id: entry.id, deliveries, events: count, left: count, dead: [], done: undefined };
      this.#held.add(held);
      largest = Math.max(largest, count);
      if (alone) waits.push(new Promise((resolve) => (held.done = resolve)));
      if (decision.kind === 'split') {
        settle.push({ id: entry.id, split: { lines: decision.lines, time: entryTime(entry), reads: decision.reads } });
        continue;
      }
      const restore = alone && count === 1 ? single : batched;
      for (const event of decision.events) {
        if (event.kind === 'deliver') {
          restore.push({ payload: event.payload, ref: held, json: event.json });
        } else {
          held.dead.push({
            letter: { id: entry.id, eid: event.eid, kind: event.dead, reason: event.reason, status: undefined },
            raw: event.raw,
          });
          held.left--;
        }
      }
      if (held.left === 0) settle.push(this.#written(held));
    }
    if (!alone && entries.length > 0) this.#held.read(largest);
    this.settler.settle(settle);
    for (const [emitter, restore] of [
      [this.#batched, batched],
      [this.#alone, single],
    ] as const) {
      if (restore.length === 0) continue;
      emitter.restore(restore);
      void emitter.flush();
    }
    return Promise.all(waits).then(() => undefined);
  }

  /** Pending entries whose data is gone: acknowledged away (counted as `gone`). */
  ackAway(ids: readonly string[]): void {
    this.settler.settle(ids.filter((id) => this.#held.get(id) === undefined).map((id) => ({ id, gone: true })));
  }

  /** The settler wrote these back. */
  written(done: readonly Settlement[]): void {
    for (const s of done) {
      if (s.gone) {
        this.counts.gone++;
        continue;
      }
      const held = this.#held.get(s.id);
      if (held === undefined) continue;
      this.#held.remove(held);
      // A split entry's events come back as entries of their own: counted when those are written.
      if (s.split === undefined) {
        this.counts.deadLettered += held.dead.length;
        this.counts.delivered += held.events - held.dead.length;
        for (const dead of held.dead) this.events.deadLetter(dead.letter);
      }
      held.done?.();
    }
    this.#settled.ring();
    this.events.changed();
  }

  /** Resolves once nothing is held (all written back or released), or at `close()`: race it with a deadline. */
  async drained(): Promise<void> {
    void this.#batched.flush();
    void this.#alone.flush();
    while (this.#held.entries > 0 && !this.#closed) await this.#settled.sleep(Infinity);
  }

  /**
   * The stop's end: the emitters give up what they hold and the settler what it did not write; all of it stays pending
   * in the stream. Returns every entry released by this worker, with its delivery count when read.
   */
  async close(): Promise<ReadonlyMap<string, number>> {
    await Promise.all([this.#batched.shutdown({ timeoutMs: 0 }), this.#alone.shutdown({ timeoutMs: 0 })]);
    this.settler.abandon();
    for (const held of this.#held.all()) this.#release(held);
    this.#closed = true;
    this.#settled.ring();
    for (const timer of this.#timers) timer.unsubscribe();
    this.#retryNow.complete();
    return this.#released;
  }

  #onSettle(items: readonly QueuedEvent[], outcome: DeliveryOutcome, alone: boolean): void {
    try {
      this.#track(items, outcome);
      const verdict = verdictOf(outcome);
      switch (verdict.kind) {
        case 'ack':
          return this.#done(items, undefined);
        case 'retrying':
          return;
        case 'refused':
          // A batch refused outright may hold one bad event: each goes again alone, so only the bad one is dead-lettered.
          if (!alone && items.length > 1 && verdict.dead === 'refused') return this.#later(() => this.#alone.restore(restoredOf(items)));
          return this.#done(items, (item, held) => ({
            letter: { id: held.id, eid: item.payload['eid'], kind: verdict.dead, reason: verdict.reason, status: verdict.status },
            raw: item.json ?? JSON.stringify(item.payload),
          }));
        case 'release':
          for (const item of items) this.#release(heldOf(item));
          return this.events.changed();
        case 'again': {
          const emitter = alone ? this.#alone : this.#batched;
          return this.#later(() => emitter.restore(restoredOf(items)), this.config.emitter.retry.maxDelayMs ?? 0);
        }
      }
    } catch (error) {
      this.events.report(error);
    }
  }

  /** These events are done (delivered, or dead with the letter `dead` makes): entries with nothing left are written back. */
  #done(items: readonly QueuedEvent[], dead: ((item: QueuedEvent, held: Held) => DeadEvent) | undefined): void {
    const settle: Settlement[] = [];
    for (const item of items) {
      const held = heldOf(item);
      // Released meanwhile (the stop): the entry stays pending as a whole.
      if (!this.#held.holds(held) || held.left === 0) continue;
      if (dead !== undefined) held.dead.push(dead(item, held));
      if (--held.left === 0) settle.push(this.#written(held));
    }
    this.settler.settle(settle);
  }

  /** What the settler writes for an entry whose events are all done. */
  #written(held: Held): Settlement {
    return { id: held.id, events: held.events, dead: held.dead };
  }

  /** Follows which events are waiting to retry; the first success after failures ends every backoff at once. */
  #track(items: readonly QueuedEvent[], outcome: DeliveryOutcome): void {
    const before = this.#retrying.size > 0;
    if (outcome.kind === 'retrying') for (const item of items) this.#retrying.add(item);
    else for (const item of items) this.#retrying.delete(item);
    const after = this.#retrying.size > 0;
    if (outcome.kind === 'sent' && after) this.#later(() => this.#retryNow.next());
    if (before !== after) {
      this.events.health(after, outcome);
      this.events.changed();
    }
  }

  #release(held: Held): void {
    if (!this.#held.holds(held)) return;
    this.#held.remove(held);
    this.counts.released += held.events;
    this.#released.set(held.id, held.deliveries);
    held.done?.();
    this.#settled.ring();
  }

  /** Runs `work` on the scheduler, outside the settlement being published (no re-entrant delivery). */
  #later(work: () => void, delayMs = 0): void {
    if (this.#closed) return;
    const timer = this.config.scheduler.schedule(() => {
      this.#timers.delete(timer);
      try {
        work();
      } catch (error) {
        this.events.report(error);
      }
    }, delayMs);
    this.#timers.add(timer);
  }
}

const heldOf = (item: QueuedEvent): Held => item.ref as Held;

const restoredOf = (items: readonly QueuedEvent[]): RestoredEvent[] =>
  items.map((item) => ({ payload: item.payload, ref: item.ref, json: item.json }));
