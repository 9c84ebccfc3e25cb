// The options of createBrowserTracker: their types, documentation and checks.
import type { IdInheritance } from './id-state.js';
import type { SchedulerLike, TeardownLogic } from 'rxjs';
import type { EmitterOptions } from '../emitter/options.js';
import type { Sink } from '../emitter/sink.js';
import * as c from '../payload/checks.js';
import type { GlobalContext } from '../tracker/global-contexts.js';
import type { TrackerOptions } from '../tracker/options.js';
import type { SubjectFields } from '../tracker/subject-fields.js';
import type { AnonymousMode, CookieOptions, StorageKind } from './identity.js';
import type { BrowserOutboxOptions } from './outbox/options.js';
import type { BrowserTracker } from './tracker.js';

/** Anonymous tracking: what is left out. See docs/browser.md, "Privacy modes". */
export interface AnonymousTracking {
  /** `'full'`: no `duid`, `sid`, `vid`, `uid` and no `client_session`; `'session'`: session ids only, kept in memory. */
  readonly mode: AnonymousMode;
  /** Also send `SP-Anonymous: *`, so the collector records no IP address and sets no network-user-id cookie. @default false */
  readonly serverAnonymisation?: boolean | undefined;
}

/**
 * An optional module (`activityTracking()`, `linkClickTracking()`, …): started with the tracker, given the tracker,
 * and returning what stops it (a Subscription, a function). The tracker's `shutdown()` stops it.
 */
export type BrowserPlugin = (tracker: BrowserTracker) => TeardownLogic;

/** A page view the tracker sent (on {@link BrowserTracker.pageViews}). */
export interface PageViewRecord {
  /** The `web_page` id of the page view (and of the events that follow it). */
  readonly id: string;
  readonly url: string;
  readonly title: string | undefined;
  readonly referrer: string | undefined;
  /** When it was tracked, on the tracker's scheduler clock (ms). */
  readonly timestamp: number;
}

/** Options of {@link createBrowserTracker}. Every one is optional but `endpoint`; defaults are listed on each. */
export interface BrowserTrackerOptions {
  /**
   * The collector: a host (`collector.example.com`) or an http(s) URL. Required unless `sinks` is given; without it
   * the tracker sends only to `sinks`.
   */
  readonly endpoint?: string | undefined;
  /** Application id (`aid`). Default: not sent. */
  readonly appId?: string | undefined;
  /** Tracker namespace (`tna`). Default: not sent. */
  readonly namespace?: string | undefined;
  /** Options of the emitter that delivers to `endpoint` (batching, retries, `fetch`, `headers`, …). Default: the Emitter's defaults, on this tracker's `scheduler`. */
  readonly emitter?: EmitterOptions | undefined;
  /**
   * The outbox that holds events until delivered (across reloads) and drains them at page hide: `storage`
   * (`'localStorage'` or `'memory'`), `maxEvents`, `maxBytes`, `keepaliveBudgetBytes`, `retainFailed`, `storageKey`.
   * See "Delivery guarantees". Default: the outbox's defaults (localStorage, 1 000 events, 1 MB, 48 KiB keepalive).
   */
  readonly outbox?: BrowserOutboxOptions | undefined;
  /**
   * Send an event that finds the delivery idle (no event in the last `emitter.flushIntervalMs`) at once, without
   * waiting for the batch timer; batching applies to the events after it. @default true
   */
  readonly promptFirstEvent?: boolean | undefined;
  /** More sinks that receive every event (another collector, a test recorder). @default [] */
  readonly sinks?: readonly Sink[] | undefined;
  /**
   * Subject fields over the ones read from the device (`platform: 'web'`, `res`, `cd`, `tz`, `lang`); a field given
   * here is not read from the device. A `viewport` given here replaces the one read per event. Default: none.
   */
  readonly subject?: SubjectFields | undefined;
  /** Where the ids are kept. `'none'`: in memory, a new user on each page load. @default 'cookie' */
  readonly storage?: StorageKind | undefined;
  /** Name, domain, path, `SameSite`, `Secure` and lifetime of the id cookie (the prefix also names the localStorage key). */
  readonly cookie?: CookieOptions | undefined;
  /**
   * Ids from before rxplow, adopted on a first load with no rxplow id, in this order: `snowplowCookies()` (Snowplow's
   * `_sp_id.*`/`_sp_ses.*`, optionally kept written), `crossDomainLanding()` (the `_sp` link parameter). Optional
   * modules: a bundle without them carries none of their code. See docs/browser.md, "Migrating from Snowplow". @default []
   */
  readonly inherit?: readonly IdInheritance[] | undefined;
  /**
   * Whether tracking is forbidden now, asked at every event: `consentSignals({ respectDoNotTrack, optOutCookie })`.
   * While it says so, events are `dropped` (`filtered`) and the stored ids deleted. Default: tracking is allowed.
   */
  readonly consent?: (() => boolean) | undefined;
  /** A session ends after this long without an event (ms); the next event starts a new one. @default 1_800_000 (30 minutes) */
  readonly sessionTimeoutMs?: number | undefined;
  /** Built-in entities: `webPage` (`web_page` 1-0-0, default `true`) and `session` (`client_session` 1-0-2, default `false`). */
  readonly contexts?: { readonly webPage?: boolean | undefined; readonly session?: boolean | undefined } | undefined;
  /** Anonymous tracking from the start; switch at runtime with `setAnonymousTracking`. @default false */
  readonly anonymous?: false | AnonymousTracking | undefined;
  /** Optional modules, started with the tracker: `[activityTracking(), linkClickTracking(), …]`. @default [] */
  readonly plugins?: readonly BrowserPlugin[] | undefined;
  /** As `createTracker`'s: entities on every event (after `web_page` and `client_session`). @default [] */
  readonly globalContexts?: readonly GlobalContext[] | undefined;
  /** As `createTracker`'s: wire fields per event, applied over the browser's own (`url`, `refr`, `vp`, `duid`, …). Default: none. */
  readonly eventFields?: TrackerOptions['eventFields'];
  /** As `createTracker`'s. Default: every event is delivered. */
  readonly filter?: TrackerOptions['filter'];
  /** As `createTracker`'s. @default true */
  readonly encodeBase64?: boolean | undefined;
  /** As `createTracker`'s: definitions for plain-data events. Default: none. */
  readonly events?: TrackerOptions['events'];
  /** As `createTracker`'s: the id source (event ids, `web_page` ids). Default: a random (v4) UUID. */
  readonly newId?: TrackerOptions['newId'];
  /**
   * The clock (`dtm`, session times) and every timer of the tracker and its plugins (page pings) and, unless
   * `emitter.scheduler` says otherwise, of the emitter. Angular apps pass one that runs outside NgZone. @default asyncScheduler
   */
  readonly scheduler?: SchedulerLike | undefined;
}

/** The anonymous-tracking state a tracker and its sink share (the tracker switches it, the sink reads it per request). */
export interface Privacy {
  anonymous: false | AnonymousTracking;
  /** Flushes still running since server anonymisation was switched off: the header stays until they resolve. */
  headerHolds: number;
}

/** Whether a request sent now carries `SP-Anonymous: *`. */
export const anonymisingServer = (privacy: Privacy): boolean =>
  (privacy.anonymous && privacy.anonymous.serverAnonymisation === true) || privacy.headerHolds > 0;

export const isAnonymous = (value: unknown, field: string): false | AnonymousTracking => {
  if (value === false) return false;
  return c.objectOf<AnonymousTracking>({ mode: c.oneOf(['full', 'session']), serverAnonymisation: c.optional(c.boolean) })(value, field);
};

export const OPTION_CHECKS: c.Checks<
  Pick<BrowserTrackerOptions, 'storage' | 'sessionTimeoutMs' | 'anonymous' | 'plugins' | 'sinks' | 'cookie'>
> = {
  storage: c.optional(c.oneOf(['cookie', 'localStorage', 'none'])),
  sessionTimeoutMs: c.optional(c.nonNegativeInteger),
  anonymous: c.optional(isAnonymous),
  plugins: c.optional(c.arrayOf(c.func<BrowserPlugin>)),
  sinks: c.optional(c.is(Array.isArray, 120)),
  cookie: c.optional(
    c.objectOf<CookieOptions>({
      prefix: c.optional(c.matching(/^[\w.-]*$/, 116)),
      domain: c.optional(c.string),
      path: c.optional(c.matching(/^\/[^;\s]*$/, 115)),
      sameSite: c.optional(c.oneOf(['Strict', 'Lax', 'None'])),
      secure: c.optional(c.boolean),
      lifetimeSeconds: c.optional(c.nonNegativeInteger),
    }),
  ),
};
