// Zoneless change detection: Angular 21's default, nothing to provide. The e2e-zone build replaces this file with
// change-detection.zone.ts (zone.js loaded as a polyfill) to run the same app on zone.js.
import type { EnvironmentProviders, Provider } from '@angular/core';

export const changeDetectionProviders: (Provider | EnvironmentProviders)[] = [];
