import { setMaxListeners } from 'node:events';
import {
  catchError,
  concat,
  defer,
  filter,
  map,
  mergeMap,
  NEVER,
  Observable,
  of,
  race,
  Subject,
  take,
  timer,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { batchEvents, type QueuedEvent } from '../emitter/batch.js';
import { unexpected, type Settlement } from '../emitter/deliver.js';
import { checkShutdownTimeout } from '../emitter/durations.js';
import { PendingLedger } from '../emitter/ledger.js';
import type { ResolvedRetryOptions, RetryOptions } from '../emitter/options.js';
import type {
  DeliveryError,
  DeliveryOutcome,
  DeliveryReport,
  DropReason,
  FailedOutcome,
  RetryingOutcome,
  SentOutcome,
  ShutdownOptions,
} from '../emitter/outcome.js';
import { decide } from '../emitter/retry-policy.js';
import type { Admission, Sink } from '../emitter/sink.js';
import { AbortedError, InvalidOptionsError, NetworkError, TimeoutError, type InvalidEventError, type UnexpectedError } from '../errors.js';
import * as c from '../payload/checks.js';
import type { Payload } from '../payload/payload.js';
import type { RedisClient } from './client.js';
import * as o from './options.js';

/** Options of `new RedisQueueEmitter(options)`. */
export interface RedisQueueEmitterOptions {
  /** A connected node-redis client (`createClient()` from `redis`, or {@link connectRedis}). It is not closed by the emitter. */
  readonly redis: RedisClient;
  /** The stream key events are appended to (`XADD`). */
  readonly stream: string;
  /**
   * The stream's bound, required: every `XADD` carries `MAXLEN ~ maxLen`, so Redis trims the oldest entries once the
   * stream is longer (approximately: whole nodes at a time, so it may hold somewhat more). Trimmed entries that no
   * worker had read are lost: size it for the longest collector outage you want to ride out (docs/redis.md).
   */
  readonly maxLen: number;
  /** Events per pipeline: a batch of `XADD`s goes to Redis in one write as soon as this many wait. @default 100 */
  readonly batchSize?: number | undefined;
  /** A partial batch goes this long after its first event, in ms. `0`: on the next turn of the event loop. @default 0 */
  readonly flushIntervalMs?: number | undefined;
  /** Pipelines in flight at once. @default 4 */
  readonly concurrency?: number | undefined;
  /** Per-attempt deadline for a pipeline's replies, in ms; past it the attempt failed (a `TimeoutError`) and is retried. @default 5000 */
  readonly timeoutMs?: number | undefined;
  /**
   * When Redis cannot be reached or refuses a write: the HTTP emitter's retry policy type (`limit`, `baseDelayMs`,
   * `maxDelayMs`, `maxAgeMs`, `jitter`; the status lists do not apply). @default { limit: 10, baseDelayMs: 100, maxDelayMs: 5000, maxAgeMs: 600_000 }
   */
  readonly retry?: number | RetryOptions | undefined;
  /** Events this emitter may hold not yet queued in Redis; beyond it they are `dropped` (`queue-full`). @default 100_000 */
  readonly maxQueueSize?: number | undefined;
  /** The name in outcomes. @default `redis <stream>` */
  readonly name?: string | undefined;
  /** The RxJS scheduler for every timer and clock of the emitter. @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
}

/** The queue emitter's defaults (frozen). */
export const REDIS_QUEUE_DEFAULTS = Object.freeze({
  batchSize: 100,
  flushIntervalMs: 0,
  concurrency: 4,
  timeoutMs: 5_000,
  maxQueueSize: 100_000,
  retry: Object.freeze({ limit: 10, baseDelayMs: 100, maxDelayMs: 5_000, maxAgeMs: 600_000 }),
});

/** The field of a stream entry that holds the payload (its JSON). */
export const PAYLOAD_FIELD = 'p';

const CHECKS: c.Checks<RedisQueueEmitterOptions> = {
  redis: o.client<RedisClient>,
  stream: o.key,
  maxLen: c.positiveInteger,
  batchSize: o.positiveInteger,
  flushIntervalMs: o.duration(0),
  concurrency: o.positiveInteger,
  timeoutMs: o.duration(1),
  retry: o.retry,
  maxQueueSize: c.optional((value, field) => (value === Infinity ? Infinity : c.positiveInteger(value, field))),
  name: c.optional(c.nonEmptyString),
  scheduler: o.scheduler,
};

/** Replies that no retry can fix: the key holds another type, or the command itself is wrong. */
const PERMANENT = /^(WRONGTYPE|ERR (syntax|wrong number|value is not|The ID specified))/;

/**
 * A {@link Sink} that appends each event to a Redis stream (`XADD … MAXLEN ~ maxLen * p <payload JSON>`, pipelined in
 * batches), for workers (`createRedisWorker`, `rxplow worker`) to deliver over HTTP. Usable wherever an `Emitter` is.
 *
 * Its outcomes have the HTTP emitter's shape; here `sent` means **durably queued**: Redis acknowledged the `XADD`
 * (`status` 0: no HTTP was involved). Failing to reach Redis is a `retrying` outcome (with `willRetry` and the delay),
 * then `failed` when the retry policy gives up; `flush()` and `shutdown()` keep their promises.
 */
export class RedisQueueEmitter implements Sink {
  /** The name in outcomes. */
  readonly name: string;
  /** The stream events are appended to. */
  readonly stream: string;
  /** The stream's bound (`MAXLEN ~`), as given. */
  readonly maxLen: number;
  /** Every outcome: `sent` (queued in Redis), `retrying`, `failed`, `dropped`. Hot: no replay. */
  readonly outcomes: Observable<DeliveryOutcome>;
  /** The `sent` outcomes: events Redis has acknowledged. */
  readonly successes: Observable<SentOutcome>;
  /** `retrying` and `failed` outcomes: Redis could not be reached or refused the write. */
  readonly failures: Observable<FailedOutcome | RetryingOutcome>;

  readonly #redis: RedisClient;
  readonly #where: string;
  readonly #batchSize: number;
  readonly #flushIntervalMs: number;
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #retry: ResolvedRetryOptions;
  readonly #random: () => number;
  readonly #maxQueueSize: number;
  readonly #scheduler: SchedulerLike;
  readonly #intake = new Subject<QueuedEvent>();
  readonly #flushSignal = new Subject<void>();
  readonly #outcomes = new Subject<DeliveryOutcome>();
  readonly #ledger = new PendingLedger();
  readonly #counts = { sent: 0, failed: 0, dropped: 0, abandoned: 0 };
  readonly #maxLenArg: string;
  #pipeline: Subscription | undefined;
  #connected = false;
  #seq = 0;
  #closed = false;
  #shutdown: Promise<DeliveryReport> | undefined;

  /** @throws {InvalidOptionsError} for a missing client, stream or `maxLen`, or any unusable option. */
  constructor(options: RedisQueueEmitterOptions) {
    const checked = c.checkOptions(CHECKS, options);
    const d = REDIS_QUEUE_DEFAULTS;
    this.#redis = checked.redis;
    this.stream = checked.stream;
    this.maxLen = checked.maxLen;
    this.#maxLenArg = String(checked.maxLen);
    this.name = checked.name ?? `redis ${checked.stream}`;
    this.#where = `redis stream ${checked.stream}`;
    this.#batchSize = checked.batchSize ?? d.batchSize;
    this.#flushIntervalMs = checked.flushIntervalMs ?? d.flushIntervalMs;
    this.#concurrency = checked.concurrency ?? d.concurrency;
    this.#timeoutMs = checked.timeoutMs ?? d.timeoutMs;
    this.#retry = o.resolveRetry(checked.retry, d.retry);
    this.#random = o.randomOf(this.#retry);
    this.#maxQueueSize = checked.maxQueueSize ?? d.maxQueueSize;
    this.#scheduler = checked.scheduler ?? o.defaultScheduler;
    this.outcomes = this.#outcomes.asObservable();
    this.successes = this.outcomes.pipe(filter((x): x is SentOutcome => x.kind === 'sent'));
    this.failures = this.outcomes.pipe(filter((x): x is FailedOutcome | RetryingOutcome => x.kind === 'failed' || x.kind === 'retrying'));
    this.#start();
  }

  /**
   * Subscribes this emitter to a tracker's admissions (the tracker calls it). It serves one tracker.
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

  /** Resolves when every event accepted before the call is queued in Redis or has another final outcome. Never rejects. */
  flush(): Promise<void> {
    const below = this.#seq;
    this.#flushSignal.next();
    return this.#ledger.whenSettledBelow(below);
  }

  /**
   * Stops intake (later events are `dropped`, reason `shutdown`), flushes, and at `timeoutMs` gives up pipelines in
   * flight and pending retries: their events are `dropped`, reason `abandoned` (a write already on the wire may still
   * land in Redis). Resolves to this emitter's counts. Idempotent; never rejects. The Redis client is left open.
   * @throws {InvalidOptionsError} at the call for a `timeoutMs` that is not an integer in [0, 2^31 − 1] or `Infinity`.
   */
  shutdown(options: ShutdownOptions = {}): Promise<DeliveryReport> {
    const timeoutMs = checkShutdownTimeout(options?.timeoutMs);
    this.#shutdown ??= this.#drainAndClose(timeoutMs);
    return this.#shutdown;
  }

  #start(): void {
    const limits = { maxEvents: this.#batchSize, maxBytes: Infinity, emptyBytes: 0 };
    this.#pipeline = this.#intake
      .pipe(
        batchEvents({ limits, maxWaitMs: this.#flushIntervalMs, flush: this.#flushSignal, scheduler: this.#scheduler }),
        mergeMap((batch) => this.#deliver(batch), this.#concurrency),
      )
      .subscribe({ next: (settlement) => this.#publish(settlement), error: (error: unknown) => this.#recover(error) });
  }

  #recover(error: unknown): void {
    const left = this.#ledger.remaining();
    if (left.length > 0) this.#publish(unexpected(this.name, left, error, 'the queue pipeline failed'));
    if (!this.#closed) this.#start();
  }

  /** One batch's story: pipelined XADDs, one reply each; the ones that failed are retried (or fail) as a group. */
  #deliver(batch: readonly QueuedEvent[]): Observable<Settlement> {
    const firstAttemptAt = this.#scheduler.now();
    const attempt = (items: readonly QueuedEvent[], n: number): Observable<Settlement> =>
      defer(() => {
        const abort = new AbortController();
        // One signal for the batch's commands: node-redis adds a listener per command (removed once written).
        setMaxListeners(0, abort.signal);
        const results: unknown[] = new Array(items.length);
        let settled = 0;
        const replies = new Observable<void>((subscriber) => {
          items.forEach((item, i) => {
            const args = ['XADD', this.stream, 'MAXLEN', '~', this.#maxLenArg, '*', PAYLOAD_FIELD, JSON.stringify(item.payload)];
            let sent: Promise<unknown>;
            try {
              sent = this.#redis.sendCommand(args, { abortSignal: abort.signal });
            } catch (error) {
              sent = Promise.reject(error);
            }
            sent
              .then(
                () => (results[i] = true),
                (error: unknown) => (results[i] = error ?? new Error('rejected')),
              )
              .finally(() => {
                if (++settled === items.length) subscriber.complete();
              });
          });
        });
        const deadline = timer(this.#timeoutMs, this.#scheduler).pipe(map(() => 'timeout' as const));
        return race(concat(replies, of('replied' as const)), deadline).pipe(
          take(1),
          mergeMap((ending) => {
            if (ending === 'timeout') abort.abort();
            return this.#settle(items, results, n, ending === 'timeout', firstAttemptAt, attempt);
          }),
        );
      }).pipe(catchError((error: unknown) => of(unexpected(this.name, items, error, 'queueing a batch in Redis'))));
    return attempt(batch, 1);
  }

  #settle(
    items: readonly QueuedEvent[],
    results: readonly unknown[],
    n: number,
    timedOut: boolean,
    firstAttemptAt: number,
    attempt: (items: readonly QueuedEvent[], n: number) => Observable<Settlement>,
  ): Observable<Settlement> {
    const queued: QueuedEvent[] = [];
    const failedItems: QueuedEvent[] = [];
    let firstError: unknown;
    items.forEach((item, i) => {
      if (results[i] === true) {
        queued.push(item);
      } else {
        failedItems.push(item);
        firstError ??= results[i];
      }
    });
    const out: Observable<Settlement>[] = [];
    if (queued.length > 0) {
      const events = queued.map((item) => item.payload);
      out.push(
        of({ outcome: { kind: 'sent', emitter: this.name, events, attempt: n, status: 0, willRetry: false } as const, items: queued }),
      );
    }
    if (failedItems.length > 0) {
      const error: DeliveryError =
        timedOut && firstError === undefined
          ? new TimeoutError(this.#where, this.#timeoutMs)
          : new NetworkError(this.#where, { cause: firstError });
      const events = failedItems.map((item) => item.payload);
      const base = { emitter: this.name, events, attempt: n, status: undefined, error };
      const now = this.#scheduler.now();
      const permanent = !timedOut && firstError instanceof Error && PERMANENT.test(firstError.message);
      const decision = permanent
        ? ({ kind: 'fail' } as const)
        : decide({
            result: { kind: 'error', error },
            attempt: n,
            batchSize: failedItems.length,
            elapsedMs: now - firstAttemptAt,
            now,
            random: this.#random(),
            policy: this.#retry,
            isSuccess: () => false,
          });
      if (decision.kind === 'retry') {
        out.push(
          of({ outcome: { ...base, kind: 'retrying', delayMs: decision.delayMs, willRetry: true } as const, items: failedItems }),
          timer(decision.delayMs, this.#scheduler).pipe(mergeMap(() => attempt(failedItems, n + 1))),
        );
      } else {
        out.push(of({ outcome: { ...base, kind: 'failed', willRetry: false } as const, items: failedItems }));
      }
    }
    return concat(...out);
  }

  #drainAndClose(timeoutMs: number): Promise<DeliveryReport> {
    this.#closed = true;
    const deadline = timeoutMs === Infinity ? NEVER : timer(timeoutMs, this.#scheduler).pipe(map(() => 'deadline' as const));
    const drained = new Observable<'drained'>((subscriber) => {
      void this.flush().then(() => {
        subscriber.next('drained');
        subscriber.complete();
      });
    });
    return new Promise((resolve) => {
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
    if (this.#ledger.size >= this.#maxQueueSize) return this.#drop('queue-full', payload);
    // Serialised when its batch is written, off the caller's path (payloads are frozen).
    const item: QueuedEvent = { seq: this.#seq++, payload, bytes: 0 };
    this.#ledger.add(item);
    this.#intake.next(item);
  }

  #drop(reason: DropReason, payload: Payload): void {
    this.#publish({ outcome: dropped(this.name, reason, [payload], undefined), items: [] });
  }

  #publish({ outcome, items }: Settlement, single = false): void {
    if (outcome.kind !== 'retrying') {
      const counted = outcome.kind === 'dropped' && outcome.reason === 'abandoned' ? 'abandoned' : outcome.kind;
      this.#counts[counted] += single ? 1 : outcome.events.length;
      this.#ledger.settle(items);
    }
    this.#outcomes.next(outcome);
  }
}

function dropped(
  emitter: string,
  reason: DropReason,
  events: readonly Payload[],
  error: InvalidEventError | AbortedError | UnexpectedError | undefined,
): DeliveryOutcome {
  return { kind: 'dropped', emitter, events, attempt: 0, willRetry: false, reason, error };
}
