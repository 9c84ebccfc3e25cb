// rxplow/angular in a zone.js app (Karma/Chromium, in its own bundle with zone.js loaded first, so that zone.js's
// patches of timers, fetch and listeners never reach the other browser specs). What a tracker may not do to such an
// app: keep it unstable (hydration waits and logs NG0506, SSR waits, e2e tests hang) or run its callbacks in the zone.
import { collectorSession, initTestBed, stableWithin, until, whenStableWithin } from '../angular-support.js';
import { ApplicationRef, NgZone, provideZoneChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { expect } from 'chai';
import { firstValueFrom, filter, map } from 'rxjs';
import { activityTracking, createBrowserTracker } from '../../../src/browser/index.js';
import { structEvent } from '../../../src/events/structured.js';
import { enterZone, injectTracker, provideTracker, TRACKER } from '../../../src/angular/index.js';
import type { DeliveryOutcome } from '../../../src/index.js';

declare const Zone: unknown;

describe('rxplow/angular with zone.js: the app stays stable, callbacks stay out of the zone', function () {
  this.timeout(15_000);
  before(initTestBed);

  function setUp(endpoint: string, emitter: Record<string, unknown>, promptFirstEvent?: false): { appRef: ApplicationRef; zone: NgZone } {
    TestBed.configureTestingModule({
      providers: [
        provideZoneChangeDetection(),
        provideTracker({ endpoint, appId: 'ng-zone', storage: 'none', outbox: { storage: 'memory' }, emitter, promptFirstEvent }),
      ],
    });
    return { appRef: TestBed.inject(ApplicationRef), zone: TestBed.inject(NgZone) };
  }

  it('runs on a real zone.js NgZone (the premise of this file)', () => {
    const { zone } = setUp('http://127.0.0.1:9/unused', {});
    expect(typeof Zone).to.equal('function');
    expect(zone).to.be.instanceOf(NgZone);
    expect(zone.run(() => NgZone.isInAngularZone())).to.equal(true);
  });

  it('isStable becomes true while events wait in a batch (the batch timer is outside the zone)', async () => {
    const collector = collectorSession('zone-batch');
    const { appRef, zone } = setUp(collector.endpoint, { bufferSize: 10, flushIntervalMs: 60_000 }, false);
    const tracker = TestBed.inject(TRACKER);
    // Tracked from inside the zone, as from a click handler.
    zone.run(() => tracker.track(structEvent({ category: 'zone', action: 'waits' })));
    expect(await stableWithin(appRef, 2_000), 'isStable').to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await collector.received(), 'the event still waits in its batch').to.have.length(0);

    // The control: the same tracker created and used in the zone (no rxplow/angular) keeps the app unstable.
    const control = zone.run(() =>
      createBrowserTracker({
        endpoint: collector.endpoint,
        storage: 'none',
        outbox: { storage: 'memory' },
        emitter: { bufferSize: 10, flushIntervalMs: 60_000 },
        promptFirstEvent: false,
      }),
    );
    zone.run(() => control.track(structEvent({ category: 'zone', action: 'control' })));
    expect(await stableWithin(appRef, 300), 'isStable with a tracker inside the zone').to.equal(false);
    await control.shutdown({ timeoutMs: 0 });

    // Everything is delivered at the flush; the outcome reaches subscribers outside the zone unless they ask.
    const outside: boolean[] = [];
    const inside: boolean[] = [];
    zone.run(() => {
      tracker.outcomes.subscribe(() => outside.push(NgZone.isInAngularZone()));
      tracker.outcomes.pipe(enterZone(zone)).subscribe(() => inside.push(NgZone.isInAngularZone()));
    });
    await zone.run(() => tracker.flush());
    expect((await collector.received()).flatMap((r) => r.events).filter((e) => e['se_ac'] === 'waits')).to.have.length(1);
    expect(outside).to.deep.equal([false]);
    expect(inside).to.deep.equal([true]);
  });

  it('isStable becomes true while a retry backoff is pending (and whenStable resolves)', async () => {
    const collector = collectorSession('zone-retry');
    await collector.script([503]);
    const { appRef, zone } = setUp(collector.endpoint, {
      bufferSize: 1,
      retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, jitter: false },
    });
    const tracker = TestBed.inject(TRACKER);
    const retrying = firstValueFrom(tracker.outcomes.pipe(filter((o: DeliveryOutcome) => o.kind === 'retrying')));
    zone.run(() => tracker.track(structEvent({ category: 'zone', action: 'retries' })));
    const outcome = await retrying;
    expect(outcome.kind === 'retrying' && outcome.delayMs).to.equal(60_000);
    await until(async () => (await collector.received()).length === 1, 'the first attempt');
    expect(await stableWithin(appRef, 2_000), 'isStable').to.equal(true);
    expect(await whenStableWithin(appRef, 2_000), 'whenStable').to.equal(true);
    expect(await collector.received(), 'no second attempt yet').to.have.length(1);
  });

  it('a request started in the zone (a full batch) runs outside it: its answer is handled outside, the app stays stable', async () => {
    const collector = collectorSession('zone-send');
    const { appRef, zone } = setUp(collector.endpoint, { bufferSize: 1 });
    const tracker = TestBed.inject(TRACKER);
    const sent = zone.run(() =>
      firstValueFrom(
        tracker.outcomes.pipe(
          filter((o: DeliveryOutcome) => o.kind === 'sent'),
          map(() => NgZone.isInAngularZone()),
        ),
      ),
    );
    let insideAfterTrack = false;
    zone.run(() => {
      tracker.track(structEvent({ category: 'zone', action: 'sends' }));
      insideAfterTrack = NgZone.isInAngularZone();
    });
    expect(insideAfterTrack, 'the caller is back in the zone').to.equal(true);
    expect(await stableWithin(appRef, 2_000), 'isStable').to.equal(true);
    expect(await sent, 'the answer was handled in the Angular zone').to.equal(false);
  });

  it('page pings (activityTracking) after a page view tracked in the zone keep no timer in it; the plugin starts with the tracker', async () => {
    const collector = collectorSession('zone-pings');
    TestBed.configureTestingModule({
      providers: [
        provideZoneChangeDetection(),
        provideTracker({
          endpoint: collector.endpoint,
          storage: 'none',
          outbox: { storage: 'memory' },
          emitter: { bufferSize: 10, flushIntervalMs: 60_000 },
          plugins: [activityTracking({ minimumVisitLength: 30, heartbeatDelay: 10 })],
        }),
      ],
    });
    const appRef = TestBed.inject(ApplicationRef);
    const zone = TestBed.inject(NgZone);
    const tracker = TestBed.inject(TRACKER);
    zone.run(() => tracker.trackPageView());
    expect(await stableWithin(appRef, 2_000), 'isStable with page pings pending').to.equal(true);

    // The control: the same tracker and plugin created and used in the zone keep the app unstable (NG0506 at hydration).
    const control = zone.run(() =>
      createBrowserTracker({
        endpoint: collector.endpoint,
        storage: 'none',
        outbox: { storage: 'memory' },
        promptFirstEvent: false, // the page view waits in a batch, on a timer created in the zone
        plugins: [activityTracking({ minimumVisitLength: 30, heartbeatDelay: 10 })],
      }),
    );
    zone.run(() => control.trackPageView());
    expect(await stableWithin(appRef, 300), 'isStable with the control').to.equal(false);
    await control.shutdown({ timeoutMs: 0 });
  });

  it('injectTracker() gives the same tracker, in the browser active, and the app destroy shuts it down', async () => {
    const collector = collectorSession('zone-destroy');
    setUp(collector.endpoint, { bufferSize: 10, flushIntervalMs: 60_000 });
    const tracker = TestBed.runInInjectionContext(() => injectTracker());
    expect(tracker).to.equal(TestBed.inject(TRACKER));
    expect(tracker.active).to.equal(true);
    tracker.track(structEvent({ category: 'zone', action: 'at-destroy' }));
    TestBed.resetTestingModule(); // destroys the app's injector: flush, then shutdown
    await until(async () => (await collector.received()).length === 1, 'the flush at destroy');
  });
});
