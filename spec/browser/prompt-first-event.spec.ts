// Prompt first event in Chromium (issue 21): with createBrowserTracker's defaults, the first page view reaches the
// collector (real HTTP, the Karma collector) while the tracker's clock stands still, so no batch timer can have sent it;
// the events right after it wait for the batch timer and go together.
import { expect } from 'chai';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { createBrowserTracker, type BrowserTracker } from '../../src/browser/index.js';
import { structEvent } from '../../src/index.js';
import { clearIds, ManualScheduler } from './browser-support.js';

/** `promise`, or a failure after `ms` of real time: a deadline for the spec, never a measurement. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms))]);
}

describe('rxplow/browser: prompt first event', function () {
  this.timeout(10_000);
  let tracker: BrowserTracker | undefined;
  afterEach(async () => {
    await tracker?.shutdown({ timeoutMs: 0 });
    clearIds();
  });

  it('the first page view is sent without the batch timer; the burst after it is sent as one batch when the timer fires', async () => {
    const endpoint = `${location.origin}/__rxplow/${Math.random().toString(36).slice(2)}`;
    const scheduler = new ManualScheduler();
    tracker = createBrowserTracker({ endpoint, scheduler, storage: 'none', outbox: { storage: 'memory' } });
    const sent = tracker.outcomes.pipe(filter((o) => o.kind === 'sent'));
    const first = firstValueFrom(sent);
    tracker.trackPageView();
    const outcome = await within(first, 5000, 'sent outcome for the first page view (clock never advanced)');
    expect(outcome.events.map((e) => e['e'])).to.deep.equal(['pv']);
    const received = (await (await fetch(`${endpoint}/__received`)).json()) as { events: unknown[] }[];
    expect(received.map((r) => r.events.length)).to.deep.equal([1]);

    const next = firstValueFrom(sent.pipe(take(1), toArray()));
    tracker.track(structEvent({ category: 'c', action: '1' }));
    tracker.track(structEvent({ category: 'c', action: '2' }));
    expect(scheduler.pending, 'a batch timer waits for the two events').to.be.greaterThan(0);
    scheduler.advance(1000);
    const [batch] = await within(next, 5000, 'sent outcome for the batch');
    expect(batch!.events.map((e) => e['se_ac'])).to.deep.equal(['1', '2']);
  });
});
