// The script-tag build's entry in Chromium: the documented snippet queues calls made before the file loads; install()
// replays them in order on the tracker `newTracker` made, then takes direct calls; a bad command changes nothing else.
import { expect } from 'chai';
import type { BrowserTracker } from '../../src/browser/index.js';
import { install } from '../../src/browser/script-tag.js';
import { ManualScheduler, RecordingSink } from './browser-support.js';

type Rxplow = ((name: string, ...args: unknown[]) => void) & { q?: unknown[][] };

describe('rxplow/browser: script-tag build (install and the command queue)', () => {
  let target: { rxplow?: Rxplow };
  let sink: RecordingSink;
  const trackers: BrowserTracker[] = [];
  beforeEach(() => {
    target = {};
    sink = new RecordingSink();
    // The snippet of docs/browser.md ("Script tag"), minus the <script> it inserts.
    const snippet = (w: typeof target) => {
      w.rxplow ??= Object.assign((...args: unknown[]) => (w.rxplow!.q ??= []).push(args), { q: [] as unknown[][] }) as Rxplow;
    };
    snippet(target);
  });
  afterEach(async () => {
    await Promise.all(trackers.splice(0).map((t) => t.shutdown()));
  });

  it('replays the calls made before it loaded, in order, then runs later calls at once', () => {
    target.rxplow!('newTracker', { sinks: [sink], storage: 'none', appId: 'site', scheduler: new ManualScheduler() });
    target.rxplow!('setUserId', 'u1');
    target.rxplow!('trackPageView', { pageTitle: 'Home' });
    target.rxplow!('trackStructEvent', { category: 'c', action: 'queued' });
    expect(sink.payloads).to.have.length(0);
    install(target);
    target.rxplow!('trackStructEvent', { category: 'c', action: 'direct' });
    target.rxplow!('trackSelfDescribingEvent', {
      event: { schema: 'iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1', data: { targetUrl: 'https://x.test/' } },
    });
    const events = sink.events;
    expect(events.map((e) => e.fields['e'])).to.deep.equal(['pv', 'se', 'se', 'ue']);
    expect(events[0]!.fields).to.include({ page: 'Home', aid: 'site', uid: 'u1' });
    expect(events.map((e) => e.fields['se_ac'])).to.deep.equal([undefined, 'queued', 'direct', undefined]);
  });

  it('unknown commands, calls before newTracker, invalid events and a second newTracker change nothing and throw nothing', () => {
    install(target);
    expect(() => target.rxplow!('trackPageView')).to.not.throw();
    target.rxplow!('newTracker', { sinks: [sink], storage: 'none', scheduler: new ManualScheduler() });
    target.rxplow!('newTracker', { endpoint: 42 });
    expect(() => target.rxplow!('noSuchCommand', 1)).to.not.throw();
    expect(() => target.rxplow!('trackStructEvent', { category: 'c' })).to.not.throw(); // no action: invalid
    expect(() => target.rxplow!('constructor')).to.not.throw();
    target.rxplow!('trackPageView');
    expect(sink.events.map((e) => e.fields['e'])).to.deep.equal(['pv']);
  });
});
