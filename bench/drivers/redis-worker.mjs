// One delivery worker of the Redis path (started by bench/drivers/redis.mjs): createRedisWorker with the rxplow
// driver's Emitter settings, to the bench sink. Exits when its parent goes.
const dist = (path) => new URL(`../../dist/esm/${path}`, import.meta.url).href;
const { connectRedis, createRedisWorker } = await import(dist('redis/index.js'));

const config = JSON.parse(process.argv[2]);
const redis = await connectRedis(config.redisUrl);
const worker = createRedisWorker({
  redis,
  stream: 'bench:events',
  group: 'bench',
  consumer: config.consumer,
  collector: config.collector,
  emitter: { method: 'post', bufferSize: 100, maxPostBytes: 200_000, concurrency: 4 },
  readCount: 500,
  maxInFlight: 2_000,
  blockMs: 100,
});
// Diagnostics on stderr (the harness shows it for a run that fails): each new Redis error, each state change.
let lastError = '';
worker.errors.subscribe((e) => {
  if (e.message !== lastError) process.stderr.write(`worker ${config.consumer}: redis: ${e.message}\n`);
  lastError = e.message;
});
worker.status.subscribe((s) => s.kind !== 'reading' && process.stderr.write(`worker ${config.consumer}: ${JSON.stringify(s)}\n`));
await worker.ready;
process.send?.({ type: 'ready' });
process.on('disconnect', () => process.exit(0));
