// `rxplow worker`: a Redis Streams delivery worker (rxplow/redis) as a process. Exits 0 after a graceful stop, 1 when
// Redis cannot be reached at start (within --connect-timeout-ms).
import { connectRedis, createRedisWorker, readStreamMetrics, stopOnSignals, type RedisClient } from '../redis/index.js';
import type { WorkerCommandOptions } from './worker-args.js';
import { logWorker } from './worker-log.js';

/** Runs a worker until SIGTERM/SIGINT; resolves to the exit code. */
export async function runWorker(o: WorkerCommandOptions, out: NodeJS.WritableStream, err: (text: string) => void): Promise<number> {
  const prefix = `rxplow worker ${o.consumer}`;
  let redis: RedisClient;
  try {
    redis = await connectRedis(o.redis, { connectTimeoutMs: o.connectTimeoutMs });
  } catch (error) {
    err(`rxplow worker: ${(error as Error).message}\n`);
    return 1;
  }
  const worker = createRedisWorker({
    redis,
    stream: o.stream,
    group: o.group,
    consumer: o.consumer,
    collector: o.collector,
    emitter: {
      method: o.method,
      bufferSize: o.bufferSize,
      concurrency: o.concurrency,
      flushIntervalMs: 100,
      retry: { baseDelayMs: o.retryBaseDelayMs, maxDelayMs: o.retryMaxDelayMs },
    },
    deadLetterStream: o.deadLetterStream,
    deadLetterMaxLen: o.deadLetterMaxLen,
    readCount: o.readCount,
    maxInFlight: o.maxInFlight,
    blockMs: o.blockMs,
    claimIdleMs: o.claimIdleMs,
    claimIntervalMs: o.claimIntervalMs,
    maxDeliveries: o.maxDeliveries,
    maxAgeMs: o.maxAgeMs,
    consumerIdleMs: o.consumerIdleMs,
    deleteAcked: o.deleteAcked,
    metricsIntervalMs: o.metricsIntervalMs > 0 ? o.metricsIntervalMs : undefined,
  });
  const log = logWorker(worker, o.group, {
    write: (line) => out.write(`${prefix}: ${line}\n`),
    intervalMs: o.logIntervalMs,
    verbose: o.verbose,
    backlog: () =>
      readStreamMetrics(redis, o.stream, o.group, Date.now()).then(
        (m) => m.events,
        () => undefined,
      ),
  });
  const metrics = o.metricsIntervalMs > 0 ? worker.metrics.subscribe((m) => out.write(`${JSON.stringify({ metrics: m })}\n`)) : undefined;
  // However the stop goes, the process is gone shortly after its deadline.
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => setTimeout(() => process.exit(1), o.stopTimeoutMs + 5_000).unref());
  const stopped = new Promise<number>((resolve) => {
    stopOnSignals(worker, {
      timeoutMs: o.stopTimeoutMs,
      onStopped: (report, signal) => {
        metrics?.unsubscribe();
        log.unsubscribe();
        out.write(`${prefix}: stopped on ${signal}: ${JSON.stringify(report)}\n`);
        redis.destroy();
        resolve(0);
      },
    });
  });
  void worker.ready.then(() => out.write(`${prefix}: reading ${o.stream} as group ${o.group}, delivering to ${o.collector}\n`));
  return stopped;
}
