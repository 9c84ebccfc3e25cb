// The same app on zone.js (the e2e-zone build: zone.js in polyfills).
import { provideZoneChangeDetection, type EnvironmentProviders, type Provider } from '@angular/core';

export const changeDetectionProviders: (Provider | EnvironmentProviders)[] = [provideZoneChangeDetection({ eventCoalescing: true })];
