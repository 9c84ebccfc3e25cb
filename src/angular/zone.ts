// Zone safety. With zone.js, every timer, listener and request a tracker starts must run outside the Angular zone,
// or it keeps the app unstable (hydration waits and logs NG0506, SSR waits, e2e tests hang) and triggers change
// detection each time it fires. In a zoneless app (Angular 21's default) NgZone is a no-op and nothing here costs.
import { NgZone, inject } from '@angular/core';
import {
  asyncScheduler,
  Observable,
  type MonoTypeOperatorFunction,
  type SchedulerAction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { BrowserTracker, type BrowserTrackerOptions } from '../browser/tracker.js';
import type { DeliveryReport, ShutdownOptions } from '../emitter/outcome.js';
import type { TrackerEvent } from '../events/registry.js';
import type { PageViewFields } from '../events/web.js';
import type { TrackerScope, TrackerView, TrackRequest } from '../tracker/core.js';
import type { TrackOptions } from '../tracker/options.js';

/** `true` for a zone.js NgZone; `false` for the no-op zone of a zoneless app. */
export const isRealZone = (zone: NgZone): boolean => zone instanceof NgZone;

/**
 * A scheduler whose every timer is created outside the Angular zone (`zone.runOutsideAngular`), so that rxplow's
 * batch timer, request timeouts, retry backoffs and page pings never keep a zone.js app unstable nor trigger change
 * detection. `provideTracker` passes one to the tracker; use it for a tracker of your own. In a zoneless app it is
 * `scheduler` itself.
 *
 * @param zone the app's NgZone (`inject(NgZone)`).
 * @param scheduler the scheduler to wrap. @default asyncScheduler
 */
export function outsideAngularScheduler(zone: NgZone, scheduler: SchedulerLike = asyncScheduler): SchedulerLike {
  if (!isRealZone(zone)) return scheduler;
  return {
    now: () => scheduler.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
      return zone.runOutsideAngular(() => scheduler.schedule(work, delay, state));
    },
  };
}

/**
 * Delivers a source's notifications inside the Angular zone, for a subscriber that updates a zone.js app's view
 * (`tracker.outcomes.pipe(enterZone())`). rxplow's streams emit outside the zone on purpose: only the subscribers
 * that ask pay for change detection. A zoneless app does not need it (signals and `markForCheck` schedule change
 * detection themselves). Without `zone`, it is injected: call it in an injection context then.
 */
export function enterZone<T>(zone: NgZone = inject(NgZone)): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) =>
      source.subscribe({
        next: (value) => zone.run(() => subscriber.next(value)),
        error: (error: unknown) => zone.run(() => subscriber.error(error)),
        complete: () => zone.run(() => subscriber.complete()),
      }),
    );
}

type Outside = <R>(work: () => R) => R;

/**
 * The BrowserTracker of a zone.js app: every call that may start work (a request for a full batch, a flush, DOM
 * listeners of a plugin or a page view) runs outside the Angular zone, wherever it is called from (a click handler
 * runs in the zone). Created outside the zone, so the listeners and storage work of its constructor are too.
 */
class ZoneSafeBrowserTracker extends BrowserTracker {
  // A plain field (not #private): BrowserTracker's constructor may call the overrides (plugins) before it is set.
  private readonly outside: Outside | undefined;

  constructor(options: BrowserTrackerOptions, outside: Outside) {
    super(options);
    this.outside = outside;
    const input = this.input;
    (this as { input: BrowserTracker['input'] }).input = {
      next: (item: TrackerEvent | TrackRequest) => outsideOf(this, () => input.next(item)),
      error: () => undefined,
      complete: () => undefined,
    };
  }

  override track(event: TrackerEvent, options?: TrackOptions): this {
    return outsideOf(this, () => super.track(event, options));
  }

  override trackPageView(fields?: Partial<PageViewFields>, options?: TrackOptions): this {
    return outsideOf(this, () => super.trackPageView(fields, options));
  }

  override with(scope: TrackerScope): TrackerView {
    return zoneSafeView(super.with(scope), (work) => outsideOf(this, work));
  }

  override flush(): Promise<void> {
    return outsideOf(this, () => super.flush());
  }

  override shutdown(options?: ShutdownOptions): Promise<DeliveryReport> {
    return outsideOf(this, () => super.shutdown(options));
  }

  override use(plugin: Parameters<BrowserTracker['use']>[0]): Subscription {
    return outsideOf(this, () => super.use(plugin));
  }
}

/**
 * Runs `work` outside the zone of `tracker`. Not a #private method: BrowserTracker's constructor calls the overrides
 * (plugins through `use`, `shutdown` when a plugin fails) before this class's own private members exist.
 */
function outsideOf<R>(tracker: ZoneSafeBrowserTracker, work: () => R): R {
  const outside = (tracker as unknown as { outside: Outside | undefined }).outside;
  return outside === undefined ? work() : outside(work);
}

function zoneSafeView(view: TrackerView, run: Outside): TrackerView {
  const safe: TrackerView = {
    track(event, options) {
      run(() => view.track(event, options));
      return this;
    },
    with: (scope) => zoneSafeView(view.with(scope), run),
  };
  return safe;
}

/**
 * Creates the tracker of an Angular app: `createBrowserTracker(options)` outside the zone, on a scheduler that
 * creates every timer outside it, and (with zone.js) with every call moved out of the zone.
 */
export function createZoneSafeTracker(options: BrowserTrackerOptions, zone: NgZone): BrowserTracker {
  const scheduler = outsideAngularScheduler(zone, options.scheduler);
  if (!isRealZone(zone)) return new BrowserTracker({ ...options, scheduler });
  const outside: Outside = (work) => zone.runOutsideAngular(work);
  return outside(() => new ZoneSafeBrowserTracker({ ...options, scheduler }, outside));
}
