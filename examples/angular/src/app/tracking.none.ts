// The example without rxplow (for the size benchmark): same exports, no tracking.
import type { EnvironmentProviders } from '@angular/core';

export function trackingProviders(_endpoint: () => string): EnvironmentProviders[] {
  return [];
}

export function injectAddToCart(): (sku: string) => void {
  return () => undefined;
}
