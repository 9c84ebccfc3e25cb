// Consent signals Snowplow's browser tracker honours when configured: the browser's Do Not Track setting and an
// opt-out cookie. While one says no, events are `dropped` (reason `filtered`) and no id is stored.
import * as c from '../payload/checks.js';
import type { FilteredEvent } from '../tracker/options.js';
import { cookieValues } from './cookies.js';

/** Options of {@link consentSignals} (Snowplow's `respectDoNotTrack` and `setOptOutCookie`). Every field has a default. */
export interface ConsentSignalOptions {
  /** Track nothing while the browser sends Do Not Track (`navigator.doNotTrack` `'1'` or `'yes'`). @default false */
  readonly respectDoNotTrack?: boolean | undefined;
  /** Track nothing while a cookie of this name is set (to any value), read at every event. Default: none. */
  readonly optOutCookie?: string | undefined;
}

/** Whether the browser sends Do Not Track (its current and legacy spellings). */
function doNotTrack(): boolean {
  const n = navigator as Navigator & { msDoNotTrack?: string };
  const value = n.doNotTrack ?? n.msDoNotTrack ?? (window as Window & { doNotTrack?: string }).doNotTrack;
  return value === '1' || value === 'yes';
}

const CHECKS: c.Checks<ConsentSignalOptions> = {
  respectDoNotTrack: c.optional(c.boolean),
  optOutCookie: c.optional(c.matching(/^[\w.-]+$/, 121)),
};

/**
 * Consent signals for the tracker's `consent` option: while one says no, every event is `dropped` (reason
 * `filtered`) and the stored ids are deleted, as Snowplow's tracker does.
 *
 * @example
 * createBrowserTracker({ endpoint, consent: consentSignals({ respectDoNotTrack: true, optOutCookie: 'no_tracking' }) });
 * @throws {InvalidOptionsError} for an option it cannot use.
 */
export function consentSignals(options: ConsentSignalOptions): () => boolean {
  const o = c.checkOptions(CHECKS, { respectDoNotTrack: options.respectDoNotTrack, optOutCookie: options.optOutCookie });
  const dnt = o.respectDoNotTrack === true;
  const cookie = o.optOutCookie;
  return () => (dnt && doNotTrack()) || (!!cookie && cookieValues(cookie).length > 0);
}

/** The tracker's event filter with the consent check before it (a blocked event never reaches `filter`). */
export function withConsent(
  filter: ((event: FilteredEvent) => boolean) | undefined,
  blocked: (() => boolean) | undefined,
): ((event: FilteredEvent) => boolean) | undefined {
  if (!blocked || (filter !== undefined && typeof filter !== 'function')) return filter; // a bad filter: the tracker says so
  return (event) => !blocked() && (filter === undefined || filter(event));
}
