import { asyncScheduler, catchError, defer, EMPTY, exhaustMap, Observable, share, timer, type SchedulerLike } from 'rxjs';
import { asNumber, asRecord, asArray, type RedisClient } from './client.js';
import { countKey, eventCount } from './scripts.js';

/** A stream and its consumer group, as Redis reports them (`XLEN`, `XINFO GROUPS`, the event count). */
export interface StreamMetrics {
  /** When the numbers were read (ms since the epoch, on the scheduler's clock). */
  readonly at: number;
  /**
   * Entries in the stream (`XLEN`): with workers that delete what they acknowledge, the backlog: unread plus pending.
   * An entry holds a producer's batch (`batchSize` events at most).
   */
  readonly streamLength: number;
  /**
   * Events in the stream, as the producers' bounded append and the workers keep count of them (`<stream>:count`, the
   * count `maxLen` bounds): with workers that delete what they acknowledge, the backlog in events.
   */
  readonly events: number;
  /** Entries read by some consumer of the group and not yet acknowledged (the group's pending entries list). */
  readonly pending: number;
  /**
   * Entries no consumer of the group has read yet (`lag` of `XINFO GROUPS`, Redis ≥ 7.0). Redis reports no lag
   * (`null`) when deletions make it unknowable; then this is `streamLength − pending`, exact when workers delete what
   * they acknowledge and nothing else writes or trims the stream. `null` when the group does not exist yet.
   */
  readonly lag: number | null;
  /** Consumers known to the group (live or dead, until deleted). */
  readonly consumers: number;
}

/** Options of {@link streamMetrics}. */
export interface StreamMetricsOptions {
  /** The stream key. */
  readonly stream: string;
  /** The consumer group. */
  readonly group: string;
  /** Poll every this many ms. @default 5000 */
  readonly intervalMs?: number | undefined;
  /** @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
}

/** Reads a stream's metrics once. Rejects when Redis cannot be reached. */
export async function readStreamMetrics(redis: RedisClient, stream: string, group: string, now: number): Promise<StreamMetrics> {
  const [length, count, groups] = await Promise.all([
    redis.sendCommand(['XLEN', stream]),
    redis.sendCommand(['GET', countKey(stream)]),
    redis.sendCommand(['XINFO', 'GROUPS', stream]).catch((error: unknown) => {
      if (error instanceof Error && /no such key/i.test(error.message)) return [];
      throw error;
    }),
  ]);
  const streamLength = asNumber(length) ?? 0;
  const events = eventCount(streamLength, count);
  const info = asArray(groups)
    .map(asRecord)
    .find((g) => String(g['name']) === group);
  if (info === undefined) return { at: now, streamLength, events, pending: 0, lag: null, consumers: 0 };
  const pending = asNumber(info['pending']) ?? 0;
  const lag = asNumber(info['lag']) ?? Math.max(0, streamLength - pending);
  return { at: now, streamLength, events, pending, lag, consumers: asNumber(info['consumers']) ?? 0 };
}

/**
 * A stream's length, pending count, lag and consumers, polled every `intervalMs` while subscribed (one poll at a
 * time, shared between subscribers). A poll that fails (Redis unreachable) emits nothing; the next one tries again.
 * For dashboards and autoscaling: the backlog is `events` (in entries, `lag + pending`).
 */
export function streamMetrics(redis: RedisClient, options: StreamMetricsOptions): Observable<StreamMetrics> {
  const { stream, group, intervalMs = 5_000, scheduler = asyncScheduler } = options;
  return timer(0, intervalMs, scheduler).pipe(
    exhaustMap(() => defer(() => readStreamMetrics(redis, stream, group, scheduler.now())).pipe(catchError(() => EMPTY))),
    share(),
  );
}
