// rxplow/angular in a zoneless app (Angular 21's default; TestBed's too): whenStable() resolves while the tracker
// holds events in a batch or waits to retry; the server platform tracks nothing; withErrorTracking reports each error
// Angular hands its ErrorHandler as an application_error and still delegates. Karma/Chromium, Angular in JIT.
import { collectorSession, initTestBed, stableWithin, until, whenStableWithin } from './angular-support.js';
import { ApplicationRef, Component, ErrorHandler, NgZone, PLATFORM_ID } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { expect } from 'chai';
import { filter, firstValueFrom } from 'rxjs';
import { enterZone, provideTracker, TRACKER, withErrorTracking, withRouterPageViews } from '../../src/angular/index.js';
import { structEvent } from '../../src/events/structured.js';
import type { DeliveryOutcome } from '../../src/index.js';
import { RecordingSink } from './browser-support.js';
import { createTestingCollector } from '../../src/testing/index.js';
import { provideRouter, Router } from '@angular/router';
import { provideLocationMocks } from '@angular/common/testing';

const APPLICATION_ERROR = 'iglu:com.snowplowanalytics.snowplow/application_error/jsonschema/1-0-1';

describe('rxplow/angular in a zoneless app', function () {
  this.timeout(15_000);
  before(initTestBed);

  it('is zoneless (the premise): NgZone is the no-op zone', () => {
    TestBed.configureTestingModule({ providers: [provideTracker({ sinks: [new RecordingSink()] })] });
    expect(TestBed.inject(NgZone)).not.to.be.instanceOf(NgZone);
  });

  it('whenStable() resolves while events wait in a batch', async () => {
    const collector = collectorSession('zoneless-batch');
    TestBed.configureTestingModule({
      providers: [
        provideTracker({
          endpoint: collector.endpoint,
          storage: 'none',
          outbox: { storage: 'memory' },
          emitter: { bufferSize: 10, flushIntervalMs: 60_000 },
          promptFirstEvent: false,
        }),
      ],
    });
    const appRef = TestBed.inject(ApplicationRef);
    const tracker = TestBed.inject(TRACKER);
    tracker.track(structEvent({ category: 'zoneless', action: 'waits' }));
    expect(await whenStableWithin(appRef, 2_000), 'whenStable').to.equal(true);
    expect(await stableWithin(appRef, 2_000), 'isStable').to.equal(true);
    expect(await collector.received(), 'the event still waits in its batch').to.have.length(0);
    await tracker.flush();
    expect(await collector.received()).to.have.length(1);
  });

  it('whenStable() resolves while a retry backoff is pending; enterZone() is harmless without zone.js', async () => {
    const collector = collectorSession('zoneless-retry');
    await collector.script([503]);
    TestBed.configureTestingModule({
      providers: [
        provideTracker({
          endpoint: collector.endpoint,
          storage: 'none',
          outbox: { storage: 'memory' },
          emitter: { bufferSize: 1, retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, jitter: false } },
        }),
      ],
    });
    const appRef = TestBed.inject(ApplicationRef);
    const tracker = TestBed.inject(TRACKER);
    const retrying = firstValueFrom(
      tracker.outcomes.pipe(
        TestBed.runInInjectionContext(() => enterZone<DeliveryOutcome>()),
        filter((o) => o.kind === 'retrying'),
      ),
    );
    tracker.track(structEvent({ category: 'zoneless', action: 'retries' }));
    await retrying;
    await until(async () => (await collector.received()).length === 1, 'the first attempt');
    expect(await whenStableWithin(appRef, 2_000), 'whenStable').to.equal(true);
    expect(await collector.received(), 'no second attempt yet').to.have.length(1);
  });

  it('on the server platform (decided by PLATFORM_ID, even where a window exists) it tracks nothing and never touches the router', async () => {
    const recording = new RecordingSink();
    TestBed.configureTestingModule({
      providers: [
        { provide: PLATFORM_ID, useValue: 'server' },
        provideRouter([{ path: '**', component: Component({ template: 'page' })(class Page {}) }]),
        provideLocationMocks(),
        provideTracker(
          {
            sinks: [recording],
            plugins: [
              () => {
                throw new Error('no plugin on the server');
              },
            ],
          },
          withRouterPageViews(),
        ),
      ],
    });
    const tracker = TestBed.inject(TRACKER);
    await TestBed.inject(Router).navigateByUrl('/anywhere');
    tracker.trackPageView();
    tracker.track(structEvent({ category: 'server', action: 'nothing' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(recording.payloads).to.have.length(0);
    expect(
      await TestBed.inject(ApplicationRef)
        .whenStable()
        .then(() => true),
    ).to.equal(true);
  });

  it('on the server platform with `server: { endpoint }` it sends what is tracked (platform srv), page views excepted, and flushes at destroy', async () => {
    const collector = collectorSession('server-tracking');
    const browserSink = new RecordingSink();
    TestBed.configureTestingModule({
      providers: [
        { provide: PLATFORM_ID, useValue: 'server' },
        provideTracker({
          endpoint: 'https://browser-only.example.com',
          sinks: [browserSink],
          appId: 'ssr',
          server: { endpoint: collector.endpoint, emitter: { flushIntervalMs: 60_000 } },
        }),
      ],
    });
    const tracker = TestBed.inject(TRACKER);
    tracker.trackPageView({ pageUrl: 'https://shop.example.com/' });
    tracker.track(structEvent({ category: 'ssr', action: 'rendered' }));
    expect(await whenStableWithin(TestBed.inject(ApplicationRef), 2_000), 'whenStable with an event waiting').to.equal(true);
    TestBed.resetTestingModule(); // the end of the render: flush and shut down
    await until(async () => (await collector.received()).length > 0, 'the flush at destroy');
    const events = (await collector.received()).flatMap((r) => r.events);
    expect(events.map((e) => [e['e'], e['se_ac'], e['p'], e['aid']])).to.deep.equal([['se', 'rendered', 'srv', 'ssr']]);
    expect(browserSink.payloads, "the browser's sinks are not used on the server").to.have.length(0);
  });

  describe('withErrorTracking()', () => {
    it('reports an error handed to ErrorHandler as application_error, then delegates it', () => {
      const recording = new RecordingSink();
      const delegated: unknown[] = [];
      TestBed.configureTestingModule({
        providers: [
          provideTracker(
            { sinks: [recording], storage: 'none' },
            withErrorTracking({ delegate: { handleError: (e: unknown) => void delegated.push(e) } }),
          ),
        ],
      });
      const error = new TypeError('boom');
      TestBed.inject(ErrorHandler).handleError(error);
      expect(delegated).to.deep.equal([error]);
      const events = recording.events.filter((e) => e.event?.schema === APPLICATION_ERROR);
      expect(events).to.have.length(1);
      expect(events[0]!.event!.data).to.include({ message: 'boom', exceptionName: 'TypeError', programmingLanguage: 'JAVASCRIPT' });
      expect(String(events[0]!.event!.data['stackTrace'])).to.contain('boom');
    });

    it('catches an error thrown in a template listener; the default delegate logs it as Angular does', async () => {
      const recording = new RecordingSink();
      const Thrower = Component({ selector: 'rx-thrower', template: '<button (click)="fail()">fail</button>' })(
        class Thrower {
          fail(): void {
            throw new RangeError('clicked');
          }
        },
      );
      TestBed.configureTestingModule({
        rethrowApplicationErrors: false,
        providers: [provideTracker({ sinks: [recording], storage: 'none' }, withErrorTracking())],
      });
      const logged: unknown[][] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => void logged.push(args);
      try {
        const fixture = TestBed.createComponent(Thrower);
        await fixture.whenStable();
        (fixture.nativeElement as HTMLElement).querySelector('button')!.click();
      } finally {
        console.error = original;
      }
      const events = recording.events.filter((e) => e.event?.schema === APPLICATION_ERROR);
      expect(events.map((e) => e.event!.data['message'])).to.deep.equal(['clicked']);
      expect(logged).to.have.length(1);
      expect(logged[0]![0]).to.equal('ERROR');
      expect((logged[0]![1] as Error).message).to.equal('clicked');
    });

    it('never throws into the app when tracking fails, and honours filter', () => {
      const delegated: unknown[] = [];
      const recording = new RecordingSink();
      TestBed.configureTestingModule({
        providers: [
          provideTracker(
            { sinks: [recording], storage: 'none' },
            withErrorTracking({
              filter: (e) => !(e instanceof SyntaxError),
              delegate: { handleError: (e: unknown) => void delegated.push(e) },
            }),
          ),
        ],
      });
      const handler = TestBed.inject(ErrorHandler);
      const cyclic: Record<string, unknown> = {};
      cyclic['self'] = cyclic;
      handler.handleError(new SyntaxError('ignored'));
      handler.handleError(cyclic); // no message: described with Object.prototype.toString
      handler.handleError('a string');
      expect(delegated).to.have.length(3);
      expect(recording.events.filter((e) => e.event?.schema === APPLICATION_ERROR).map((e) => e.event!.data['message'])).to.deep.equal([
        '[object Object]',
        'a string',
      ]);
    });
  });

  it("docs/angular.md's testing recipe: the testing collector's fetch, memory storage, no batching delay", async () => {
    const collector = createTestingCollector();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: '**', children: [] }]),
        provideLocationMocks(),
        provideTracker(
          {
            endpoint: collector.url,
            storage: 'none',
            outbox: { storage: 'memory' },
            emitter: { fetch: collector.fetch, flushIntervalMs: 0 },
          },
          withRouterPageViews(),
        ),
      ],
    });
    await TestBed.inject(Router).navigateByUrl('/checkout');
    const [view] = await collector.waitForEvents({ predicate: (e) => e.eventType === 'pv' });
    expect(new URL(view!.fields['url']!).pathname).to.equal('/checkout');
    TestBed.resetTestingModule();
  });

  it('the tracker is one per application and is shut down (after a flush) when the application is destroyed', async () => {
    const recording = new RecordingSink();
    let shutdowns = 0;
    const shutdown = recording.shutdown.bind(recording);
    recording.shutdown = () => (shutdowns++, shutdown());
    TestBed.configureTestingModule({ providers: [provideTracker({ sinks: [recording], storage: 'none' })] });
    expect(TestBed.inject(TRACKER)).to.equal(TestBed.inject(TRACKER));
    TestBed.inject(TRACKER).track(structEvent({ category: 'destroy', action: 'before' }));
    TestBed.resetTestingModule();
    await until(() => shutdowns === 1, 'the shutdown');
    expect(recording.events.map((e) => e.fields['se_ac'])).to.deep.equal(['before']);
  });
});
