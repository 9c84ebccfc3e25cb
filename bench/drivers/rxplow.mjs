// rxplow driver: the built ESM (dist/esm), one Tracker with one POST Emitter, batches of 100.
// maxQueueSize: the default (100_000) unless N is larger; then N (so the 1M burst is held, not dropped as queue-full).
import { APP_ID, BATCH, contextEntity, EVENT_SCHEMA, eventData, NAMESPACE, runDriver } from './common.mjs';

const { Emitter, Tracker } = await import(new URL('../../dist/esm/index.js', import.meta.url).href);

await runDriver(({ url, n, options }) => {
  const outcomes = { sent: 0, failed: 0, dropped: 0, retrying: 0 };
  const emitter = new Emitter(url, {
    method: 'post',
    bufferSize: BATCH,
    maxQueueSize: Math.max(100_000, n),
    maxPostBytes: 200_000,
    ...options.emitter,
  });
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
