// The browser context entity, differential in Chromium: Snowplow's tracker (contexts: { browser: true }) and rxplow's
// browserContext() on the same page send the same `browser_context` 2-0-0 data, the tab id (shared sessionStorage) too.
import { expect } from 'chai';
import { browserContext, createBrowserTracker } from '../../src/browser/index.js';
import type { Payload } from '../../src/index.js';
import { RecordingSink, UUID } from './browser-support.js';
import { entityData, received, recordingTracker, sessionEndpoint, snowplowTracker } from './snowplow-support.js';

const SCHEMA = 'iglu:com.snowplowanalytics.snowplow/browser_context/jsonschema/2-0-0';
const browserEntity = (payload: Payload) => entityData(payload, SCHEMA);

describe('rxplow/browser: browserContext(), differential against Snowplow’s browser context', function () {
  this.timeout(20_000);

  it('the same data as Snowplow’s, field for field, with the same tab id', async () => {
    const endpoint = sessionEndpoint('browser-context');
    const sp = snowplowTracker('sp-browser-context', endpoint, {
      contexts: { browser: true },
      stateStorageStrategy: 'cookieAndLocalStorage',
    });
    sp.trackPageView();
    const { tracker, sink } = recordingTracker([browserContext()]);
    tracker.trackPageView();
    const [first] = await received(endpoint, 1);
    const theirs = browserEntity(first!) as Record<string, unknown>;
    const ours = browserEntity(sink.payloads[0]!) as Record<string, unknown>;
    expect(theirs['tabId']).to.match(UUID);
    expect(ours).to.deep.equal(theirs);
    const noTab = createBrowserTracker({
      sinks: [new RecordingSink()],
      storage: 'none',
      globalContexts: [browserContext({ tabId: false })],
    });
    const other = new RecordingSink();
    noTab.addEmitter(other);
    noTab.trackPageView();
    expect((browserEntity(other.payloads[0]!) as Record<string, unknown>)['tabId']).to.equal(null);
    await Promise.all([tracker.shutdown(), noTab.shutdown()]);
  });
});
