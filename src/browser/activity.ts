import { exhaustMap, filter, fromEvent, map, merge, switchMap, takeUntil, tap, timer, type Observable } from 'rxjs';
import { diagnostic } from '../diagnostics.js';
import { InvalidOptionsError } from '../errors.js';
import { pagePing } from '../events/web.js';
import { pageHidden, scrollOffsets } from './page.js';
import type { BrowserPlugin, PageViewRecord } from './tracker.js';

/** Options of {@link activityTracking}, in seconds as in Snowplow's `enableActivityTracking`. */
export interface ActivityTrackingOptions {
  /** The first ping comes this long after the page view, if the user was active in that time (seconds, integer ≥ 0). @default 30 */
  readonly minimumVisitLength?: number | undefined;
  /** Then one ping at the end of each such period in which the user was active (seconds, integer ≥ 1). @default 10 */
  readonly heartbeatDelay?: number | undefined;
}

/** DOM events that count as activity (Snowplow's list, plus `wheel`). */
const DOCUMENT_EVENTS = ['click', 'mouseup', 'mousedown', 'mousemove', 'keypress', 'keydown', 'keyup', 'touchend', 'touchstart', 'wheel'];
const WINDOW_EVENTS = ['resize', 'focus', 'blur'];
const LISTEN = { passive: true, capture: true } as const;

/**
 * Page pings (`pagePing` events with the scroll range seen) while the user is active, with Snowplow's semantics: after
 * a page view, a first ping at `minimumVisitLength` if there was activity (mouse, keys, touch, scroll, focus,
 * resize) since the page view, then one ping at each `heartbeatDelay` boundary after it whose period had activity.
 * The offsets are the minimum and maximum scroll positions since the previous ping (or the page view).
 *
 * Built from `fromEvent` streams: a timer runs only from the first activity of a period to that period's end, on the
 * tracker's scheduler; an idle page has no timer, and a hidden page neither (a period that ends while the page is
 * hidden sends no ping, and activity while hidden is ignored). Restarted by every page view.
 *
 * @example
 * createBrowserTracker({ endpoint, plugins: [activityTracking({ minimumVisitLength: 10, heartbeatDelay: 10 })] });
 * @throws {InvalidOptionsError} for a value that is not a whole number of seconds (≥ 0, ≥ 1 for `heartbeatDelay`).
 */
export function activityTracking(options: ActivityTrackingOptions = {}): BrowserPlugin {
  const minimumMs = seconds(options.minimumVisitLength, 30, 0, 'minimumVisitLength');
  const heartbeatMs = seconds(options.heartbeatDelay, 10, 1, 'heartbeatDelay');
  return (tracker) => {
    const scheduler = tracker.scheduler;
    const offsets = { minX: 0, maxX: 0, minY: 0, maxY: 0 };
    const resetOffsets = (): void => {
      const [x, y] = scrollOffsets();
      Object.assign(offsets, { minX: x, maxX: x, minY: y, maxY: y });
    };
    const visible = (): boolean => !pageHidden();
    const on = (target: EventTarget, names: readonly string[]): Observable<unknown> =>
      merge(...names.map((name) => fromEvent(target, name, LISTEN)));
    const scrolls = fromEvent(window, 'scroll', LISTEN).pipe(
      filter(visible),
      tap(() => {
        const [x, y] = scrollOffsets();
        offsets.minX = Math.min(offsets.minX, x);
        offsets.maxX = Math.max(offsets.maxX, x);
        offsets.minY = Math.min(offsets.minY, y);
        offsets.maxY = Math.max(offsets.maxY, y);
      }),
    );
    const activity = merge(on(document, DOCUMENT_EVENTS), on(window, WINDOW_EVENTS)).pipe(filter(visible));
    const hidden = fromEvent(document, 'visibilitychange').pipe(filter(pageHidden));
    /** The end of the period `at` falls in: `start + minimum`, then every `heartbeat` after it. */
    const periodEnd = (start: number, at: number): number => {
      const first = start + minimumMs;
      return at < first ? first : first + (Math.floor((at - first) / heartbeatMs) + 1) * heartbeatMs;
    };
    const pings = (view: PageViewRecord): Observable<PageViewRecord> => {
      resetOffsets();
      return merge(activity, scrolls).pipe(
        // The first activity of a period starts the timer to its end; more activity in that period adds nothing.
        exhaustMap(() => {
          const now = scheduler.now();
          return timer(periodEnd(view.timestamp, now) - now, scheduler).pipe(takeUntil(hidden));
        }),
        map(() => view),
      );
    };
    return tracker.pageViews.pipe(switchMap(pings)).subscribe((view) => {
      tracker.input.next(
        pagePing({
          pageUrl: location.href,
          pageTitle: document.title || undefined,
          referrer: view.referrer,
          minXOffset: offsets.minX,
          maxXOffset: offsets.maxX,
          minYOffset: offsets.minY,
          maxYOffset: offsets.maxY,
        }),
      );
      resetOffsets();
    });
  };
}

function seconds(value: number | undefined, fallback: number, min: number, name: string): number {
  if (value === undefined) return fallback * 1000;
  if (!Number.isInteger(value) || value < min || value > 2_147_483) throw new InvalidOptionsError(name, diagnostic(503, min, value));
  return value * 1000;
}
