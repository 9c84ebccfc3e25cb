// The navigation timing entity, differential in Chromium: Snowplow's performance navigation timing plugin (on a
// Snowplow tracker posting to the Karma collector) and rxplow's performanceNavigationTiming() on the same page attach
// the same `PerformanceNavigationTiming` 1-0-0 data, field for field.
import { PerformanceNavigationTimingPlugin } from '@snowplow/browser-plugin-performance-navigation-timing';
import { expect } from 'chai';
import { performanceNavigationTiming } from '../../src/browser/index.js';
import type { Payload } from '../../src/index.js';
import { entityData, received, recordingTracker, sessionEndpoint, snowplowTracker } from './snowplow-support.js';

const SCHEMA = 'iglu:org.w3/PerformanceNavigationTiming/jsonschema/1-0-0';
const timingOf = (payload: Payload) => entityData(payload, SCHEMA);

describe('rxplow/browser: performanceNavigationTiming(), differential against Snowplow’s plugin', function () {
  this.timeout(20_000);

  it('the same entity data as Snowplow’s, field for field, on every event', async () => {
    const endpoint = sessionEndpoint('navigation-timing');
    const sp = snowplowTracker('sp-navigation-timing', endpoint, { plugins: [PerformanceNavigationTimingPlugin()] });
    sp.trackPageView();
    const { tracker, sink } = recordingTracker([performanceNavigationTiming()]);
    tracker.trackPageView();
    tracker.trackPageView();
    const [first] = await received(endpoint, 1);
    const theirs = timingOf(first!) as Record<string, unknown>;
    expect(theirs).to.include({ entryType: 'navigation', type: 'navigate' });
    expect(timingOf(sink.payloads[0]!)).to.deep.equal(theirs);
    expect(timingOf(sink.payloads[1]!)).to.deep.equal(theirs);
    await tracker.shutdown();
  });
});
