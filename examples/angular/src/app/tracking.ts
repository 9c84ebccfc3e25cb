// Everything the example does with rxplow: the tracker (router page views, error tracking) and one event. The
// size benchmark builds the same app with tracking.none.ts instead (bench/angular-size.mjs).
import type { EnvironmentProviders } from '@angular/core';
import { injectTracker, provideTracker, withErrorTracking, withRouterPageViews } from 'rxplow/angular';
import { structEvent } from 'rxplow/events';
import { activityTracking } from 'rxplow/browser';

export function trackingProviders(endpoint: () => string): EnvironmentProviders[] {
  return [
    provideTracker(
      () => ({
        endpoint: endpoint(),
        appId: 'angular-example',
        // Page pings: timers that run for as long as the page is open (outside the Angular zone, as every rxplow timer).
        plugins: [activityTracking({ minimumVisitLength: 30, heartbeatDelay: 10 })],
      }),
      withRouterPageViews(),
      withErrorTracking(),
    ),
  ];
}

/** Tracks "add to cart" for a product; call it in an injection context (a field initializer). */
export function injectAddToCart(): (sku: string) => void {
  const tracker = injectTracker();
  return (sku) => void tracker.track(structEvent({ category: 'shop', action: 'add-to-cart', label: sku }));
}
