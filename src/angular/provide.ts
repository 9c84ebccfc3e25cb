// provideTracker: one tracker per Angular application, created outside the Angular zone, shut down with the app.
import { isPlatformServer } from '@angular/common';
import {
  DestroyRef,
  InjectionToken,
  NgZone,
  PLATFORM_ID,
  inject,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
  type EnvironmentProviders,
  type Provider,
} from '@angular/core';
import { NEVER, type SchedulerLike } from 'rxjs';
import type { BrowserTrackerOptions } from '../browser/options.js';
import type { BrowserTracker } from '../browser/tracker.js';
import { DeferredSink } from '../browser/deferred-sink.js';
import type { Emitter } from '../emitter/emitter.js';
import { resolveEmitterOptions } from '../emitter/option-checks.js';
import type { EmitterOptions } from '../emitter/options.js';
import type { Sink } from '../emitter/sink.js';
import { createZoneSafeTracker } from './zone.js';

/** Server-side tracking (SSR, prerendering): events tracked while rendering go to `endpoint` through Node's fetch. */
export interface ServerTracking {
  /** The collector: a host or an http(s) URL. Required. */
  readonly endpoint: string;
  /** Options of the server's emitter (batching, retries, `fetch`, …). Default: the Emitter's defaults. */
  readonly emitter?: EmitterOptions | undefined;
}

/** The configuration of {@link provideTracker}: `createBrowserTracker`'s options, and what to do on the server. */
export interface TrackerConfig extends BrowserTrackerOptions {
  /**
   * What the tracker does on the server platform (SSR, prerendering). `'noop'`: nothing (it is `createBrowserTracker`'s
   * inactive tracker: `track()` checks events and sends nothing, page views and plugins do nothing). A
   * {@link ServerTracking}: events tracked while rendering (`track()`, `withErrorTracking`) are sent with platform
   * `srv` through Node's fetch; page views are never tracked on the server (the browser tracks them once it runs). In
   * both cases nothing delays rendering: the provider starts no timer in the zone and adds no pending task.
   * @default 'noop'
   */
  readonly server?: 'noop' | ServerTracking | undefined;
  /**
   * When the application is destroyed (`ApplicationRef.destroy()`, the end of a server render), the tracker flushes
   * and shuts down; what is still undelivered after this long is aborted (in a browser the outbox keeps it for the
   * next load). @default 10_000
   */
  readonly shutdownTimeoutMs?: number | undefined;
}

/** The application's tracker, provided by {@link provideTracker}: `inject(TRACKER)` or {@link injectTracker}. */
export const TRACKER = new InjectionToken<BrowserTracker>('rxplow TRACKER');

/** A feature of {@link provideTracker}: {@link withRouterPageViews}, {@link withErrorTracking}. */
export interface TrackerFeature<Kind extends TrackerFeatureKind = TrackerFeatureKind> {
  readonly kind: Kind;
  readonly providers: readonly (Provider | EnvironmentProviders)[];
}

/** The kinds of {@link TrackerFeature}. */
export type TrackerFeatureKind = 'routerPageViews' | 'errorTracking';

/**
 * The tracker of an Angular application (`bootstrapApplication` / `ApplicationConfig`): `createBrowserTracker(config)`
 * in the browser, created when the application starts, its every timer, listener and request outside the Angular
 * zone; on the server, a tracker that does nothing (or sends through Node's fetch, see `server`). Shut down (after a
 * flush) when the application is destroyed. Inject it with {@link injectTracker} or `inject(TRACKER)`.
 *
 * @param config the tracker's options, or a function returning them, called in an injection context (to read
 *   configuration from other providers).
 * @param features `withRouterPageViews()`, `withErrorTracking()`.
 * @example
 * bootstrapApplication(App, {
 *   providers: [provideRouter(routes), provideTracker({ endpoint: 'https://collector.example.com', appId: 'shop' }, withRouterPageViews())],
 * });
 */
export function provideTracker(
  config: TrackerConfig | (() => TrackerConfig),
  ...features: readonly TrackerFeature[]
): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: TRACKER, useFactory: () => createAppTracker(typeof config === 'function' ? config() : config) },
    // Created when the application starts, so that its plugins run and its outbox replays what an earlier load left.
    provideEnvironmentInitializer(() => void inject(TRACKER)),
    ...features.flatMap((feature) => feature.providers),
  ]);
}

/** The application's tracker (`inject(TRACKER)`); call it in an injection context (a field initializer, a constructor). */
export function injectTracker(): BrowserTracker {
  return inject(TRACKER);
}

function createAppTracker(config: TrackerConfig): BrowserTracker {
  const { server = 'noop', shutdownTimeoutMs = 10_000, ...options } = config;
  const zone = inject(NgZone);
  const onServer = isPlatformServer(inject(PLATFORM_ID));
  const tracking = onServer && server !== 'noop' ? server : undefined;
  const tracker = createZoneSafeTracker(onServer ? serverOptions(options, tracking !== undefined) : options, zone);
  // Added after construction: createBrowserTracker connects no sink of its own where there is no `window`.
  if (tracking) tracker.addEmitter(serverEmitter(tracking, tracker.scheduler));
  inject(DestroyRef).onDestroy(() => void zone.runOutsideAngular(() => tracker.shutdown({ timeoutMs: shutdownTimeoutMs })));
  return tracker;
}

/**
 * The server's emitter, loaded on demand (`import()`), so that an app's browser bundle does not carry the emitter's
 * delivery in its first load (the browser's own is the outbox, loaded on demand too). Its options are checked at
 * once; what is tracked before it arrives waits for it, in order.
 * @throws {InvalidOptionsError} for an unusable endpoint or emitter option.
 */
function serverEmitter(tracking: ServerTracking, scheduler: SchedulerLike): DeferredSink<Emitter> {
  const options: EmitterOptions = { scheduler, ...tracking.emitter };
  const { name, timeoutMs } = resolveEmitterOptions(tracking.endpoint, options);
  return new DeferredSink({
    name,
    scheduler: options.scheduler ?? scheduler,
    waitMs: timeoutMs,
    load: () =>
      import('../emitter/emitter.js').then(
        ({ Emitter }) =>
          () =>
            new Emitter(tracking.endpoint, options),
      ),
  });
}

/**
 * The server's tracker: decided by the platform, not by globals (a server that defines `window` still gets no
 * collector endpoint, outbox, storage or plugin of the browser's).
 */
function serverOptions(options: BrowserTrackerOptions, tracking: boolean): BrowserTrackerOptions {
  return {
    ...options,
    endpoint: undefined,
    outbox: undefined,
    sinks: [noopSink()],
    plugins: [],
    storage: 'none',
    subject: { ...(tracking ? { platform: 'srv' as const } : {}), ...options.subject },
    // Page views are the browser's (it tracks the page once it runs), even where a server defines `window`.
    filter: (event) => event.kind !== 'pageView' && (options.filter === undefined || options.filter(event)),
  };
}

/** A sink that drops what it is handed without a word: the server's, where it does not track. */
function noopSink(): Sink {
  return {
    name: 'server-noop',
    outcomes: NEVER,
    connect: (admissions) => admissions.subscribe(() => undefined),
    flush: () => Promise.resolve(),
    shutdown: () => Promise.resolve({ sent: 0, failed: 0, dropped: 0, abandoned: 0 }),
  };
}

/** Makes a {@link TrackerFeature}. */
export const feature = <Kind extends TrackerFeatureKind>(
  kind: Kind,
  providers: readonly (Provider | EnvironmentProviders)[],
): TrackerFeature<Kind> => ({
  kind,
  providers,
});

/** `true` on the server platform. */
export const onServerPlatform = (): boolean => isPlatformServer(inject(PLATFORM_ID));
