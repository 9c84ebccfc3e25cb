// The one seam between rxplow/redis and the Redis client: raw commands through `sendCommand`, replies read in
// both RESP2 and RESP3 shapes. Only this folder knows Redis; only connectRedis() loads the `redis` package, lazily,
// so `rxplow/redis` itself loads without it (it is an optional peer dependency).
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { withDeadline } from './timing.js';

/**
 * What rxplow/redis needs of a Redis client: the subset of a node-redis v5/v6 client (`createClient()` from the
 * `redis` package) it uses. Commands go through `sendCommand` as raw arguments, so they are the same in every client
 * version and RESP protocol.
 */
export interface RedisClient {
  /** Sends one command; node-redis pipelines the commands sent in the same tick into one write. */
  sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  /** A new, unconnected client with the same options (the worker's blocking reads get their own connection). */
  duplicate(): RedisClient;
  /** Opens the connection. */
  connect(): Promise<unknown>;
  /** Closes the connection at once, rejecting what is pending. */
  destroy(): void;
  /** node-redis emits `error` on connection problems; without a listener that would crash the process. */
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Options of {@link connectRedis}. */
export interface ConnectRedisOptions {
  /**
   * Reject commands at once while the connection is down, instead of queueing them until it is back; rxplow then
   * reports the failure and retries with backoff itself. @default true
   */
  readonly disableOfflineQueue?: boolean | undefined;
  /**
   * Give up connecting after this long, in ms: `connectRedis` then rejects ("cannot connect to Redis at …") and
   * leaves no socket or timer behind. @default 5000
   */
  readonly connectTimeoutMs?: number | undefined;
  /** The deadline's timer runs on it. @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
}

/**
 * Creates and connects a node-redis client (the `redis` package, an optional peer dependency of rxplow, loaded
 * here on first use) with the settings rxplow/redis recommends: no offline queue, reconnect with capped backoff,
 * `error` events swallowed (failures surface as outcomes and retries instead).
 * @param url `redis://[[user]:[password]@]host[:port][/db]`
 */
export async function connectRedis(url: string, options: ConnectRedisOptions = {}): Promise<RedisClient> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const startedAt = scheduler.now();
  const timeoutMs = options.connectTimeoutMs ?? 5_000;
  let connected = false;
  let redis: typeof import('redis');
  try {
    redis = await import('redis');
  } catch (error) {
    throw new Error('rxplow/redis needs the `redis` package (node-redis v5 or v6): npm install redis', { cause: error });
  }
  const client = redis.createClient({
    url,
    disableOfflineQueue: options.disableOfflineQueue ?? true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      // Until the first connection, no reconnection is scheduled past the connect deadline (nothing is left to wait on).
      reconnectStrategy: (retries: number) => {
        const delay = Math.min(50 * 2 ** Math.min(retries, 10), 2_000);
        if (connected) return delay;
        const left = startedAt + timeoutMs - scheduler.now();
        return left <= 0 ? false : Math.min(delay, left);
      },
    },
  });
  let lastError: unknown;
  client.on('error', (error: unknown) => (lastError = error));
  connected =
    (await withDeadline(
      client.connect().then(
        () => true,
        (error: unknown) => {
          lastError = error;
          return false;
        },
      ),
      timeoutMs - (scheduler.now() - startedAt),
      scheduler,
    )) === true;
  if (connected) return client as unknown as RedisClient;
  client.destroy();
  const why = lastError === undefined ? `no answer within ${timeoutMs} ms` : `${describe(lastError)} (gave up after ${timeoutMs} ms)`;
  throw new Error(`cannot connect to Redis at ${redact(url)}: ${why}`, { cause: lastError });
}

/** A Redis URL without its password. */
const redact = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/** A Redis reply read as an array: RESP2 arrays, RESP3 sets, or a map's values. */
export function asArray(reply: unknown): unknown[] {
  if (Array.isArray(reply)) return reply;
  if (reply instanceof Set) return [...(reply as Set<unknown>)];
  if (reply instanceof Map) return [...(reply as Map<unknown, unknown>).values()];
  return [];
}

/** A Redis map reply as a record: RESP2 flat `[key, value, ...]` arrays, RESP3 maps (as `Map` or plain objects). */
export function asRecord(reply: unknown): Record<string, unknown> {
  if (Array.isArray(reply)) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
    return out;
  }
  if (reply instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of reply as Map<unknown, unknown>) out[String(key)] = value;
    return out;
  }
  return typeof reply === 'object' && reply !== null ? (reply as Record<string, unknown>) : {};
}

/** A reply as a number (`null` when it is nil or not numeric). */
export function asNumber(reply: unknown): number | null {
  if (typeof reply === 'number') return reply;
  if (typeof reply === 'bigint') return Number(reply);
  if (typeof reply === 'string' && reply !== '' && Number.isFinite(Number(reply))) return Number(reply);
  return null;
}

/** One stream entry: its id and its fields. */
export interface StreamEntry {
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** Entries of an XRANGE-style reply (`[[id, [field, value, ...]], ...]`); deleted entries (nil fields) are skipped. */
export function asEntries(reply: unknown): StreamEntry[] {
  const out: StreamEntry[] = [];
  for (const item of asArray(reply)) {
    const pair = asArray(item);
    if (pair.length < 2 || pair[1] === null) continue;
    const fields: Record<string, string> = {};
    const flat = asArray(pair[1]);
    for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = String(flat[i + 1]);
    out.push({ id: String(pair[0]), fields });
  }
  return out;
}

/** The entries of an XREADGROUP reply for one stream (RESP2: `[[stream, entries]]`; RESP3: `{ stream: entries }`). */
export function readGroupEntries(reply: unknown): StreamEntry[] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) return reply.flatMap((streamReply) => asEntries(asArray(streamReply)[1]));
  return Object.values(asRecord(reply)).flatMap((entries) => asEntries(entries));
}

/** A short description of a client error, for outcomes and dead letters. */
export function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an unprintable error';
  }
}
