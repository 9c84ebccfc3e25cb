// The browser context entity, differential in Chromium: Snowplow's tracker (contexts: { browser: true }) and rxplow's
// browserContext() on the same page send the same `browser_context` 2-0-0 data, the tab id (shared sessionStorage) too.
import { newTracker } from '@snowplow/browser-tracker';
import { expect } from 'chai';
import { browserContext, createBrowserTracker } from '../../src/browser/index.js';
import type { Payload } from '../../src/index.js';
import { decodePayload } from '../helpers/decode.js';
import { ManualScheduler, RecordingSink, UUID } from './browser-support.js';

const SCHEMA = 'iglu:com.snowplowanalytics.snowplow/browser_context/jsonschema/2-0-0';
const browserEntity = (payload: Payload) => decodePayload(payload).contexts?.data.find((c) => c.schema === SCHEMA)?.data;

describe('rxplow/browser: browserContext(), differential against Snowplow’s browser context', function () {
  this.timeout(20_000);

  it('the same data as Snowplow’s, field for field, with the same tab id', async () => {
    const endpoint = `${location.origin}/__rxplow/browser-context-${Math.random().toString(36).slice(2)}`;
    const sp = newTracker('sp-browser-context', endpoint, {
      appId: 'sp',
      eventMethod: 'post',
      bufferSize: 1,
      contexts: { browser: true },
    })!;
    sp.trackPageView();
    const sink = new RecordingSink();
    const tracker = createBrowserTracker({
      sinks: [sink],
      storage: 'none',
      scheduler: new ManualScheduler(),
      globalContexts: [browserContext()],
    });
    tracker.trackPageView();
    let received: Payload[] = [];
    const deadline = Date.now() + 15_000;
    while (received.length < 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      received = ((await (await fetch(`${endpoint}/__received`)).json()) as { events: Payload[] }[]).flatMap((r) => r.events);
    }
    const theirs = browserEntity(received[0]!) as Record<string, unknown>;
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
