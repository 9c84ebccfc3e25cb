// The entries a worker holds, from read to written back: each is restored into the worker's HTTP emitter (its `ref`
// is the entry id) and the emitter's settlements, through the RedisStore, decide what is written back: `sent` →
// acknowledged; a refusal → isolated, then dead-lettered; the worker's stop → released (left pending). Transient
// trouble is never final here: the emitter retries without limit, and the worker knows it is failing meanwhile.
import { merge, Subject, type Observable, type Subscription } from 'rxjs';
import type { QueuedEvent } from '../emitter/batch.js';
import { Emitter } from '../emitter/emitter.js';
import type { DeliveryOutcome } from '../emitter/outcome.js';
import type { RestoredEvent } from '../emitter/queued-sink.js';
import type { StreamEntry } from './client.js';
import { decideEntry, verdictOf } from './entries.js';
import type { DeadLetter, Settlement, Settler } from './settler.js';
import { RedisStore } from './store.js';
import { Alarm } from './timing.js';
import type { WorkerConfig } from './worker-options.js';

interface Held {
  /** Reads of the entry so far (XPENDING's counter). */
  readonly deliveries: number;
  /** Called once the entry is written back or released (entries read for a delivery of their own wait on it). */
  done: (() => void) | undefined;
}

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
  readonly #held = new Map<string, Held>();
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

  /** Entries held (read, not yet written back or released). */
  get size(): number {
    return this.#held.size;
  }

  /** True while some delivery is waiting to retry (the collector is failing). */
  get failing(): boolean {
    return this.#retrying.size > 0;
  }

  heldIds(): string[] {
    return [...this.#held.keys()];
  }

  /**
   * Takes entries just read: decides each (deliver, or dead-letter when malformed, poison or expired) and restores
   * the deliverable ones into the emitter. `alone`: each in a request of its own, and the promise resolves once all
   * are written back or released; otherwise at once. Entries already held are skipped.
   */
  intake(entries: readonly StreamEntry[], deliveriesOf: (id: string) => number, alone: boolean): Promise<void> {
    const now = this.config.scheduler.now();
    const restore: RestoredEvent[] = [];
    const dead: Settlement[] = [];
    const waits: Promise<void>[] = [];
    for (const entry of entries) {
      if (this.#held.has(entry.id)) continue;
      const deliveries = deliveriesOf(entry.id);
      const held: Held = { deliveries, done: undefined };
      this.#held.set(entry.id, held);
      if (alone) waits.push(new Promise((resolve) => (held.done = resolve)));
      const decision = decideEntry(entry, deliveries, now, this.config);
      if (decision.kind === 'deliver') {
        restore.push({ payload: decision.payload, ref: entry.id, json: decision.json });
      } else {
        const letter = { id: entry.id, eid: decision.eid, kind: decision.dead, reason: decision.reason, status: undefined };
        dead.push({ id: entry.id, dead: { letter, raw: entry.fields['p'] ?? JSON.stringify(entry.fields) } });
      }
    }
    this.settler.settle(dead);
    const emitter = alone ? this.#alone : this.#batched;
    emitter.restore(restore);
    if (restore.length > 0) void emitter.flush();
    return Promise.all(waits).then(() => undefined);
  }

  /** Pending entries whose data is gone: acknowledged away (counted as `gone`). */
  ackAway(ids: readonly string[]): void {
    this.settler.settle(ids.filter((id) => !this.#held.has(id)).map((id) => ({ id, gone: true })));
  }

  /** The settler wrote these back. */
  written(done: readonly Settlement[]): void {
    for (const s of done) {
      if (s.gone) {
        this.counts.gone++;
        continue;
      }
      const held = this.#held.get(s.id);
      this.#held.delete(s.id);
      if (s.dead) {
        this.counts.deadLettered++;
        this.events.deadLetter(s.dead.letter);
      } else {
        this.counts.delivered++;
      }
      held?.done?.();
    }
    this.#settled.ring();
    this.events.changed();
  }

  /** Resolves once nothing is held (all written back or released), or at `close()`: race it with a deadline. */
  async drained(): Promise<void> {
    void this.#batched.flush();
    void this.#alone.flush();
    while (this.#held.size > 0 && !this.#closed) await this.#settled.sleep(Infinity);
  }

  /**
   * The stop's end: the emitters give up what they hold and the settler what it did not write; all of it stays pending
   * in the stream. Returns every entry released by this worker, with its delivery count when read.
   */
  async close(): Promise<ReadonlyMap<string, number>> {
    await Promise.all([this.#batched.shutdown({ timeoutMs: 0 }), this.#alone.shutdown({ timeoutMs: 0 })]);
    this.settler.abandon();
    for (const id of [...this.#held.keys()]) this.#release(id);
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
      const ids = items.map((item) => String(item.ref));
      switch (verdict.kind) {
        case 'ack':
          return this.settler.settle(ids.map((id) => ({ id })));
        case 'retrying':
          return;
        case 'refused':
          // A batch refused outright may hold one bad event: each goes again alone, so only the bad one is dead-lettered.
          if (!alone && items.length > 1 && verdict.dead === 'refused') return this.#later(() => this.#alone.restore(restoredOf(items)));
          return this.settler.settle(
            items.map((item, i) => {
              const letter = { id: ids[i]!, eid: item.payload['eid'], kind: verdict.dead, reason: verdict.reason, status: verdict.status };
              return { id: ids[i]!, dead: { letter, raw: JSON.stringify(item.payload) } };
            }),
          );
        case 'release':
          for (const id of ids) this.#release(id);
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

  #release(id: string): void {
    const held = this.#held.get(id);
    if (held === undefined) return;
    this.#held.delete(id);
    this.counts.released++;
    this.#released.set(id, held.deliveries);
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

const restoredOf = (items: readonly QueuedEvent[]): RestoredEvent[] =>
  items.map((item) => ({ payload: item.payload, ref: item.ref, json: item.json }));
