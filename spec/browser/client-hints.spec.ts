// Client hints, differential in Chromium: Snowplow's client hints plugin (on a Snowplow tracker posting to the Karma
// collector) and rxplow's clientHints() on the same page attach the same `http_client_hints` 1-0-0 data, with and
// without the high-entropy hints.
import { ClientHintsPlugin } from '@snowplow/browser-plugin-client-hints';
import { newTracker } from '@snowplow/browser-tracker';
import { expect } from 'chai';
import { clientHints, createBrowserTracker } from '../../src/browser/index.js';
import type { Payload } from '../../src/index.js';
import { decodePayload } from '../helpers/decode.js';
import { ManualScheduler, RecordingSink } from './browser-support.js';

const SCHEMA = 'iglu:org.ietf/http_client_hints/jsonschema/1-0-0';
const hintsOf = (payload: Payload) => decodePayload(payload).contexts?.data.find((c) => c.schema === SCHEMA)?.data;

describe('rxplow/browser: clientHints(), differential against Snowplow’s plugin', function () {
  this.timeout(20_000);

  // Snowplow's plugin reads the hints once per page (a module-level cache), so one Snowplow configuration per page:
  // the high-entropy one; without them, rxplow's data is Snowplow's mobile flag and brands.
  {
    const includeHighEntropy = true;
    it('the same entity data as Snowplow’s, with and without the high-entropy hints', async () => {
      const endpoint = `${location.origin}/__rxplow/client-hints-${Math.random().toString(36).slice(2)}`;
      const sp = newTracker('sp-client-hints', endpoint, {
        appId: 'sp',
        eventMethod: 'post',
        bufferSize: 1,
        stateStorageStrategy: 'none',
        plugins: [ClientHintsPlugin(includeHighEntropy)],
      })!;
      const tracker = createBrowserTracker({
        sinks: [new RecordingSink()],
        storage: 'none',
        scheduler: new ManualScheduler(),
        globalContexts: [clientHints({ includeHighEntropy })],
      });
      const sink = new RecordingSink();
      tracker.addEmitter(sink);
      // Both asked the browser for the high-entropy hints when created; one more request answers after theirs.
      await (
        navigator as Navigator & { userAgentData: { getHighEntropyValues(h: string[]): Promise<unknown> } }
      ).userAgentData.getHighEntropyValues(['platform']);
      sp.trackPageView();
      tracker.trackPageView();
      let received: Payload[] = [];
      const deadline = Date.now() + 15_000;
      while (received.length < 1 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        received = ((await (await fetch(`${endpoint}/__received`)).json()) as { events: Payload[] }[]).flatMap((r) => r.events);
      }
      const theirs = hintsOf(received[0]!) as Record<string, unknown>;
      expect(theirs['brands']).to.be.an('array').that.is.not.empty;
      expect(theirs['platform'] !== undefined).to.equal(includeHighEntropy);
      expect(hintsOf(sink.payloads[0]!)).to.deep.equal(theirs);
      const low = new RecordingSink();
      const lowTracker = createBrowserTracker({ sinks: [low], storage: 'none', globalContexts: [clientHints()] });
      lowTracker.trackPageView();
      expect(hintsOf(low.payloads[0]!)).to.deep.equal({ isMobile: theirs['isMobile'], brands: theirs['brands'] });
      await Promise.all([tracker.shutdown(), lowTracker.shutdown()]);
    });
  }
});
