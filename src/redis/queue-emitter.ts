import { Observable, type SchedulerLike } from 'rxjs';
import { runAttempts, type Attempt, type AttemptEngine, type AttemptPart, type Settlement } from '../emitter/attempts.js';
import type { QueuedEvent } from '../emitter/batch.js';
import type { RetryOptions } from '../emitter/options.js';
import type { DeliveryError } from '../emitter/outcome.js';
import { QueuedSink } from '../emitter/queued-sink.js';
import type { Payload } from '../payload/payload.js';
import { NetworkError } from '../errors.js';
import * as c from '../payload/checks.js';
import { asNumber, type RedisClient } from './client.js';
import * as o from './options.js';
import { BOUNDED_APPEND, countKey, runScript } from './scripts.js';

/** Options of `new RedisQueueEmitter(options)`. */
export interface RedisQueueEmitterOptions {
  /** A connected node-redis client (`createClient()` from `redis`, or {@link connectRedis}). It is not closed by the emitter. */
  readonly redis: RedisClient;
  /** The stream key events are appended to (`XADD`). */
  readonly stream: string;
  /**
   * The stream's bound in events, required, exact: an event that finds the stream already holding `maxLen` events is
   * not appended but `dropped` (`queue-full`), reported like any drop; nothing in the stream is ever trimmed. The
   * events are counted in a key beside the stream (`<stream>:count`), kept by the bounded append and the workers. With workers
   * that delete what they acknowledge, the stream holds only the backlog: size it for the longest collector outage you
   * want to ride out (docs/redis.md).
   */
  readonly maxLen: number;
  /** Events per batch: a batch is one stream entry, appended as soon as this many wait. @default 100 */
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

/** The field of a stream entry that holds its payloads: their JSONs, one per line (a producer's batch). */
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

const NOTHING = Object.freeze({ bytes: 0 });

/** Replies that no retry can fix: the key holds another type, the command itself is wrong, or the script failed. */
const PERMANENT = /^(WRONGTYPE|ERR (syntax|wrong number|value is not|The ID specified|Error running script|user_script))/;

/** The reply of an append the stream's bound refused. */
const FULL = Symbol('full');

/**
 * A sink (a `QueuedSink`) that appends its events to a Redis stream, one entry per batch (`XADD <stream> * p <payload
 * JSONs, one per line>` in a Lua script that first checks the stream's event count against `maxLen`), for workers
 * (`createRedisWorker`, `rxplow worker`) to deliver over HTTP. Usable wherever an `Emitter` is.
 *
 * Its outcomes have the HTTP emitter's shape; here `sent` means **durably queued**: Redis acknowledged the `XADD`
 * (`status` 0: no HTTP was involved). Failing to reach Redis is a `retrying` outcome (with `willRetry` and the delay),
 * then `failed` when the retry policy gives up; `flush()` and `shutdown()` keep their promises.
 */
export class RedisQueueEmitter extends QueuedSink {
  /** The stream events are appended to. */
  readonly stream: string;
  /** The stream's bound, as given: a full stream refuses new events (`dropped`, `queue-full`). */
  readonly maxLen: number;

  readonly #redis: RedisClient;
  readonly #where: string;
  readonly #timeoutMs: number;
  readonly #engine: AttemptEngine;
  readonly #maxLenArg: string;
  readonly #keys: readonly string[];

  /** @throws {InvalidOptionsError} for a missing client, stream or `maxLen`, or any unusable option. */
  constructor(options: RedisQueueEmitterOptions) {
    const checked = c.checkOptions(CHECKS, options);
    const d = REDIS_QUEUE_DEFAULTS;
    const scheduler = checked.scheduler ?? o.defaultScheduler;
    super({
      name: checked.name ?? `redis ${checked.stream}`,
      // Batches by count and time only: an entry's size is Redis's concern (its JSON is built when the batch is written).
      limits: { maxEvents: checked.batchSize ?? d.batchSize, maxBytes: Infinity, emptyBytes: 0 },
      maxWaitMs: checked.flushIntervalMs ?? d.flushIntervalMs,
      concurrency: checked.concurrency ?? d.concurrency,
      maxQueueSize: checked.maxQueueSize ?? d.maxQueueSize,
      scheduler,
    });
    this.#redis = checked.redis;
    this.stream = checked.stream;
    this.maxLen = checked.maxLen;
    this.#maxLenArg = String(checked.maxLen);
    this.#keys = [checked.stream, countKey(checked.stream)];
    this.#where = `redis stream ${checked.stream}`;
    this.#timeoutMs = checked.timeoutMs ?? d.timeoutMs;
    const retry = o.resolveRetry(checked.retry, d.retry);
    this.#engine = {
      name: this.name,
      where: this.#where,
      scheduler,
      timeoutMs: this.#timeoutMs,
      retry,
      // A queued entry is reported as status 0: no HTTP was involved.
      isSuccess: (status) => status === 0,
      random: o.randomOf(retry),
      attempt: (items) => this.#attempt(items),
    };
  }

  /** Serialised when its batch is written, off the caller's path (payloads are frozen): nothing to measure. */
  protected measure(): { readonly bytes: number } {
    return NOTHING;
  }

  /** One batch's story on the attempt engine: one bounded append per attempt; what failed is retried (or fails) as a group. */
  protected deliver(batch: readonly QueuedEvent[]): Observable<Settlement> {
    return runAttempts(batch, this.#engine);
  }

  /** One attempt: a bounded append (Lua) of the whole batch as one entry, answering how many it appended (the first ones; the stream was full for the rest). */
  #attempt(items: readonly QueuedEvent[]): Attempt {
    const answer = new Observable<readonly AttemptPart[]>((subscriber) => {
      let sent: Promise<unknown>;
      try {
        let joined = '';
        for (let i = 0; i < items.length; i++) joined += (i === 0 ? '' : '\n') + JSON.stringify(items[i]!.payload);
        const args = [this.#maxLenArg, String(items.length), joined];
        // No abortSignal: node-redis 5.12's queue loses its head when an aborted command is removed from it (its linked
        // list keeps a stale `previous`), after which the client writes nothing ever again. A timed-out append may
        // still run later: its events are then queued twice (same eid), never lost.
        sent = runScript(this.#redis, BOUNDED_APPEND, this.#keys, args);
      } catch (error) {
        sent = Promise.reject(error);
      }
      sent
        .then((reply) => {
          // How many were appended: the first ones; the stream was full for the rest.
          const added = asNumber(reply) ?? -1;
          if (!Number.isInteger(added) || added < 0 || added > items.length)
            throw new Error(`unexpected reply to the bounded append: ${String(reply)}`);
          return items.map((_, i) => (i < added ? true : FULL));
        })
        .then(
          (results) => this.#parts(items, results),
          (error: unknown) =>
            this.#parts(
              items,
              items.map(() => error ?? new Error('rejected')),
            ),
        )
        .then((parts) => {
          subscriber.next(parts);
          subscriber.complete();
        });
    });
    return { answer };
  }

  /** The replies in: appended items (status 0), refused ones (`queue-full`), failed ones (the first error). */
  #parts(items: readonly QueuedEvent[], results: readonly unknown[]): AttemptPart[] {
    const queued: QueuedEvent[] = [];
    const full: QueuedEvent[] = [];
    const failed: QueuedEvent[] = [];
    let firstError: unknown;
    items.forEach((item, i) => {
      if (results[i] === true) queued.push(item);
      else if (results[i] === FULL) full.push(item);
      else {
        failed.push(item);
        firstError ??= results[i];
      }
    });
    const payloads = (list: readonly QueuedEvent[]): Payload[] => list.map((item) => item.payload);
    const parts: AttemptPart[] = [];
    if (queued.length > 0)
      parts.push({ items: queued, events: payloads(queued), result: { kind: 'response', status: 0, retryAfter: null } });
    if (full.length > 0) parts.push({ items: full, events: payloads(full), dropped: 'queue-full' });
    if (failed.length > 0) {
      const error: DeliveryError = new NetworkError(this.#where, { cause: firstError });
      const permanent = firstError instanceof Error && PERMANENT.test(firstError.message);
      parts.push({ items: failed, events: payloads(failed), result: { kind: 'error', error, permanent } });
    }
    return parts;
  }
}
