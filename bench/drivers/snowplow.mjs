// @snowplow/node-tracker driver (4.x): newTracker + its own emitter, POST, bufferSize 100.
// Its default in-memory event store keeps only the newest 1000 events (older ones are shift()ed out as a burst
// arrives), so a burst of N would silently lose N-1000 events: the store is given maxSize = N instead.
// It has no periodic flush: flush() is called once, after the burst (as its docs say to before exit).
import { createRequire } from 'node:module';
import { APP_ID, BATCH, contextEntity, EVENT_SCHEMA, eventData, NAMESPACE, runDriver } from './common.mjs';

const require = createRequire(import.meta.url);
const nodeTracker = require('@snowplow/node-tracker');
// The tracker-core that node-tracker itself uses (it pins its own version).
const core = createRequire(require.resolve('@snowplow/node-tracker'))('@snowplow/tracker-core');

// Snowplow fills a request by bytes only (bufferSize merely triggers a flush): maxPostBytes is set so that exactly
// 100 of the benchmark's (equal-sized) events make a request, measured on one event built by the same tracker core.
function postBytesFor100() {
  let bytes = 0;
  const probe = core.trackerCore({ base64: true, callback: (payload) => (bytes = JSON.stringify(payload.build()).length) });
  probe.setPlatform('srv');
  probe.setTrackerVersion('node-' + core.version);
  probe.setTrackerNamespace(NAMESPACE);
  probe.setAppId(APP_ID);
  probe.track(core.buildSelfDescribingEvent({ event: { schema: EVENT_SCHEMA, data: eventData(0) } }), [contextEntity(0)]);
  return Math.floor(bytes * (BATCH - 0.5));
}

// Defaults variant (options.variant === 'defaults'): bufferSize 100 and Snowplow's default maxPostBytes (40 000); the
// event store keeps maxSize N in both variants (its default would drop all but the newest 1000 of a burst).
await runDriver(({ host, port, n, options }) => {
  let failures = 0;
  const tracker = nodeTracker.newTracker(
    { namespace: NAMESPACE, appId: APP_ID },
    {
      endpoint: host,
      protocol: 'http',
      port,
      eventMethod: 'post',
      bufferSize: BATCH,
      ...(options.variant === 'defaults' ? {} : { maxPostBytes: postBytesFor100() }),
      eventStore: core.newInMemoryEventStore({ maxSize: Math.max(1000, n) }),
      onRequestFailure: () => failures++,
    },
  );
  return {
    track: (i) =>
      tracker.track(nodeTracker.buildSelfDescribingEvent({ event: { schema: EVENT_SCHEMA, data: eventData(i) } }), [contextEntity(i)]),
    flush: () => tracker.flush(),
    report: () => ({ failedRequests: failures }),
  };
});
