// withRouterPageViews: one page view per navigation of the Angular router, the first load included.
import { Location } from '@angular/common';
import { DOCUMENT, DestroyRef, NgZone, inject, provideEnvironmentInitializer } from '@angular/core';
import { NavigationEnd, Router, type ActivatedRouteSnapshot, type RouterStateSnapshot } from '@angular/router';
import { InvalidOptionsError } from '../errors.js';
import type { PageViewFields } from '../events/web.js';
import { feature, onServerPlatform, TRACKER, type TrackerFeature } from './provide.js';

/** What changed from the previous navigation's URL: the first navigation of the app is `'first'`. */
export type NavigationChange = 'first' | 'path' | 'query' | 'fragment' | 'none';

/** A navigation about to be tracked as a page view, given to the `pageView` hook of {@link withRouterPageViews}. */
export interface TrackedNavigation {
  /** The router's navigation id (`NavigationEnd.id`). */
  readonly id: number;
  /** The router URL after redirects (`/products/42?tab=specs#top`). */
  readonly url: string;
  /** The previous navigation's router URL; `undefined` for the first one. */
  readonly previousUrl: string | undefined;
  /** What changed from `previousUrl`. */
  readonly change: NavigationChange;
  /** The deepest activated route: its `routeConfig.path` (`products/:id`), `params`, `data`, `title`. */
  readonly route: ActivatedRouteSnapshot;
  /** The whole router state. */
  readonly state: RouterStateSnapshot;
  /** The page view's fields as they will be sent: `pageUrl` (absolute) and `pageTitle` (the document's title). */
  readonly fields: Readonly<Pick<PageViewFields, 'pageUrl'>> & Readonly<Partial<Pick<PageViewFields, 'pageTitle'>>>;
}

/** Options of {@link withRouterPageViews}. */
export interface RouterPageViewOptions {
  /**
   * Whether a navigation that changes only the query string (`/search?q=a` → `/search?q=b`) is a new page view.
   * @default true
   */
  readonly queryChanges?: boolean | undefined;
  /** Whether a navigation that changes only the fragment (`/docs#a` → `/docs#b`) is a new page view. @default false */
  readonly fragmentChanges?: boolean | undefined;
  /**
   * Called for each navigation that counts, before its page view is tracked: return `false` to skip it, or fields to
   * send instead of the defaults (rename a route: `{ pageUrl: … }`, `{ pageTitle: … }`, or a `referrer`). Default: every
   * counted navigation is tracked with its URL and title.
   */
  readonly pageView?: ((navigation: TrackedNavigation) => Partial<PageViewFields> | false | undefined | void) | undefined;
}

/**
 * Router page views: exactly one page view per `NavigationEnd` (the first load included; a navigation to the URL
 * it is already on counts as none), with the resolved URL (after redirects, with the app's base href or hash),
 * the title set by the router's `TitleStrategy`, and the previous page view's URL as referrer. Each page view gets
 * a new `web_page` id. Needs `provideRouter`. On the server it does nothing (the browser tracks the page once it runs).
 *
 * @example
 * provideTracker({ endpoint: 'https://collector.example.com' }, withRouterPageViews({ pageView: ({ route }) => route.data['track'] !== false && undefined }))
 */
export function withRouterPageViews(options: RouterPageViewOptions = {}): TrackerFeature<'routerPageViews'> {
  const queryChanges = options.queryChanges ?? true;
  const fragmentChanges = options.fragmentChanges ?? false;
  const hook = options.pageView;
  if (hook !== undefined && typeof hook !== 'function') throw new InvalidOptionsError('pageView', 'expected a function');
  return feature('routerPageViews', [
    provideEnvironmentInitializer(() => {
      if (onServerPlatform()) return;
      const router = inject(Router, { optional: true });
      if (router === null)
        throw new InvalidOptionsError('withRouterPageViews', 'needs the router: add provideRouter(routes) to the providers');
      const tracker = inject(TRACKER);
      const zone = inject(NgZone);
      const location = inject(Location);
      const document = inject(DOCUMENT);
      let previousUrl: string | undefined;
      let lastId = -1;
      const onEnd = (end: NavigationEnd): void => {
        if (end.id <= lastId) return; // each navigation once
        lastId = end.id;
        const url = end.urlAfterRedirects;
        const change = compare(previousUrl, url);
        const before = previousUrl;
        previousUrl = url;
        if (change === 'none' || (change === 'query' && !queryChanges) || (change === 'fragment' && !fragmentChanges)) return;
        const state = router.routerState.snapshot;
        // The router sets the title (TitleStrategy) right after NavigationEnd, in the same task: read it then.
        zone.runOutsideAngular(() =>
          queueMicrotask(() => {
            const pageUrl = new URL(location.prepareExternalUrl(url), document.location.href).href;
            const fields = { pageUrl, pageTitle: document.title || undefined };
            const chosen = hook?.({ id: end.id, url, previousUrl: before, change, route: deepest(state.root), state, fields });
            if (chosen === false) return;
            tracker.trackPageView({ ...fields, ...(chosen || {}) });
          }),
        );
      };
      // A navigation that ended before this ran (none should: environment initializers run first) still counts.
      const last = router.lastSuccessfulNavigation;
      const current = typeof last === 'function' ? (last as () => unknown)() : last;
      if (router.navigated && isNavigation(current))
        onEnd(
          new NavigationEnd(
            current.id,
            router.serializeUrl(current.extractedUrl),
            router.serializeUrl(current.finalUrl ?? current.extractedUrl),
          ),
        );
      const subscription = router.events.subscribe((event) => {
        if (event instanceof NavigationEnd) onEnd(event);
      });
      inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
    }),
  ]);
}

interface NavigationLike {
  readonly id: number;
  readonly extractedUrl: Parameters<Router['serializeUrl']>[0];
  readonly finalUrl?: Parameters<Router['serializeUrl']>[0] | undefined;
}

const isNavigation = (value: unknown): value is NavigationLike =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { id?: unknown }).id === 'number' &&
  typeof (value as { extractedUrl?: unknown }).extractedUrl === 'object';

function deepest(route: ActivatedRouteSnapshot): ActivatedRouteSnapshot {
  let current = route;
  while (current.firstChild) current = current.firstChild;
  return current;
}

/** Splits a router URL into path, query and fragment. */
function parts(url: string): [string, string, string] {
  const hash = url.indexOf('#');
  const fragment = hash < 0 ? '' : url.slice(hash);
  const rest = hash < 0 ? url : url.slice(0, hash);
  const question = rest.indexOf('?');
  return question < 0 ? [rest, '', fragment] : [rest.slice(0, question), rest.slice(question), fragment];
}

function compare(previous: string | undefined, url: string): NavigationChange {
  if (previous === undefined) return 'first';
  const [path, query, fragment] = parts(url);
  const [pPath, pQuery, pFragment] = parts(previous);
  if (path !== pPath) return 'path';
  if (query !== pQuery) return 'query';
  return fragment !== pFragment ? 'fragment' : 'none';
}
