// The worker's options: their types with defaults, their checks, and the resolved configuration the parts share.
import type { SchedulerLike } from 'rxjs';
import type { EmitterOptions, RetryOptions } from '../emitter/options.js';
import { InvalidOptionsError } from '../errors.js';
import * as c from '../payload/checks.js';
import type { RedisClient } from './client.js';
import * as o from './options.js';
import { countKey } from './scripts.js';

/**
 * How the worker's own HTTP `Emitter` delivers: the `Emitter` options, but the store, scheduler and queue bound are
 * the worker's, and its retry has no attempt or age limit (transient failures are retried until they pass; the
 * worker's `maxAgeMs` and `maxDeliveries` bound an entry's life instead).
 */
export type RedisWorkerEmitterOptions = Omit<EmitterOptions, 'store' | 'retryNow' | 'scheduler' | 'maxQueueSize' | 'retry'> & {
  /** Backoff of the unlimited retry. @default { baseDelayMs: 500, maxDelayMs: 10_000 } (and the Emitter's status lists and jitter) */
  readonly retry?: Omit<RetryOptions, 'limit' | 'maxAgeMs'> | undefined;
};

/** Options of {@link createRedisWorker}. */
export interface RedisWorkerOptions {
  /** A connected node-redis client. The worker also opens one connection of its own (`duplicate()`) for blocking reads. */
  readonly redis: RedisClient;
  /** The stream the producers append to. */
  readonly stream: string;
  /** The consumer group the workers share (created, with the stream, when missing; recreated when it disappears). */
  readonly group: string;
  /** This worker's name in the group: unique per live worker (e.g. host name and process id). */
  readonly consumer: string;
  /** The collector the worker's HTTP `Emitter` delivers to: a host or an http(s) URL, as for `new Emitter(endpoint)`. */
  readonly collector: string;
  /** Options of the worker's HTTP `Emitter`. @default { bufferSize: 100, flushIntervalMs: 100 } */
  readonly emitter?: RedisWorkerEmitterOptions | undefined;
  /** Where refused, poison, expired and malformed events go, with the reason. @default `<stream>:dead` */
  readonly deadLetterStream?: string | undefined;
  /** Dead letters kept: beyond it the oldest are trimmed, counted (`deadLettersTrimmed`) and reported. @default 100_000 */
  readonly deadLetterMaxLen?: number | undefined;
  /**
   * Events per read, about: a read asks for as many entries (`XREADGROUP COUNT`) as hold this many events at the size
   * of the largest entries read lately (an entry holds a producer's batch). @default 500
   */
  readonly readCount?: number | undefined;
  /** How long a read waits for new entries (`BLOCK`), in ms. @default 1000 */
  readonly blockMs?: number | undefined;
  /**
   * Events read and not yet acknowledged, at most (give or take the last read, whose entries may be larger than the
   * ones before); reading pauses at this many. @default 1000
   */
  readonly maxInFlight?: number | undefined;
  /**
   * An entry pending this long at a consumer that stopped touching it is taken over (`XAUTOCLAIM`): the consumer is
   * taken for dead. A live worker refreshes its own entries (`XCLAIM … JUSTID`) every third of it. @default 60_000
   */
  readonly claimIdleMs?: number | undefined;
  /** How often to look for entries to take over, in ms. @default 10_000 (or `claimIdleMs` when smaller) */
  readonly claimIntervalMs?: number | undefined;
  /**
   * Reads of one entry without an outcome (XPENDING's delivery counter: a worker crashed or hung while it held it)
   * after which its events are dead-lettered (`poison`) instead of read again. An entry read again that holds a batch
   * is first split into entries of one event each, and entries read again are delivered one at a time, so only the
   * event a worker crashes on counts up. @default 3
   */
  readonly maxDeliveries?: number | undefined;
  /** An entry older than this when read (its id's time, or a split batch's) is dead-lettered (`expired`), in ms. @default 604_800_000 (7 days) */
  readonly maxAgeMs?: number | undefined;
  /** Other consumers of the group idle this long with nothing pending are removed (`XGROUP DELCONSUMER`), in ms. @default 3_600_000 */
  readonly consumerIdleMs?: number | undefined;
  /** Delete entries once acknowledged (`XDEL` after `XACK`), so the stream holds only the backlog. @default true */
  readonly deleteAcked?: boolean | undefined;
  /** Where a group created at start begins: `0`, every entry in the stream; `$`, only new ones. A lost group is recreated from `0`. @default '0' */
  readonly groupStartId?: string | undefined;
  /** How often `metrics` polls Redis, in ms. @default 5000 */
  readonly metricsIntervalMs?: number | undefined;
  /** Every timer and clock of the worker and its emitter. @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
}

/** The worker's defaults (frozen). */
export const REDIS_WORKER_DEFAULTS = Object.freeze({
  deadLetterMaxLen: 100_000,
  readCount: 500,
  blockMs: 1_000,
  maxInFlight: 1_000,
  claimIdleMs: 60_000,
  claimIntervalMs: 10_000,
  maxDeliveries: 3,
  maxAgeMs: 604_800_000,
  consumerIdleMs: 3_600_000,
  deleteAcked: true,
  groupStartId: '0',
  metricsIntervalMs: 5_000,
  stopTimeoutMs: 10_000,
  emitter: Object.freeze({ bufferSize: 100, flushIntervalMs: 100 }),
  retry: Object.freeze({ baseDelayMs: 500, maxDelayMs: 10_000 }),
});

/** The options with every default applied. */
export type WorkerConfig = {
  readonly [K in keyof Omit<RedisWorkerOptions, 'emitter' | 'scheduler'>]-?: Exclude<RedisWorkerOptions[K], undefined>;
} & {
  readonly emitter: EmitterOptions & { readonly retry: RetryOptions };
  readonly scheduler: SchedulerLike;
  /** The key of the stream's event count (`<stream>:count`). */
  readonly countKey: string;
};

const emitterOptions = c.optional((value, field): RedisWorkerEmitterOptions => {
  if (typeof value !== 'object' || value === null || typeof (value as { connect?: unknown }).connect === 'function')
    return c.reject(field, 'expected Emitter options (the worker builds its own Emitter for `collector`)');
  const retry = (value as { retry?: unknown }).retry;
  if (typeof retry === 'number') return c.reject(`${field}.retry`, 'the worker retries without limit: give the backoff only');
  for (const name of ['limit', 'maxAgeMs'])
    if (typeof retry === 'object' && retry !== null && name in retry)
      c.reject(
        `${field}.retry.${name}`,
        "the worker retries transient failures without limit; bound an entry's life with maxAgeMs / maxDeliveries",
      );
  for (const name of ['store', 'retryNow', 'scheduler', 'maxQueueSize'])
    if (name in value) c.reject(`${field}.${name}`, "set by the worker (use the worker's own option where there is one)");
  return value as RedisWorkerEmitterOptions;
});

const CHECKS: c.Checks<RedisWorkerOptions> = {
  redis: o.client<RedisClient>,
  stream: o.key,
  group: o.key,
  consumer: o.key,
  collector: c.nonEmptyString,
  emitter: emitterOptions,
  deadLetterStream: c.optional(o.key),
  deadLetterMaxLen: o.positiveInteger,
  readCount: o.positiveInteger,
  blockMs: o.duration(1),
  maxInFlight: o.positiveInteger,
  claimIdleMs: o.duration(1),
  claimIntervalMs: o.duration(1),
  maxDeliveries: o.positiveInteger,
  maxAgeMs: o.duration(1),
  consumerIdleMs: o.duration(1),
  deleteAcked: c.optional(c.boolean),
  groupStartId: c.optional(c.matching(/^(0|\$|\d+-\d+)$/, 124)),
  metricsIntervalMs: o.duration(1),
  scheduler: o.scheduler,
};

/** Checks the options and applies the defaults. @throws {InvalidOptionsError} */
export function resolveWorkerOptions(options: RedisWorkerOptions): WorkerConfig {
  const given = c.checkOptions(CHECKS, options);
  const d = REDIS_WORKER_DEFAULTS;
  const deadLetterStream = given.deadLetterStream ?? `${given.stream}:dead`;
  if (deadLetterStream === given.stream) throw new InvalidOptionsError('deadLetterStream', 'must differ from stream');
  const claimIdleMs = given.claimIdleMs ?? d.claimIdleMs;
  const emitter = given.emitter ?? {};
  return Object.freeze({
    redis: given.redis,
    stream: given.stream,
    countKey: countKey(given.stream),
    group: given.group,
    consumer: given.consumer,
    collector: given.collector,
    emitter: { ...d.emitter, ...emitter, retry: { ...d.retry, ...emitter.retry, limit: Infinity, maxAgeMs: Infinity } },
    deadLetterStream,
    deadLetterMaxLen: given.deadLetterMaxLen ?? d.deadLetterMaxLen,
    readCount: given.readCount ?? d.readCount,
    blockMs: given.blockMs ?? d.blockMs,
    maxInFlight: given.maxInFlight ?? d.maxInFlight,
    claimIdleMs,
    claimIntervalMs: given.claimIntervalMs ?? Math.min(d.claimIntervalMs, claimIdleMs),
    maxDeliveries: given.maxDeliveries ?? d.maxDeliveries,
    maxAgeMs: given.maxAgeMs ?? d.maxAgeMs,
    consumerIdleMs: given.consumerIdleMs ?? d.consumerIdleMs,
    deleteAcked: given.deleteAcked ?? d.deleteAcked,
    groupStartId: given.groupStartId ?? d.groupStartId,
    metricsIntervalMs: given.metricsIntervalMs ?? d.metricsIntervalMs,
    scheduler: given.scheduler ?? o.defaultScheduler,
  });
}
