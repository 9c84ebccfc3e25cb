import { diagnostic } from '../diagnostics.js';
import { filter, map, mergeMap, NEVER, Observable, race, Subject, take, timer, type SchedulerLike, type Subscription } from 'rxjs';
import { AbortedError, InvalidOptionsError } from '../errors.js';
import type { Payload } from '../payload/payload.js';
import { batchEvents, fitsAlone, type BatchLimits, type QueuedEvent } from './batch.js';
import { unexpected, type Settlement } from './attempts.js';
import { abandonment, dropped } from './abandon.js';
import { checkShutdownTimeout } from './durations.js';
import { PendingLedger } from './ledger.js';
import type { QueueStore } from './store.js';
import type {
  DeliveryOutcome,
  DeliveryReport,
  DropReason,
  FailedOutcome,
  RetryingOutcome,
  SentOutcome,
  ShutdownOptions,
} from './outcome.js';
import type { Admission, Sink } from './sink.js';

/** How a {@link QueuedSink} batches and bounds what it holds. */
export interface QueuedSinkConfig {
  /** The name outcomes carry. */
  readonly name: string;
  /** When a batch is due by count and bytes, and what an event may cost at most (`oversize` beyond). */
  readonly limits: BatchLimits;
  /** A partial batch is delivered this long after its first event, in ms. */
  readonly maxWaitMs: number;
  /** Batches being delivered at once. */
  readonly concurrency: number;
  /** Undelivered events the sink may hold; beyond it new events are `dropped` (`queue-full`). */
  readonly maxQueueSize: number;
  /** Every timer (batch, shutdown deadline) runs on it. */
  readonly scheduler: SchedulerLike;
  /** Where the events are held until their final outcome. @default a new in-memory `PendingLedger` */
  readonly store?: QueueStore | undefined;
}

/** An event a store hands back to the queue (from an earlier page, a stream): its payload and the store's reference. */
export interface RestoredEvent {
  readonly payload: Payload;
  /** Carried on the queued event (`QueuedEvent.ref`), so the store's settlements reach its own record directly. */
  readonly ref?: unknown;
  /**
   * `JSON.stringify(payload)` exactly, when the store keeps that text (a Redis entry): a POST emitter then measures
   * and sends it as it is instead of serialising the payload again. It must not contain `stm`.
   */
  readonly json?: string | undefined;
}

/**
 * The machinery every queueing sink shares (the HTTP `Emitter`, the Redis queue emitter): admission with drop
 * reasons, the pending ledger behind `flush()`, batching, `concurrency` deliveries at once, outcome counting, the
 * shutdown deadline, and the terminal error path. A subclass says how an event is measured and how a batch is
 * delivered; it never throws into the host and every admitted event ends in exactly one final outcome.
 */
export abstract class QueuedSink implements Sink {
  /** The sink's name, as it appears in outcomes. */
  readonly name: string;
  /** Every outcome at this sink: `sent`, `retrying`, `failed`, `dropped`. Hot: no replay. */
  readonly outcomes: Observable<DeliveryOutcome>;
  /** The `sent` outcomes. */
  readonly successes: Observable<SentOutcome>;
  /** What went wrong: `failed` and `retrying` outcomes (see `willRetry`). */
  readonly failures: Observable<FailedOutcome | RetryingOutcome>;

  readonly #config: QueuedSinkConfig;
  readonly #intake = new Subject<QueuedEvent>();
  readonly #flushSignal = new Subject<void>();
  readonly #outcomes = new Subject<DeliveryOutcome>();
  readonly #ledger: QueueStore;
  readonly #counts = { sent: 0, failed: 0, dropped: 0, abandoned: 0 };
  /** Attempts made so far (by `seq`) for events waiting to retry: the `attempt` of their outcome if abandoned. */
  readonly #attempts = new Map<number, number>();
  #pipeline: Subscription | undefined;
  #connected = false;
  #seq = 0;
  #shutdown: Promise<DeliveryReport> | undefined;
  #closed = false;

  constructor(config: QueuedSinkConfig) {
    this.#config = config;
    this.#ledger = config.store ?? new PendingLedger();
    this.name = config.name;
    this.outcomes = this.#outcomes.asObservable();
    this.successes = this.outcomes.pipe(filter((x): x is SentOutcome => x.kind === 'sent'));
    this.failures = this.outcomes.pipe(filter((x): x is FailedOutcome | RetryingOutcome => x.kind === 'failed' || x.kind === 'retrying'));
    this.#start();
  }

  /** An accepted event's encoded form (if the sink keeps one) and what it costs a batch, in bytes. May throw. */
  protected abstract measure(payload: Payload, json?: string): { readonly encoded?: string | undefined; readonly bytes: number };

  /** One batch's whole delivery, as settlements; it should never error (what it throws is settled as `error`). */
  protected abstract deliver(batch: readonly QueuedEvent[]): Observable<Settlement>;

  /**
   * Subscribes this sink to a tracker's admissions (the tracker calls it). A sink serves one tracker.
   * @throws {InvalidOptionsError} when it is already connected.
   */
  connect(admissions: Observable<Admission>): Subscription {
    if (this.#connected) throw new InvalidOptionsError('emitters', diagnostic(413, this.name));
    this.#connected = true;
    return admissions.subscribe((admission) => this.#admit(admission));
  }

  /**
   * Puts events that a durable store kept (an earlier page's, a stream's) back into the queue, in order: each is
   * measured as an accepted event is (`oversize` when it cannot fit a request), added to the store with its `ref`,
   * and delivered; `maxQueueSize` does not apply (the store decides how much it restores). After `shutdown()` began,
   * each is settled `dropped` (`shutdown`), which a durable store takes as "keep it". Never throws.
   */
  restore(events: Iterable<RestoredEvent>): void {
    for (const { payload, ref, json } of events) {
      try {
        if (this.#closed) {
          this.#publish({ outcome: dropped(this.name, 'shutdown', [payload], undefined), items: [{ seq: -1, payload, bytes: 0, ref }] });
          continue;
        }
        this.#enqueue(payload, ref, false, json);
      } catch (error) {
        this.#publish(unexpected(this.name, [{ seq: -1, payload, bytes: 0, ref }], error, 'restoring an event'));
      }
    }
  }

  /** Resolves when every event accepted before the call has a final outcome here. Never rejects. */
  flush(): Promise<void> {
    const below = this.#seq;
    this.#flushSignal.next();
    return this.#ledger.whenSettledBelow(below);
  }

  /**
   * Stops intake (later events are `dropped`, reason `shutdown`), flushes, and at `timeoutMs` aborts requests in
   * flight and pending retries: their events are `dropped`, reason `abandoned`. Resolves to this emitter's counts.
   * No timer or request of this emitter is left afterwards. Idempotent; never rejects.
   * @throws {InvalidOptionsError} at the call for a `timeoutMs` that is not an integer in [0, 2^31 − 1] or `Infinity`.
   */
  shutdown(options: ShutdownOptions = {}): Promise<DeliveryReport> {
    const timeoutMs = checkShutdownTimeout(options?.timeoutMs);
    this.#shutdown ??= this.#drainAndClose(timeoutMs);
    return this.#shutdown;
  }

  /** The delivery pipeline: batches, then deliveries (at most `concurrency` at once), then outcomes. */
  #start(): void {
    const { limits, maxWaitMs, scheduler, concurrency } = this.#config;
    this.#pipeline = this.#intake
      .pipe(
        batchEvents({ limits, maxWaitMs, flush: this.#flushSignal, scheduler }),
        mergeMap((batch) => this.deliver(batch), concurrency),
      )
      .subscribe({ next: (settlement) => this.#publish(settlement), error: (error: unknown) => this.#recover(error) });
  }

  /**
   * The terminal error path: should the pipeline ever fail, every event it held is settled (`dropped`, `error`),
   * so no flush waits forever, and a fresh pipeline takes the next events.
   */
  #recover(error: unknown): void {
    const left = this.#ledger.remaining();
    if (left.length > 0) this.#publish(unexpected(this.name, left, error, 'the delivery pipeline failed'));
    if (!this.#closed) this.#start();
  }

  #drainAndClose(timeoutMs: number): Promise<DeliveryReport> {
    this.#closed = true;
    const deadline = timeoutMs === Infinity ? NEVER : timer(timeoutMs, this.#config.scheduler).pipe(map(() => 'deadline' as const));
    const drained = new Observable<'drained'>((subscriber) => {
      void this.flush().then(() => {
        subscriber.next('drained');
        subscriber.complete();
      });
    });
    return new Promise((resolve) => {
      // Settled in the timer's own callback, not after an await: at the deadline nothing else may run first.
      race(drained, deadline)
        .pipe(take(1))
        .subscribe((ending) => {
          this.#pipeline?.unsubscribe();
          const left = this.#ledger.remaining();
          const error = new AbortedError(ending === 'deadline' ? `shutdown deadline of ${timeoutMs} ms reached` : 'shutdown');
          for (const settlement of abandonment(this.name, left, (item) => this.#attempts.get(item.seq) ?? 0, error))
            this.#publish(settlement);
          resolve({ ...this.#counts });
        });
    });
  }

  #admit(admission: Admission): void {
    try {
      if (admission.kind === 'rejected') {
        const events = admission.payload ? [admission.payload] : [];
        return this.#publish({ outcome: dropped(this.name, admission.reason, events, admission.error), items: [] }, events.length === 0);
      }
      this.#accept(admission.payload);
    } catch (error) {
      const payload = admission.payload;
      const item = { seq: -1, payload: payload ?? {}, bytes: 0 };
      this.#publish(unexpected(this.name, payload ? [item] : [], error, 'admitting an event'), payload === undefined);
    }
  }

  #accept(payload: Payload): void {
    if (this.#closed) return this.#drop('shutdown', payload);
    if (this.#ledger.size >= this.#config.maxQueueSize) return this.#drop('queue-full', payload);
    this.#enqueue(payload, undefined, true);
  }

  /** Measures, asks the store (new events only), holds and queues one event. */
  #enqueue(payload: Payload, ref: unknown, ask = false, json?: string): void {
    const { encoded, bytes } = this.measure(payload, json);
    const candidate: QueuedEvent = { seq: this.#seq, payload, encoded, bytes, ref, json };
    if (!fitsAlone(bytes, this.#config.limits)) return this.#drop('oversize', payload, candidate);
    const refused = ask ? this.#ledger.refuse?.(candidate) : undefined;
    if (refused !== undefined) return this.#drop(refused, payload);
    this.#seq++;
    this.#ledger.add(candidate);
    this.#intake.next(candidate);
  }

  /** A final `dropped` before the event was held; `item`: a restored event the store still knows (it is settled too). */
  #drop(reason: DropReason, payload: Payload, item?: QueuedEvent): void {
    const items = item?.ref === undefined ? [] : [item];
    this.#publish({ outcome: dropped(this.name, reason, [payload], undefined), items });
  }

  /** Counts a final outcome, hands the settlement to the store, and emits it. `single`: it concerns one event with no payload. */
  #publish({ outcome, items }: Settlement, single = false): void {
    if (outcome.kind === 'retrying') for (const item of items) this.#attempts.set(item.seq, outcome.attempt);
    else {
      if (this.#attempts.size > 0) for (const item of items) this.#attempts.delete(item.seq);
      const counted = outcome.kind === 'dropped' && outcome.reason === 'abandoned' ? 'abandoned' : outcome.kind;
      this.#counts[counted] += single ? 1 : outcome.events.length;
    }
    if (items.length > 0 || outcome.kind !== 'retrying') this.#ledger.settle(items, outcome);
    this.#outcomes.next(outcome);
  }
}
