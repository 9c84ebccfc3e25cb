// The debug switch and the development/production switch in Chromium (issue 19): `debugOutcomes(tracker)` logs each
// outcome to the browser console; with `globalThis.RXPLOW_DEV = false` (production) an invalid event is dropped
// and logged instead of thrown; in development (a bundler's NODE_ENV, here "test") it throws.
import { expect } from 'chai';
import { createBrowserTracker, type BrowserTracker } from '../../src/browser/index.js';
import { debugOutcomes, Emitter, InvalidEventError, structEvent } from '../../src/index.js';
import { createTestingCollector } from '../../src/testing/index.js';

describe('debug switch in the browser console', () => {
  const globals = globalThis as { RXPLOW_DEV?: unknown };
  const saved = { info: console.info, warn: console.warn };
  let lines: string[];
  let tracker: BrowserTracker | undefined;

  beforeEach(() => {
    lines = [];
    console.info = (...args: unknown[]) => void lines.push(`info ${args.join(' ')}`);
    console.warn = (...args: unknown[]) => void lines.push(`warn ${args.join(' ')}`);
  });
  afterEach(async () => {
    Object.assign(console, saved);
    delete globals.RXPLOW_DEV;
    await tracker?.shutdown();
  });

  function browserTracker(): BrowserTracker {
    const collector = createTestingCollector();
    tracker = createBrowserTracker({
      sinks: [new Emitter(collector.url, { fetch: collector.fetch, name: 'browser' })],
      storage: 'none',
      appId: 'spec',
    });
    return tracker;
  }

  it('logs nothing until debugOutcomes(tracker); then one readable line per outcome', async () => {
    const t = browserTracker();
    t.trackPageView();
    await t.flush();
    expect(lines).to.deep.equal([]);
    debugOutcomes(t);
    t.trackPageView();
    await t.flush();
    expect(lines).to.deep.equal(['info [rxplow] ✔ browser  sent     1 event(s) [pv] status 200, attempt 1']);
  });

  it('in development an invalid event throws; with RXPLOW_DEV = false it is dropped and the debug log says why (its code)', async () => {
    expect(() => browserTracker().track(structEvent({ category: 'c' } as never))).to.throw(InvalidEventError, /action/);
    await tracker!.shutdown();
    globals.RXPLOW_DEV = false;
    const t = browserTracker();
    debugOutcomes(t);
    expect(() => t.track(structEvent({ category: 'c' } as never))).not.to.throw();
    await t.flush();
    expect(lines).to.deep.equal(['warn [rxplow] ✘ browser  dropped  1 event(s) [-]: invalid: action: RXP0101']);
  });
});
