// rxplow/browser composed, not subclassed (issue 17): the web tracker holds a core tracker; page, session and the
// built-in entities are enrichers run once per payload; page-view ids come from the id source; one error extractor.
import { expect } from 'chai';
import { createBrowserTracker, errorTracking, type BrowserTracker, type BrowserTrackerOptions } from '../../src/browser/index.js';
import { createTracker, ecommerceTransaction, structEvent } from '../../src/index.js';
import { clearIds, CLIENT_SESSION, entity, ManualScheduler, RecordingSink, WEB_PAGE } from './browser-support.js';

describe('rxplow/browser: composition', function () {
  const trackers: BrowserTracker[] = [];
  function rig(options: Partial<BrowserTrackerOptions> = {}) {
    const sink = new RecordingSink();
    const tracker = createBrowserTracker({ sinks: [sink], scheduler: new ManualScheduler(), storage: 'none', ...options });
    trackers.push(tracker);
    return { tracker, sink };
  }
  beforeEach(() => clearIds());
  afterEach(async () => {
    await Promise.all(trackers.splice(0).map((t) => t.shutdown()));
    clearIds();
  });

  it('the web tracker is no subclass of the core tracker: it composes one', () => {
    const { tracker } = rig();
    const core = createTracker([]);
    expect(Object.getPrototypeOf(Object.getPrototypeOf(tracker))).to.equal(Object.prototype);
    expect(tracker).to.not.be.instanceOf(core.constructor);
  });

  it('page and session are enrichers, run once per payload: each payload of a transaction counts as its own event', () => {
    const { tracker, sink } = rig({
      contexts: { session: true },
      globalContexts: [{ schema: 'iglu:com.acme/g/jsonschema/1-0-0', data: {} }],
    });
    tracker.track(
      ecommerceTransaction({
        orderId: 'o',
        total: 2,
        items: [
          { sku: 'a', price: 1, quantity: 1 },
          { sku: 'b', price: 1, quantity: 1 },
        ],
      }),
    );
    const events = sink.events;
    expect(events.map((e) => e.fields['e'])).to.deep.equal(['tr', 'ti', 'ti']);
    expect(events.map((e) => entity(e, CLIENT_SESSION)!['eventIndex'])).to.deep.equal([1, 2, 3]);
    // The session's first event is the first payload, read from that payload itself (no other enricher's side effect).
    expect(events.map((e) => entity(e, CLIENT_SESSION)!['firstEventId'])).to.deep.equal(events.map(() => events[0]!.fields['eid']));
    expect(events.every((e) => e.fields['sid'] === events[0]!.fields['sid'] && e.fields['url'] === location.href)).to.equal(true);
    // Entities in declared order: web_page, client_session, then the global contexts.
    expect(events[0]!.contexts.map((c) => c.schema)).to.deep.equal([WEB_PAGE, CLIENT_SESSION, 'iglu:com.acme/g/jsonschema/1-0-0']);
    // clearGlobalContexts removes yours only: the built-in entities are enrichers, not global contexts.
    tracker.clearGlobalContexts().track(structEvent({ category: 'c', action: 'a' }));
    expect(sink.events.at(-1)!.contexts.map((c) => c.schema)).to.deep.equal([WEB_PAGE, CLIENT_SESSION]);
  });

  it('page-view ids and event ids come from the id source (newId)', () => {
    let n = 0;
    const newId = (): string => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    const { tracker, sink } = rig({ newId });
    tracker.trackPageView();
    tracker.track(structEvent({ category: 'c', action: 'a' }));
    const [pv, se] = sink.events;
    expect(entity(pv!, WEB_PAGE)!['id']).to.equal('00000000-0000-4000-8000-000000000001');
    expect(pv!.fields['eid']).to.equal('00000000-0000-4000-8000-000000000002');
    expect(entity(se!, WEB_PAGE)!['id']).to.equal('00000000-0000-4000-8000-000000000001');
    expect(se!.fields['eid']).to.equal('00000000-0000-4000-8000-000000000003');
  });

  it('errorTracking reads an error-like rejection reason as Angular does (one extractor): message, name and stack', async () => {
    const { tracker, sink } = rig({ plugins: [errorTracking()] });
    const reason = { name: 'QuotaError', message: 'out of quota', stack: 'at x (y.js:1:2)' };
    window.dispatchEvent(new PromiseRejectionEvent('unhandledrejection', { promise: Promise.resolve(), reason }));
    expect(sink.events.map((e) => e.event?.data)).to.deep.equal([
      { programmingLanguage: 'JAVASCRIPT', message: 'out of quota', exceptionName: 'QuotaError', stackTrace: 'at x (y.js:1:2)' },
    ]);
    expect(tracker.active).to.equal(true);
  });
});
