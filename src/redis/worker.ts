// createRedisWorker: the wiring of a delivery worker: its HTTP emitter over a RedisStore (hold.ts), the reader, the
// claimer, the settler, metrics, state changes, and the graceful stop with one deadline for everything.
import { map, Subject, type Observable } from 'rxjs';
import type { DeliveryOutcome } from '../emitter/outcome.js';
import { describe } from './client.js';
import { Claimer } from './claimer.js';
import { Holder } from './hold.js';
import { streamMetrics, type StreamMetrics } from './metrics.js';
import { Reader, type LoopContext } from './reader.js';
import { Settler, type DeadLetter } from './settler.js';
import { Alarm, withDeadline } from './timing.js';
import { REDIS_WORKER_DEFAULTS, resolveWorkerOptions, type RedisWorkerOptions, type WorkerConfig } from './worker-options.js';

export { REDIS_WORKER_DEFAULTS } from './worker-options.js';
export type { RedisWorkerEmitterOptions, RedisWorkerOptions } from './worker-options.js';
export type { DeadLetter } from './settler.js';

/** The worker's own counters, and the stream's numbers from Redis. */
export interface RedisWorkerMetrics extends StreamMetrics {
  /** Events this worker delivered and acknowledged. */
  readonly delivered: number;
  /** Events this worker moved to the dead-letter stream. */
  readonly deadLettered: number;
  /** Entries this worker took over from consumers taken for dead. */
  readonly reclaimed: number;
  /** Pending entries whose data was gone from the stream (deleted by someone else): acknowledged away. */
  readonly trimmed: number;
  /** Dead letters trimmed from the dead-letter stream to keep it within `deadLetterMaxLen`. */
  readonly deadLettersTrimmed: number;
  /** Entries read by this worker and not yet acknowledged. */
  readonly inFlight: number;
  /** True while the collector fails (deliveries wait to retry; reading has paused). */
  readonly failing: boolean;
}

/** A change in a worker's state, for operators' logs: never one per event. */
export type RedisWorkerStatus =
  /** The group exists and the worker reads. */
  | { readonly kind: 'reading'; readonly at: number }
  /** A delivery failed and waits to retry: reading pauses, the backlog stays in the stream. */
  | { readonly kind: 'collector-down'; readonly at: number; readonly error: string; readonly inFlight: number }
  /** A delivery passed again after failures; every waiting retry goes at once. */
  | { readonly kind: 'collector-up'; readonly at: number; readonly downMs: number }
  /** After the collector came back, the worker caught up: `delivered` events in `ms`. */
  | { readonly kind: 'drained'; readonly at: number; readonly delivered: number; readonly ms: number }
  /** The consumer group was gone (Redis restarted empty, FLUSHALL, XGROUP DESTROY) and was created again. */
  | { readonly kind: 'group-recreated'; readonly at: number }
  /** The dead-letter stream was full: its `count` oldest dead letters were trimmed. */
  | { readonly kind: 'dead-letters-trimmed'; readonly at: number; readonly count: number };

/** What a stopped worker did. */
export interface RedisWorkerReport {
  /** Events delivered and acknowledged. */
  readonly delivered: number;
  /** Events moved to the dead-letter stream (and acknowledged). */
  readonly deadLettered: number;
  /** Entries taken over from dead consumers. */
  readonly reclaimed: number;
  /**
   * Events left pending at the stop (in flight or not yet acknowledged at the deadline, with the rest of their
   * entries): read again later.
   */
  readonly released: number;
}

/** A running worker. */
export interface RedisWorker {
  /** Its consumer name. */
  readonly consumer: string;
  /** Every outcome of its HTTP emitter (`retrying` included). Hot. */
  readonly outcomes: Observable<DeliveryOutcome>;
  /** Each event moved to the dead-letter stream. Hot. */
  readonly deadLetters: Observable<DeadLetter>;
  /** Redis commands that failed (connection lost, …): the worker retries them with backoff. Hot. */
  readonly errors: Observable<Error>;
  /** State changes (collector down / up, drained, group recreated, dead letters trimmed). Hot. */
  readonly status: Observable<RedisWorkerStatus>;
  /** Stream length, pending, lag, and this worker's counts, every `metricsIntervalMs` while subscribed. */
  readonly metrics: Observable<RedisWorkerMetrics>;
  /** Resolves once the group exists and the worker reads (never rejects; may never resolve while Redis is down). */
  readonly ready: Promise<void>;
  /**
   * Stops gracefully: stops reading and taking over, lets deliveries in flight finish and be acknowledged, and at
   * `timeoutMs` (default 10 000) gives up: what is still in flight or unacknowledged stays pending in the stream
   * (read again later; nothing is lost). No timer or retry of the worker is left afterwards, even with Redis down.
   * Idempotent; never rejects. Leaves the `redis` client open.
   */
  stop(options?: { readonly timeoutMs?: number | undefined }): Promise<RedisWorkerReport>;
}

/**
 * Starts a delivery worker: reads a Redis stream as one consumer of a group, delivers each event with its own HTTP
 * `Emitter` to `collector` (retrying transient failures without limit while reading pauses), acknowledges an entry
 * (`XACK`, then `XDEL`) once delivered, dead-letters with its reason what the collector refuses for good, what
 * crashed workers `maxDeliveries` times, what is older than `maxAgeMs`, and takes over dead consumers' entries.
 * @throws {InvalidOptionsError} for a missing or unusable option.
 */
export function createRedisWorker(options: RedisWorkerOptions): RedisWorker {
  return new Worker(resolveWorkerOptions(options));
}

class Worker implements RedisWorker {
  readonly consumer: string;
  readonly outcomes: Observable<DeliveryOutcome>;
  readonly deadLetters: Observable<DeadLetter>;
  readonly errors: Observable<Error>;
  readonly status: Observable<RedisWorkerStatus>;
  readonly metrics: Observable<RedisWorkerMetrics>;
  readonly ready: Promise<void>;

  readonly #config: WorkerConfig;
  readonly #deadLetters = new Subject<DeadLetter>();
  readonly #errors = new Subject<Error>();
  readonly #status = new Subject<RedisWorkerStatus>();
  readonly #alarm: Alarm;
  readonly #stopAlarm: Alarm;
  readonly #settler: Settler;
  readonly #holder: Holder;
  readonly #reader: Reader;
  readonly #claimer: Claimer;
  readonly #loops: Promise<void>[];
  #deadLettersTrimmed = 0;
  #stopping = false;
  #stopped: Promise<RedisWorkerReport> | undefined;
  /** When the collector came back, and the count delivered then: until the worker caught up. */
  #recovery: { readonly at: number; readonly delivered: number } | undefined;
  #downAt = 0;

  constructor(config: WorkerConfig) {
    this.#config = config;
    const now = (): number => config.scheduler.now();
    this.consumer = config.consumer;
    this.#alarm = new Alarm(config.scheduler);
    this.#stopAlarm = new Alarm(config.scheduler);
    const report = (error: unknown): void => this.#errors.next(error instanceof Error ? error : new Error(describe(error)));
    this.#settler = new Settler({
      ...config,
      written: (done) => this.#holder.written(done),
      trimmed: (count) => {
        this.#deadLettersTrimmed += count;
        this.#status.next({ kind: 'dead-letters-trimmed', at: now(), count });
      },
      report,
    });
    this.#holder = new Holder(config, this.#settler, {
      changed: () => this.#alarm.ring(),
      health: (failing, outcome) => this.#health(failing, outcome),
      deadLetter: (letter) => this.#deadLetters.next(letter),
      report,
    });
    const ctx: LoopContext = { config, holder: this.#holder, alarm: this.#alarm, stopping: () => this.#stopping, report };
    let ready: () => void = () => undefined;
    this.ready = new Promise((resolve) => (ready = resolve));
    this.#reader = new Reader(ctx, {
      ready: () => {
        ready();
        this.#status.next({ kind: 'reading', at: now() });
      },
      caughtUp: () => this.#caughtUp(),
      recreated: () => this.#status.next({ kind: 'group-recreated', at: now() }),
    });
    this.#claimer = new Claimer(ctx, this.#stopAlarm);
    this.outcomes = this.#holder.outcomes;
    this.deadLetters = this.#deadLetters.asObservable();
    this.errors = this.#errors.asObservable();
    this.status = this.#status.asObservable();
    this.metrics = streamMetrics(config.redis, {
      stream: config.stream,
      group: config.group,
      intervalMs: config.metricsIntervalMs,
      scheduler: config.scheduler,
    }).pipe(map((stream) => ({ ...stream, ...this.#counts(), inFlight: this.#holder.size, failing: this.#holder.failing })));
    // A loop never rejects by design; should one, it is reported, never an unhandled rejection in the host.
    this.#loops = [this.#reader.run(), this.#claimer.run(), this.#claimer.heartbeat()].map((loop) => loop.catch(report));
  }

  stop(options: { readonly timeoutMs?: number | undefined } = {}): Promise<RedisWorkerReport> {
    this.#stopped ??= this.#stop(options.timeoutMs ?? REDIS_WORKER_DEFAULTS.stopTimeoutMs);
    return this.#stopped;
  }

  async #stop(timeoutMs: number): Promise<RedisWorkerReport> {
    const scheduler = this.#config.scheduler;
    const deadline = scheduler.now() + timeoutMs;
    const left = (): number => Math.max(0, deadline - scheduler.now());
    this.#stopping = true;
    this.#alarm.ring();
    this.#stopAlarm.ring();
    this.#reader.close();
    await withDeadline(this.ready, left(), scheduler);
    // Deliveries in flight finish and their entries are written back, within the deadline.
    await withDeadline(this.#holder.drained(), left(), scheduler);
    await withDeadline(this.#settler.idle(), left(), scheduler);
    const released = await this.#holder.close();
    await withDeadline(this.#claimer.unread(released), left(), scheduler);
    this.#stopAlarm.ring();
    this.#alarm.ring();
    // The loops end on their own once their command in progress returns; a stop does not wait for Redis.
    void Promise.all(this.#loops);
    this.#deadLetters.complete();
    this.#status.complete();
    this.#errors.complete();
    const { delivered, deadLettered, reclaimed } = this.#counts();
    return { delivered, deadLettered, reclaimed, released: this.#holder.counts.released };
  }

  #counts(): { delivered: number; deadLettered: number; reclaimed: number; trimmed: number; deadLettersTrimmed: number } {
    const c = this.#holder.counts;
    return {
      delivered: c.delivered,
      deadLettered: c.deadLettered,
      reclaimed: this.#claimer.reclaimed,
      trimmed: c.gone,
      deadLettersTrimmed: this.#deadLettersTrimmed,
    };
  }

  #health(failing: boolean, outcome: DeliveryOutcome): void {
    const at = this.#config.scheduler.now();
    if (failing) {
      this.#downAt = at;
      this.#recovery = undefined;
      const error = outcome.kind === 'retrying' ? outcome.error.message : outcome.kind;
      this.#status.next({ kind: 'collector-down', at, error, inFlight: this.#holder.size });
    } else {
      this.#recovery = { at, delivered: this.#holder.counts.delivered };
      this.#status.next({ kind: 'collector-up', at, downMs: at - this.#downAt });
    }
  }

  #caughtUp(): void {
    const recovery = this.#recovery;
    if (recovery === undefined) return;
    this.#recovery = undefined;
    const at = this.#config.scheduler.now();
    this.#status.next({ kind: 'drained', at, delivered: this.#holder.counts.delivered - recovery.delivered, ms: at - recovery.at });
  }
}
