// Client hints, differential in Chromium: Snowplow's client hints plugin (on a Snowplow tracker posting to the Karma
// collector) and rxplow's clientHints() on the same page attach the same `http_client_hints` 1-0-0 data, with and
// without the high-entropy hints.
import { ClientHintsPlugin } from '@snowplow/browser-plugin-client-hints';
import { expect } from 'chai';
import { clientHints, createBrowserTracker } from '../../src/browser/index.js';
import type { Payload } from '../../src/index.js';
import { ManualScheduler, RecordingSink } from './browser-support.js';
import { entityData, received, sessionEndpoint, snowplowTracker } from './snowplow-support.js';

const SCHEMA = 'iglu:org.ietf/http_client_hints/jsonschema/1-0-0';
const hintsOf = (payload: Payload) => entityData(payload, SCHEMA);

describe('rxplow/browser: clientHints(), differential against Snowplow’s plugin', function () {
  this.timeout(20_000);

  // Snowplow's plugin reads the hints once per page (a module-level cache), so one Snowplow configuration per page:
  // the high-entropy one; without them, rxplow's data is Snowplow's mobile flag and brands.
  {
    const includeHighEntropy = true;
    it('the same entity data as Snowplow’s, with and without the high-entropy hints', async () => {
      const endpoint = sessionEndpoint('client-hints');
      const sp = snowplowTracker('sp-client-hints', endpoint, { plugins: [ClientHintsPlugin(includeHighEntropy)] });
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
      const [first] = await received(endpoint, 1);
      const theirs = hintsOf(first!) as Record<string, unknown>;
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
