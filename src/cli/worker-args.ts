// `rxplow worker` command-line parsing: no side effects, so specs can import it.
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { REDIS_WORKER_DEFAULTS } from '../redis/worker-options.js';
import { optionsHelp, type FlagHelp } from './usage.js';

/** What `rxplow worker` runs with. */
export interface WorkerCommandOptions {
  readonly redis: string;
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly collector: string;
  readonly method: 'post' | 'get';
  readonly bufferSize: number;
  readonly concurrency: number;
  readonly deadLetterStream: string | undefined;
  readonly readCount: number;
  readonly maxInFlight: number;
  readonly blockMs: number;
  readonly claimIdleMs: number;
  readonly stopTimeoutMs: number;
  readonly metricsIntervalMs: number;
  readonly deleteAcked: boolean;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly maxAgeMs: number;
  readonly maxDeliveries: number;
  readonly claimIntervalMs: number;
  readonly consumerIdleMs: number;
  readonly deadLetterMaxLen: number;
  readonly connectTimeoutMs: number;
  readonly logIntervalMs: number;
  readonly verbose: boolean;
}

export const WORKER_DEFAULTS = Object.freeze({
  redis: 'redis://127.0.0.1:6379',
  stream: 'rxplow:events',
  group: 'rxplow',
  method: 'post' as const,
  bufferSize: 100,
  concurrency: 4,
  readCount: REDIS_WORKER_DEFAULTS.readCount,
  maxInFlight: REDIS_WORKER_DEFAULTS.maxInFlight,
  blockMs: REDIS_WORKER_DEFAULTS.blockMs,
  claimIdleMs: REDIS_WORKER_DEFAULTS.claimIdleMs,
  claimIntervalMs: REDIS_WORKER_DEFAULTS.claimIntervalMs,
  stopTimeoutMs: 10_000,
  metricsIntervalMs: 0,
  retryBaseDelayMs: REDIS_WORKER_DEFAULTS.retry.baseDelayMs,
  retryMaxDelayMs: REDIS_WORKER_DEFAULTS.retry.maxDelayMs,
  maxAgeMs: REDIS_WORKER_DEFAULTS.maxAgeMs,
  maxDeliveries: REDIS_WORKER_DEFAULTS.maxDeliveries,
  consumerIdleMs: REDIS_WORKER_DEFAULTS.consumerIdleMs,
  deadLetterMaxLen: REDIS_WORKER_DEFAULTS.deadLetterMaxLen,
  connectTimeoutMs: 5_000,
  logIntervalMs: 10_000,
});

const D = WORKER_DEFAULTS;

/** Every option of `rxplow worker`, with its default as the help prints it. */
const WORKER_FLAGS: readonly FlagHelp[] = [
  ['--collector URL', 'the collector to deliver to (required): a host or an http(s) URL', ''],
  ['--redis URL', 'the Redis server: redis[s]://[[user]:[password]@]host[:port][/db]', D.redis],
  ['--stream KEY', 'the stream producers append to (RedisQueueEmitter `stream`)', D.stream],
  ['--group NAME', 'the consumer group the workers share (created when missing)', D.group],
  ['--consumer NAME', "this worker's name in the group; unique per live worker", '<host name>-<process id>'],
  ['--dead-letter-stream KEY', 'where refused, poison, expired and malformed events go, with the reason', '<stream>:dead'],
  ['--dead-letter-max-len N', 'dead letters kept; beyond it the oldest are trimmed and the count is logged', String(D.deadLetterMaxLen)],
  ['--method post|get', 'how the emitter sends', D.method],
  ['--buffer-size N', 'events per POST request', String(D.bufferSize)],
  ['--concurrency N', 'requests in flight at once', String(D.concurrency)],
  ['--read-count N', 'events per XREADGROUP, about (an entry holds a producer batch)', String(D.readCount)],
  ['--max-in-flight N', 'events read and not yet acknowledged, at most', String(D.maxInFlight)],
  ['--block-ms N', 'how long a read waits for new entries', String(D.blockMs)],
  ['--claim-idle-ms N', 'take over entries idle this long at a dead consumer (XAUTOCLAIM)', String(D.claimIdleMs)],
  ['--claim-interval-ms N', 'how often to look for entries to take over', String(D.claimIntervalMs)],
  ['--retry-base-delay-ms N', 'first backoff of a failed delivery (doubling; retried without limit)', String(D.retryBaseDelayMs)],
  ['--retry-max-delay-ms N', 'longest backoff between two attempts while the collector is down', String(D.retryMaxDelayMs)],
  [
    '--max-deliveries N',
    'reads of an event without an outcome (workers crashed on it) before it is dead-lettered',
    String(D.maxDeliveries),
  ],
  ['--max-age-ms N', 'an event older than this when read is dead-lettered (expired)', String(D.maxAgeMs)],
  ['--consumer-idle-ms N', 'remove other consumers idle this long with nothing pending', String(D.consumerIdleMs)],
  ['--connect-timeout-ms N', 'give up connecting to Redis at start after this long (exit 1)', String(D.connectTimeoutMs)],
  ['--log-interval-ms N', 'while the collector is down or letters are dead, one summary line this often', String(D.logIntervalMs)],
  ['--verbose', 'print every delivery outcome (a line per batch: sent, retrying, failed, dropped) and every dead letter', 'off'],
  ['--stop-timeout-ms N', 'on SIGTERM/SIGINT, finish in-flight deliveries for at most this long, then exit', String(D.stopTimeoutMs)],
  [
    '--metrics-interval-ms N',
    'print metrics (events, stream length, pending, lag, delivered, dead-lettered) as a JSON line this often; 0: never',
    String(D.metricsIntervalMs),
  ],
  ['--keep-acked', 'do not XDEL acknowledged entries (when other groups read the stream)', 'delete them'],
  ['-h, --help', 'print this help', ''],
];

export const WORKER_USAGE = `Usage: rxplow worker --collector URL [options]

Delivers the events that RedisQueueEmitter producers appended to a Redis stream (an entry per batch): reads them
as one consumer of a group (XREADGROUP), sends them with rxplow's HTTP Emitter, acknowledges each entry (XACK,
XDEL) once its events are delivered, and takes over the entries of dead workers (XAUTOCLAIM). While the collector is
down it retries without limit and stops reading (the backlog waits in the stream), then drains. Only events the
collector refuses (4xx), events workers crashed on --max-deliveries times and events older than --max-age-ms go
to the dead-letter stream.
Run as many as you like with the same --stream and --group. SIGTERM or SIGINT stops it gracefully.

Options:
${optionsHelp(WORKER_FLAGS)}`;

/** A bad `rxplow worker` command line. */
export class WorkerUsageError extends Error {}

function integer(value: string | undefined, name: string, fallback: number, min: number, max = 2_147_483_647): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new WorkerUsageError(`--${name} expects an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

const KEY = /^\S+$/;

/** Parses the arguments after `worker`. */
export function parseWorkerCommandLine(
  argv: readonly string[],
): { readonly command: 'help'; readonly text: string } | { readonly command: 'worker'; readonly options: WorkerCommandOptions } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        collector: { type: 'string' },
        redis: { type: 'string' },
        stream: { type: 'string' },
        group: { type: 'string' },
        consumer: { type: 'string' },
        'dead-letter-stream': { type: 'string' },
        method: { type: 'string' },
        'buffer-size': { type: 'string' },
        concurrency: { type: 'string' },
        'read-count': { type: 'string' },
        'max-in-flight': { type: 'string' },
        'block-ms': { type: 'string' },
        'claim-idle-ms': { type: 'string' },
        'stop-timeout-ms': { type: 'string' },
        'metrics-interval-ms': { type: 'string' },
        'keep-acked': { type: 'boolean' },
        'dead-letter-max-len': { type: 'string' },
        'claim-interval-ms': { type: 'string' },
        'retry-base-delay-ms': { type: 'string' },
        'retry-max-delay-ms': { type: 'string' },
        'max-deliveries': { type: 'string' },
        'max-age-ms': { type: 'string' },
        'consumer-idle-ms': { type: 'string' },
        'connect-timeout-ms': { type: 'string' },
        'log-interval-ms': { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new WorkerUsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { command: 'help', text: WORKER_USAGE };
  if (v.collector === undefined) throw new WorkerUsageError('--collector is required');
  if (/\s/.test(v.collector)) throw new WorkerUsageError(`--collector expects a host or an http(s) URL, got "${v.collector}"`);
  const redis = v.redis ?? D.redis;
  if (!/^rediss?:\/\//.test(redis)) throw new WorkerUsageError(`--redis expects a redis:// or rediss:// URL, got "${redis}"`);
  for (const name of ['stream', 'group', 'consumer', 'dead-letter-stream'] as const) {
    const value = v[name];
    if (value !== undefined && !KEY.test(value)) throw new WorkerUsageError(`--${name} expects a name without spaces, got "${value}"`);
  }
  const method = v.method ?? D.method;
  if (method !== 'post' && method !== 'get') throw new WorkerUsageError(`--method expects post or get, got "${method}"`);
  return {
    command: 'worker',
    options: {
      redis,
      stream: v.stream ?? D.stream,
      group: v.group ?? D.group,
      consumer: v.consumer ?? `${hostname()}-${process.pid}`,
      collector: v.collector,
      method,
      bufferSize: integer(v['buffer-size'], 'buffer-size', D.bufferSize, 1),
      concurrency: integer(v.concurrency, 'concurrency', D.concurrency, 1),
      deadLetterStream: v['dead-letter-stream'],
      readCount: integer(v['read-count'], 'read-count', D.readCount, 1),
      maxInFlight: integer(v['max-in-flight'], 'max-in-flight', D.maxInFlight, 1),
      blockMs: integer(v['block-ms'], 'block-ms', D.blockMs, 1),
      claimIdleMs: integer(v['claim-idle-ms'], 'claim-idle-ms', D.claimIdleMs, 1),
      stopTimeoutMs: integer(v['stop-timeout-ms'], 'stop-timeout-ms', D.stopTimeoutMs, 0),
      metricsIntervalMs: integer(v['metrics-interval-ms'], 'metrics-interval-ms', D.metricsIntervalMs, 0),
      deleteAcked: !v['keep-acked'],
      deadLetterMaxLen: integer(v['dead-letter-max-len'], 'dead-letter-max-len', D.deadLetterMaxLen, 1),
      claimIntervalMs: integer(v['claim-interval-ms'], 'claim-interval-ms', D.claimIntervalMs, 1),
      retryBaseDelayMs: integer(v['retry-base-delay-ms'], 'retry-base-delay-ms', D.retryBaseDelayMs, 0),
      retryMaxDelayMs: integer(v['retry-max-delay-ms'], 'retry-max-delay-ms', D.retryMaxDelayMs, 0),
      maxDeliveries: integer(v['max-deliveries'], 'max-deliveries', D.maxDeliveries, 1),
      maxAgeMs: integer(v['max-age-ms'], 'max-age-ms', D.maxAgeMs, 1),
      consumerIdleMs: integer(v['consumer-idle-ms'], 'consumer-idle-ms', D.consumerIdleMs, 1),
      connectTimeoutMs: integer(v['connect-timeout-ms'], 'connect-timeout-ms', D.connectTimeoutMs, 1),
      logIntervalMs: integer(v['log-interval-ms'], 'log-interval-ms', D.logIntervalMs, 1),
      verbose: v.verbose === true,
    },
  };
}
