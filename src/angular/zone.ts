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
import { composeBrowserTracker } from '../browser/compose.js';
import type { BrowserTrackerOptions } from '../browser/options.js';
import type { BrowserTracker } from '../browser/tracker.js';

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

/**
 * Creates the tracker of an Angular app: `createBrowserTracker(options)` composed on a scheduler that creates every
 * timer outside the Angular zone and, with zone.js, with every call that may start work (the composition itself,
 * `track`, a page view, a flush, a plugin's listeners, `input`, views) entering the tracker outside the zone: a click
 * handler tracks in the zone, the request a full batch starts does not. No tracker subclass: these are the
 * composition's own seams (the scheduler, the entry).
 */
export function createZoneSafeTracker(options: BrowserTrackerOptions, zone: NgZone): BrowserTracker {
  const scheduler = outsideAngularScheduler(zone, options.scheduler);
  if (!isRealZone(zone)) return composeBrowserTracker({ ...options, scheduler }, {});
  return composeBrowserTracker({ ...options, scheduler }, { entry: (work) => zone.runOutsideAngular(work) });
}
