import { filter, map, mergeMap, NEVER, Observable, race, Subject, take, timer, type Subscription } from 'rxjs';
import { AbortedError, InvalidOptionsError, type InvalidEventError, type UnexpectedError } from '../errors.js';
import type { Payload } from '../payload/payload.js';
import { batchEvents, fitsAlone, type BatchLimits, type QueuedEvent } from './batch.js';
import { deliverBatch, unexpected, type DeliveryEnvironment, type Settlement } from './deliver.js';
import { createKyTransport } from './ky-transport.js';
import { PendingLedger } from './ledger.js';
import { checkShutdownTimeout } from './durations.js';
import { resolveEmitterOptions, type EmitterOptions, type ResolvedEmitterOptions } from './options.js';
import type {
  DeliveryOutcome,
  DeliveryReport,
  DropReason,
  FailedOutcome,
  RetryingOutcome,
  SentOutcome,
  ShutdownOptions,
} from './outcome.js';
import { buildGetRequest, buildPostRequest, encodeForGet, measureForPost, POST_ENVELOPE_BYTES } from './request.js';
import type { Admission, Sink } from './sink.js';

const GET_QUERY_OVERHEAD = '?stm=0000000000000&'.length;

/**
 * Delivers a tracker's events to one collector over HTTP: batching by count, bytes and time, sending with retries,
 * and reporting what happened to every event as Observables. A {@link Sink}.
 */
export class Emitter implements Sink {
  /** The emitter's name, as it appears in outcomes. */
  readonly name: string;
  /** Every outcome at this emitter: `sent`, `retrying`, `failed`, `dropped`. Hot: no replay. */
  readonly outcomes: Observable<DeliveryOutcome>;
  /** The `sent` outcomes. */
  readonly successes: Observable<SentOutcome>;
  /** What went wrong: `failed` and `retrying` outcomes (see `willRetry`), with the same shape for GET and POST. */
  readonly failures: Observable<FailedOutcome | RetryingOutcome>;

  readonly #options: ResolvedEmitterOptions;
  readonly #limits: BatchLimits;
  readonly #delivery: DeliveryEnvironment;
  readonly #intake = new Subject<QueuedEvent>();
  readonly #flushSignal = new Subject<void>();
  readonly #outcomes = new Subject<DeliveryOutcome>();
  readonly #ledger = new PendingLedger();
  readonly #counts = { sent: 0, failed: 0, dropped: 0, abandoned: 0 };
  #pipeline: Subscription | undefined;
  #connected = false;
  #seq = 0;
  #shutdown: Promise<DeliveryReport> | undefined;
  #closed = false;

  /**
   * @param endpoint a collector host (`collector.example.com`, scheme from `protocol`) or a full http(s) URL.
   * @throws {InvalidOptionsError} for an unusable endpoint or option.
   */
  constructor(endpoint: string, options: EmitterOptions = {}) {
    const o = resolveEmitterOptions(endpoint, options);
    this.#options = o;
    this.name = o.name;
    // A batch is cut by count, by bytes (each event is measured exactly when accepted) and by time; a GET is one event.
    this.#limits =
      o.method === 'post'
        ? { maxEvents: o.bufferSize, maxBytes: o.maxPostBytes, emptyBytes: POST_ENVELOPE_BYTES }
        : { maxEvents: 1, maxBytes: o.maxGetBytes, emptyBytes: o.url.length + GET_QUERY_OVERHEAD };
    this.#delivery = {
      name: o.name,
      url: o.url,
      transport: o.transport ?? createKyTransport({ fetch: o.fetch, credentials: o.credentials }),
      buildRequest:
        o.method === 'post'
          ? (_items, events) => buildPostRequest(o.url, o.headers, events)
          : (items, _events, sentAt) => buildGetRequest(o.url, o.headers, items[0]!, sentAt),
      scheduler: o.scheduler,
      timeoutMs: o.timeoutMs,
      retry: o.retry,
      isSuccess: o.isSuccess,
      random: o.retry.jitter === true ? Math.random : o.retry.jitter === false ? () => 0.999_999_999 : o.retry.jitter,
    };
    this.outcomes = this.#outcomes.asObservable();
    this.successes = this.outcomes.pipe(filter((x): x is SentOutcome => x.kind === 'sent'));
    this.failures = this.outcomes.pipe(filter((x): x is FailedOutcome | RetryingOutcome => x.kind === 'failed' || x.kind === 'retrying'));
    this.#start();
  }

  /**
   * Subscribes this emitter to a tracker's admissions (the tracker calls it). An emitter serves one tracker.
   * @throws {InvalidOptionsError} when it is already connected.
   */
  connect(admissions: Observable<Admission>): Subscription {
    if (this.#connected)
      throw new InvalidOptionsError(
        'emitters',
        `the emitter "${this.name}" is already connected to a tracker; give each tracker its own emitters`,
      );
    this.#connected = true;
    return admissions.subscribe((admission) => this.#admit(admission));
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
    const o = this.#options;
    this.#pipeline = this.#intake
      .pipe(
        batchEvents({ limits: this.#limits, maxWaitMs: o.flushIntervalMs, flush: this.#flushSignal, scheduler: o.scheduler }),
        mergeMap((batch) => deliverBatch(batch, this.#delivery), o.concurrency),
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
    const deadline = timeoutMs === Infinity ? NEVER : timer(timeoutMs, this.#options.scheduler).pipe(map(() => 'deadline' as const));
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
          if (left.length > 0) {
            const error = new AbortedError(ending === 'deadline' ? `shutdown deadline of ${timeoutMs} ms reached` : 'shutdown');
            this.#publish({
              outcome: dropped(
                this.name,
                'abandoned',
                left.map((item) => item.payload),
                error,
              ),
              items: left,
            });
          }
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
    if (this.#ledger.size >= this.#options.maxQueueSize) return this.#drop('queue-full', payload);
    const { encoded, bytes } = this.#options.method === 'post' ? measureForPost(payload) : measureGet(payload);
    if (!fitsAlone(bytes, this.#limits)) return this.#drop('oversize', payload);
    const item: QueuedEvent = { seq: this.#seq++, payload, encoded, bytes };
    this.#ledger.add(item);
    this.#intake.next(item);
  }

  #drop(reason: DropReason, payload: Payload): void {
    this.#publish({ outcome: dropped(this.name, reason, [payload], undefined), items: [] });
  }

  /** Counts a final outcome, settles its events in the ledger, and emits it. `single`: it concerns one event with no payload. */
  #publish({ outcome, items }: Settlement, single = false): void {
    if (outcome.kind !== 'retrying') {
      const counted = outcome.kind === 'dropped' && outcome.reason === 'abandoned' ? 'abandoned' : outcome.kind;
      this.#counts[counted] += single ? 1 : outcome.events.length;
      this.#ledger.settle(items);
    }
    this.#outcomes.next(outcome);
  }
}

function measureGet(payload: Payload): { readonly encoded: string; readonly bytes: number } {
  const encoded = encodeForGet(payload);
  return { encoded, bytes: encoded.length };
}

function dropped(
  emitter: string,
  reason: DropReason,
  events: readonly Payload[],
  error: InvalidEventError | AbortedError | UnexpectedError | undefined,
): DeliveryOutcome {
  return { kind: 'dropped', emitter, events, attempt: 0, willRetry: false, reason, error };
}
