// Button clicks, differential in Chromium: @snowplow/browser-plugin-button-click-tracking (on a Snowplow tracker
// posting to the Karma collector) and rxplow's buttonClickTracking() see the same clicks on the same buttons and must
// send the same `button_click` events, field for field; filters as Snowplow's (allowlist, denylist, predicate).
import {
  ButtonClickTrackingPlugin,
  disableButtonClickTracking,
  enableButtonClickTracking,
} from '@snowplow/browser-plugin-button-click-tracking';
import { expect } from 'chai';
import { buttonClickTracking, createBrowserTracker, type BrowserTracker } from '../../src/browser/index.js';
import type { Payload } from '../../src/index.js';
import { decodePayload } from '../helpers/decode.js';
import { ManualScheduler, RecordingSink } from './browser-support.js';
import { received, sessionEndpoint, snowplowTracker } from './snowplow-support.js';

const eventOf = (payload: Payload) => decodePayload(payload).unstructEvent?.data;
/** Snowplow's requests (one per event) may arrive out of order: compare as sorted lists. */
const sorted = (events: readonly unknown[]) => [...events].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('rxplow/browser: buttonClickTracking(), differential against Snowplow’s button click plugin', function () {
  this.timeout(20_000);
  let root: HTMLDivElement;
  const trackers: BrowserTracker[] = [];
  beforeEach(() => {
    root = document.createElement('div');
    document.body.appendChild(root);
  });
  afterEach(async () => {
    disableButtonClickTracking();
    await Promise.all(trackers.splice(0).map((t) => t.shutdown()));
    root.remove();
  });

  function both(rxOptions: Parameters<typeof buttonClickTracking>[0], spOptions: Parameters<typeof enableButtonClickTracking>[0]) {
    const endpoint = sessionEndpoint('buttons');
    const id = `sp-buttons-${Math.random().toString(36).slice(2)}`;
    snowplowTracker(id, endpoint, { plugins: [ButtonClickTrackingPlugin()] });
    enableButtonClickTracking(spOptions, [id]);
    const sink = new RecordingSink();
    trackers.push(
      createBrowserTracker({ sinks: [sink], storage: 'none', scheduler: new ManualScheduler(), plugins: [buttonClickTracking(rxOptions)] }),
    );
    return { endpoint, sink };
  }

  it('labels, ids, names, classes, inputs, clicks inside a button and the default label are the same as Snowplow’s', async () => {
    const { endpoint, sink } = both({ defaultLabel: 'no text' }, { defaultLabel: 'no text' });
    root.innerHTML =
      '<button id="buy" name="b" class="primary big">Buy <b>now</b></button>' +
      '<button data-sp-button-label="Custom">ignored text</button>' +
      '<input type="button" value="Go" class="x">' +
      '<input type="button" data-sp-button-label="Labelled" value="v">' +
      '<button></button>' +
      '<input type="text" value="not a button"><a href="#">not a button</a>';
    root.addEventListener('click', (e) => e.preventDefault());
    root.querySelector('b')!.click();
    for (const el of root.querySelectorAll<HTMLElement>('button, input, a')) el.click();
    const theirs = (await received(endpoint, 6)).map(eventOf);
    const ours = sink.payloads.map(eventOf);
    expect(theirs).to.have.length(6);
    expect(sorted(ours)).to.deep.equal(sorted(theirs));
    expect((ours[0] as { data: unknown }).data).to.deep.equal({ label: 'Buy now', id: 'buy', name: 'b', classes: ['primary', 'big'] });
  });

  it('allowlist, denylist and predicate filters select the same buttons as Snowplow’s', async () => {
    root.innerHTML = '<button class="a">A</button><button class="b">B</button><button class="a b">AB</button><button>none</button>';
    const cases = [
      [{ filter: { allowlist: ['a'] } }, { filter: { allowlist: ['a'] } }],
      [{ filter: { denylist: ['b'] } }, { filter: { denylist: ['b'] } }],
      [{ filter: (b: HTMLElement) => b.textContent === 'none' }, { filter: (b: HTMLElement) => b.textContent === 'none' }],
    ] as const;
    for (const [rxOptions, spOptions] of cases) {
      const { endpoint, sink } = both(rxOptions as never, spOptions as never);
      for (const el of root.querySelectorAll('button')) el.click();
      const ours = sink.payloads.map(eventOf);
      const theirs = (await received(endpoint, ours.length)).map(eventOf);
      expect(ours.length).to.be.greaterThan(0);
      expect(sorted(ours)).to.deep.equal(sorted(theirs));
      disableButtonClickTracking();
      await trackers.pop()!.shutdown();
    }
  });
});
