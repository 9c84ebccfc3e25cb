// rxplow/redis: durable delivery for Node fleets on Redis Streams. Node only.
/**
 * Durable delivery on Redis Streams: application processes track into a {@link RedisQueueEmitter} (a sink whose
 * `sent` means "durably queued in Redis"), and delivery workers ({@link createRedisWorker}, or `rxplow worker`) read
 * the stream as a consumer group and deliver through a normal rxplow HTTP `Emitter`, acknowledging each entry only
 * once its event has a final outcome. The Redis client is node-redis (the `redis` package, an optional peer
 * dependency): pass a connected client, or let {@link connectRedis} create one. See docs/redis.md.
 *
 * @packageDocumentation
 */
export { RedisQueueEmitter, REDIS_QUEUE_DEFAULTS, PAYLOAD_FIELD } from './queue-emitter.js';
export type { RedisQueueEmitterOptions } from './queue-emitter.js';
export { createRedisWorker, REDIS_WORKER_DEFAULTS } from './worker.js';
export type {
  RedisWorker,
  RedisWorkerOptions,
  RedisWorkerEmitterOptions,
  RedisWorkerMetrics,
  RedisWorkerReport,
  RedisWorkerStatus,
  DeadLetter,
} from './worker.js';
export type { DeadLetterKind } from './entries.js';
export { stopOnSignals } from './signals.js';
export type { StopOnSignalsOptions } from './signals.js';
export { streamMetrics, readStreamMetrics } from './metrics.js';
export type { StreamMetrics, StreamMetricsOptions } from './metrics.js';
export { connectRedis } from './client.js';
export type { RedisClient, ConnectRedisOptions } from './client.js';
