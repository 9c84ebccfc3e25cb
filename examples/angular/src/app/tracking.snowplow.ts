// The example with Snowplow's browser tracker instead of rxplow (for the size benchmark, issue 20): the same
// features as tracking.ts, done as a Snowplow user would in Angular: a tracker created in the browser only, a page
// view on each NavigationEnd, page pings, errors that reach Angular's ErrorHandler tracked with the error-tracking
// plugin, and the same structured event. bench/angular-size.mjs builds it as the `with-snowplow` configuration.
import { isPlatformBrowser } from '@angular/common';
import {
  ErrorHandler,
  inject,
  makeEnvironmentProviders,
  PLATFORM_ID,
  provideEnvironmentInitializer,
  type EnvironmentProviders,
} from '@angular/core';
import { NavigationEnd, Router } from '@angular/router';
import { enableActivityTracking, newTracker, trackPageView, trackStructEvent } from '@snowplow/browser-tracker';
import { ErrorTrackingPlugin, trackError } from '@snowplow/browser-plugin-error-tracking';

class SnowplowErrorHandler extends ErrorHandler {
  override handleError(error: unknown): void {
    super.handleError(error);
    if (typeof window === 'undefined') return;
    trackError({ message: error instanceof Error ? error.message : String(error), error: error instanceof Error ? error : undefined });
  }
}

export function trackingProviders(endpoint: () => string): EnvironmentProviders[] {
  return [
    makeEnvironmentProviders([{ provide: ErrorHandler, useClass: SnowplowErrorHandler }]),
    provideEnvironmentInitializer(() => {
      if (!isPlatformBrowser(inject(PLATFORM_ID))) return;
      const router = inject(Router);
      newTracker('sp', endpoint(), { appId: 'angular-example', plugins: [ErrorTrackingPlugin()] });
      enableActivityTracking({ minimumVisitLength: 30, heartbeatDelay: 10 });
      router.events.subscribe((event) => {
        if (event instanceof NavigationEnd) trackPageView();
      });
    }),
  ];
}

/** Tracks "add to cart" for a product. */
export function injectAddToCart(): (sku: string) => void {
  return (sku) => trackStructEvent({ category: 'shop', action: 'add-to-cart', label: sku });
}
