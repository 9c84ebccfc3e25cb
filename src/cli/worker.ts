// `rxplow worker`: a Redis Streams delivery worker (rxplow/redis) as a process. Exits 0 after a graceful stop.
import { debugOutcomes } from '../debug.js';
import { Emitter } from '../emitter/emitter.js';
import { connectRedis, createRedisWorker, stopOnSignals, type RedisClient } from '../redis/index.js';
import type { WorkerCommandOptions } from './worker-args.js';

/** Runs a worker until SIGTERM/SIGINT; resolves to the exit code. */
export async function runWorker(o: WorkerCommandOptions, out: NodeJS.WritableStream, err: (text: string) => void): Promise<number> {
  let redis: RedisClient;
  try {
    redis = await connectRedis(o.redis);
  } catch (error) {
    err(`rxplow worker: cannot connect to ${o.redis}: ${(error as Error).message}\n`);
    return 1;
  }
  const emitter = new Emitter(o.collector, {
    method: o.method,
    bufferSize: o.bufferSize,
    concurrency: o.concurrency,
    flushIntervalMs: 100,
    maxQueueSize: Math.max(o.maxInFlight, 100_000),
  });
  if (o.verbose) debugOutcomes(emitter, (line) => out.write(`${line}\n`));
  const worker = createRedisWorker({
    redis,
    stream: o.stream,
    group: o.group,
    consumer: o.consumer,
    emitter,
    deadLetterStream: o.deadLetterStream,
    readCount: o.readCount,
    maxInFlight: o.maxInFlight,
    blockMs: o.blockMs,
    claimIdleMs: o.claimIdleMs,
    deleteAcked: o.deleteAcked,
    metricsIntervalMs: o.metricsIntervalMs > 0 ? o.metricsIntervalMs : undefined,
  });
  let lastError = '';
  worker.errors.subscribe((error) => {
    if (error.message !== lastError) err(`rxplow worker: redis: ${error.message}\n`);
    lastError = error.message;
  });
  worker.deadLetters.subscribe((d) => err(`rxplow worker: dead letter ${d.id} (eid ${d.eid ?? '-'}): ${d.reason}\n`));
  const metrics = o.metricsIntervalMs > 0 ? worker.metrics.subscribe((m) => out.write(`${JSON.stringify({ metrics: m })}\n`)) : undefined;
  // However the stop goes, the process is gone shortly after its deadline.
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => setTimeout(() => process.exit(1), o.stopTimeoutMs + 5_000).unref());
  const stopped = new Promise<number>((resolve) => {
    stopOnSignals(worker, {
      timeoutMs: o.stopTimeoutMs,
      onStopped: (report, signal) => {
        metrics?.unsubscribe();
        out.write(`rxplow worker ${o.consumer}: stopped on ${signal}: ${JSON.stringify(report)}\n`);
        redis.destroy();
        resolve(0);
      },
    });
  });
  await worker.ready;
  out.write(`rxplow worker ${o.consumer}: reading ${o.stream} as group ${o.group}, delivering to ${o.collector}\n`);
  return stopped;
}
