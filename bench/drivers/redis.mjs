// Redis path driver (bench/redis.mjs): the producer is this process, a Tracker with one RedisQueueEmitter (the built
// ESM, dist/esm/redis); delivery is done by 2 worker processes (bench/drivers/redis-worker.mjs) it starts before the
// burst, each createRedisWorker + an HTTP Emitter with the rxplow driver's settings (bufferSize 100, maxPostBytes
// 200 000, concurrency 4) to the same loopback sink. flush() resolves when every event is queued in Redis; the
// harness measures events/s at the sink. CPU and RSS are the producer's only.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { APP_ID, contextEntity, EVENT_SCHEMA, eventData, NAMESPACE, runDriver } from './common.mjs';

const dist = (path) => new URL(`../../dist/esm/${path}`, import.meta.url).href;
const { Tracker } = await import(dist('index.js'));
const { RedisQueueEmitter, connectRedis } = await import(dist('redis/index.js'));

await runDriver(async ({ url, n, options }) => {
  const workers = [1, 2].map((i) =>
    fork(
      fileURLToPath(new URL('./redis-worker.mjs', import.meta.url)),
      [JSON.stringify({ redisUrl: options.redisUrl, collector: url, consumer: `w${i}`, n })],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    ),
  );
  await Promise.all(workers.map((w) => new Promise((resolve) => w.on('message', (m) => m?.type === 'ready' && resolve()))));
  process.on('exit', () => workers.forEach((w) => w.kill('SIGKILL')));
  const redis = await connectRedis(options.redisUrl);
  const outcomes = { sent: 0, failed: 0, dropped: 0, retrying: 0 };
  const emitter = new RedisQueueEmitter({
    redis,
    stream: 'bench:events',
    maxLen: Math.max(1_000_000, n),
    maxQueueSize: Math.max(100_000, n),
  });
  const tracker = new Tracker(emitter, { namespace: NAMESPACE, appId: APP_ID });
  let lastFailure = '';
  emitter.failures.subscribe((f) => {
    if (f.error.message !== lastFailure) process.stderr.write(`producer: ${f.kind}: ${f.error.message}\n`);
    lastFailure = f.error.message;
  });
  emitter.outcomes.subscribe((o) => {
    outcomes[o.kind] += o.kind === 'retrying' ? 1 : o.events.length;
  });
  return {
    track: (i) => tracker.trackSelfDescribingEvent({ schema: EVENT_SCHEMA, data: eventData(i) }, { context: [contextEntity(i)] }),
    flush: () => tracker.flush(),
    report: () => outcomes,
  };
});
