// rxplow driver: the built ESM (dist/esm), one Tracker with one POST Emitter, batches of 100.
// maxQueueSize: the default (100_000) unless N is larger; then N (so the 1M burst is held, not dropped as queue-full).
// Defaults variant (options.variant === 'defaults'): `bufferSize: 100` and nothing else (maxPostBytes stays 40 000,
// so a 100-event batch of ~70 KB is packed into requests of ≤ 40 000 bytes).
// RXPLOW_BENCH_DIST=<dir>/dist/esm/index.js measures another build (e.g. a worktree of an older commit).
import { pathToFileURL } from 'node:url';
import { APP_ID, BATCH, contextEntity, EVENT_SCHEMA, eventData, NAMESPACE, runDriver } from './common.mjs';

const dist = process.env.RXPLOW_BENCH_DIST
  ? pathToFileURL(process.env.RXPLOW_BENCH_DIST).href
  : new URL('../../dist/esm/index.js', import.meta.url).href;
const { Emitter, Tracker } = await import(dist);

await runDriver(({ url, n, options }) => {
  const outcomes = { sent: 0, failed: 0, dropped: 0, retrying: 0 };
  const emitter = new Emitter(
    url,
    options.variant === 'defaults'
      ? { bufferSize: BATCH, ...(n > 100_000 ? { maxQueueSize: n } : {}) }
      : { method: 'post', bufferSize: BATCH, maxQueueSize: Math.max(100_000, n), maxPostBytes: 200_000, ...options.emitter },
  );
  const tracker = new Tracker(emitter, { namespace: NAMESPACE, appId: APP_ID });
  emitter.outcomes.subscribe((o) => {
    outcomes[o.kind] += o.kind === 'retrying' ? 1 : o.events.length;
  });
  return {
    track: (i) => tracker.trackSelfDescribingEvent({ schema: EVENT_SCHEMA, data: eventData(i) }, { context: [contextEntity(i)] }),
    flush: () => tracker.flush(),
    report: () => outcomes,
  };
});
