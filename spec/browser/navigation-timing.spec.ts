// The navigation timing entity, differential in Chromium: Snowplow's performance navigation timing plugin (on a
// Snowplow tracker posting to the Karma collector) and rxplow's performanceNavigationTiming() on the same page attach
// the same `PerformanceNavigationTiming` 1-0-0 data, field for field.
import { PerformanceNavigationTimingPlugin } from '@snowplow/browser-plugin-performance-navigation-timing';
import { newTracker } from '@snowplow/browser-tracker';
import { expect } from 'chai';
import { createBrowserTracker, performanceNavigationTiming } from '../../src/browser/index.js';
import type { Payload } from '../../src/index.js';
import { decodePayload } from '../helpers/decode.js';
import { ManualScheduler, RecordingSink } from './browser-support.js';

const SCHEMA = 'iglu:org.w3/PerformanceNavigationTiming/jsonschema/1-0-0';
const timingOf = (payload: Payload) => decodePayload(payload).contexts?.data.find((c) => c.schema === SCHEMA)?.data;

describe('rxplow/browser: performanceNavigationTiming(), differential against Snowplow’s plugin', function () {
  this.timeout(20_000);

  it('the same entity data as Snowplow’s, field for field, on every event', async () => {
    const endpoint = `${location.origin}/__rxplow/navigation-timing-${Math.random().toString(36).slice(2)}`;
    const sp = newTracker('sp-navigation-timing', endpoint, {
      appId: 'sp',
      eventMethod: 'post',
      bufferSize: 1,
      stateStorageStrategy: 'none',
      plugins: [PerformanceNavigationTimingPlugin()],
    })!;
    sp.trackPageView();
    const sink = new RecordingSink();
    const tracker = createBrowserTracker({
      sinks: [sink],
      storage: 'none',
      scheduler: new ManualScheduler(),
      globalContexts: [performanceNavigationTiming()],
    });
    tracker.trackPageView();
    tracker.trackPageView();
    let received: Payload[] = [];
    const deadline = Date.now() + 15_000;
    while (received.length < 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      received = ((await (await fetch(`${endpoint}/__received`)).json()) as { events: Payload[] }[]).flatMap((r) => r.events);
    }
    const theirs = timingOf(received[0]!) as Record<string, unknown>;
    expect(theirs).to.include({ entryType: 'navigation', type: 'navigate' });
    expect(timingOf(sink.payloads[0]!)).to.deep.equal(theirs);
    expect(timingOf(sink.payloads[1]!)).to.deep.equal(theirs);
    await tracker.shutdown();
  });
});
