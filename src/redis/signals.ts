import type { RedisWorker, RedisWorkerReport } from './worker.js';

/** Options of {@link stopOnSignals}. */
export interface StopOnSignalsOptions {
  /** The signals that stop the worker. @default ['SIGTERM', 'SIGINT'] */
  readonly signals?: readonly NodeJS.Signals[] | undefined;
  /** The graceful stop's deadline, in ms (`worker.stop({ timeoutMs })`). @default 10_000 */
  readonly timeoutMs?: number | undefined;
  /** Called with the report once the worker has stopped (e.g. close the Redis client and exit). */
  readonly onStopped?: ((report: RedisWorkerReport, signal: NodeJS.Signals) => void) | undefined;
}

/**
 * Stops `worker` gracefully on SIGTERM or SIGINT: it stops reading, lets in-flight deliveries finish, acknowledges
 * them, and gives up at `timeoutMs` (what is still in flight stays pending for another worker). A second signal
 * while stopping is ignored; `onStopped` decides how the process ends. Returns a function that removes the handlers.
 */
export function stopOnSignals(worker: RedisWorker, options: StopOnSignalsOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const handler = (signal: NodeJS.Signals): void => {
    void worker.stop({ timeoutMs: options.timeoutMs }).then((report) => options.onStopped?.(report, signal));
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
