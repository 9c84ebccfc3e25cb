import { DOCUMENT, inject, provideBrowserGlobalErrorListeners, type ApplicationConfig } from '@angular/core';
import { provideClientHydration, withEventReplay } from '@angular/platform-browser';
import { provideRouter } from '@angular/router';
import { routes } from './app.routes';
import { changeDetectionProviders } from './change-detection';
import { trackingProviders } from './tracking';

/** The collector: from the page (the example's server writes it), else a local `rxplow collector`. */
export function collectorEndpoint(): string {
  return inject(DOCUMENT).querySelector('meta[name="rxplow-collector"]')?.getAttribute('content') ?? 'http://127.0.0.1:9090';
}

// Zoneless, as `ng new` makes an Angular 21 app (changeDetectionProviders is empty but in the e2e-zone build).
export const appConfig: ApplicationConfig = {
  providers: [
    ...changeDetectionProviders,
    provideBrowserGlobalErrorListeners(),
    provideRouter(routes),
    provideClientHydration(withEventReplay()),
    ...trackingProviders(collectorEndpoint),
  ],
};
