import { asyncScheduler, ReplaySubject, Subscription, type Observable, type SchedulerLike, type TeardownLogic } from 'rxjs';
import { v4 as uuid } from 'uuid';
import { EMITTER_DEFAULTS, type EmitterOptions } from '../emitter/options.js';
import type { DeliveryReport, ShutdownOptions } from '../emitter/outcome.js';
import type { Sink } from '../emitter/sink.js';
import { InvalidOptionsError } from '../errors.js';
import { pageView, type PageViewFields } from '../events/web.js';
import * as c from '../payload/checks.js';
import type { SelfDescribing } from '../payload/self-describing-json.js';
import { CoreTracker } from '../tracker/core.js';
import type { GlobalContext, GlobalContextEvent } from '../tracker/global-contexts.js';
import type { TrackerOptions, TrackOptions } from '../tracker/options.js';
import type { SubjectFields } from '../tracker/subject-fields.js';
import { withConsent } from './consent.js';
import { createIdentity } from './continuity.js';
import type { AnonymousMode, CookieOptions, IdState, Identity, SessionRecord, StorageKind } from './identity.js';
import type { IdInheritance } from './id-state.js';
import { deviceSubject, inBrowser, viewport } from './page.js';
import { promptFirst } from './prompt.js';
import { createSink, type BrowserOutboxOptions } from './sink.js';

const WEB_PAGE_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0';
const CLIENT_SESSION_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2';
/** `client_session`'s `userId` in anonymous session mode (the schema requires one). */
const ANONYMOUS_USER_ID = '00000000-0000-0000-0000-000000000000';

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
  /**
   * The clock (`dtm`, session times) and every timer of the tracker and its plugins (page pings) and, unless
   * `emitter.scheduler` says otherwise, of the emitter. Angular apps pass one that runs outside NgZone. @default asyncScheduler
   */
  readonly scheduler?: SchedulerLike | undefined;
}

const isAnonymous = (value: unknown, field: string): false | AnonymousTracking => {
  if (value === false) return false;
  return c.objectOf<AnonymousTracking>({ mode: c.oneOf(['full', 'session']), serverAnonymisation: c.optional(c.boolean) })(value, field);
};

const OPTION_CHECKS: c.Checks<Pick<BrowserTrackerOptions, 'storage' | 'sessionTimeoutMs' | 'anonymous' | 'plugins' | 'sinks' | 'cookie'>> =
  {
    storage: c.optional(c.oneOf(['cookie', 'localStorage', 'none'])),
    sessionTimeoutMs: c.optional(c.nonNegativeInteger),
    anonymous: c.optional(isAnonymous),
    plugins: c.optional(c.arrayOf(c.func<BrowserPlugin>)),
    sinks: c.optional((value, field) =>
      Array.isArray(value) ? (value as readonly Sink[]) : c.reject(field, 'expected an array of sinks'),
    ),
    cookie: c.optional(
      c.objectOf<CookieOptions>({
        prefix: c.optional(c.matching(/^[\w.-]*$/, 'letters, digits, "_", "-", "."')),
        domain: c.optional(c.string),
        path: c.optional(c.matching(/^\/[^;\s]*$/, 'a path starting with "/"')),
        sameSite: c.optional(c.oneOf(['Strict', 'Lax', 'None'])),
        secure: c.optional(c.boolean),
        lifetimeSeconds: c.optional(c.nonNegativeInteger),
      }),
    ),
  };

/**
 * The web tracker (`createBrowserTracker`): the lean tracker's API (`track`, `with`, global contexts, `flush`,
 * `shutdown`, `outcomes`, …) plus page views, page and device context, ids and sessions, anonymous modes and
 * optional modules. On a server (no `window`/`document`) it is a no-op: see {@link BrowserTracker.active}.
 */
export class BrowserTracker extends CoreTracker {
  /**
   * `false` when created outside a browser page (SSR, Node, a worker): then the tracker has no sinks, reads no
   * browser global, writes no storage, starts no plugin, and `trackPageView()` does nothing. `track()` still checks
   * events (and throws for invalid ones) but sends nothing.
   */
  readonly active: boolean;
  /** The page views this tracker sent; replays the latest to a new subscriber (plugins start from it). */
  readonly pageViews: Observable<PageViewRecord>;
  /** The tracker's scheduler: the clock and timers of the tracker and its plugins. */
  readonly scheduler: SchedulerLike;

  readonly #ids: Identity;
  readonly #pageViews: ReplaySubject<PageViewRecord>;
  readonly #plugins = new Subscription();
  readonly #page: PageState;
  readonly #own: readonly GlobalContext[];
  #anonymous: false | AnonymousTracking;
  #userId: string | undefined;
  #headerHolds = 0;

  /** @throws {InvalidOptionsError} for an option it cannot use. */
  constructor(options: BrowserTrackerOptions) {
    const o = c.checkOptions(OPTION_CHECKS, pick(options, OPTION_CHECKS));
    const active = inBrowser();
    const scheduler = options.scheduler ?? asyncScheduler;
    const now = (): number => scheduler.now();
    const anonymous = o.anonymous ?? false;
    const blocked = c.optional(c.func<() => boolean>)(options.consent, 'consent');
    const ids = createIdentity({
      blocked,
      inherit: c.optional(c.arrayOf(c.func<IdInheritance>))(options.inherit, 'inherit'),
      active,
      storage: o.storage ?? 'cookie',
      cookie: o.cookie,
      sessionTimeoutMs: o.sessionTimeoutMs ?? 1_800_000,
      anonymous: anonymous && anonymous.mode,
      now,
    });
    const page: PageState = { id: undefined, used: false, url: undefined, referrer: undefined };
    const contexts = options.contexts ?? {};
    const { userId, ...subject } = options.subject ?? {};
    const fixedViewport = subject.viewport !== undefined;
    const sinks = [...(o.sinks ?? [])];
    if (options.endpoint === undefined && sinks.length === 0)
      throw new InvalidOptionsError('endpoint', 'required (a collector host or URL), unless `sinks` is given');
    const own: GlobalContext[] = [];
    if (contexts.webPage !== false) own.push(() => ({ schema: WEB_PAGE_SCHEMA, data: { id: pageViewId(page) } }));
    if (contexts.session === true) own.push((event: GlobalContextEvent) => sessionEntity(ids, event));
    const userFields = options.eventFields;
    super(active ? sinks : [], {
      namespace: options.namespace,
      appId: options.appId,
      encodeBase64: options.encodeBase64,
      events: options.events,
      filter: withConsent(options.filter, blocked),
      scheduler,
      subject: { ...(active ? deviceSubject() : { platform: 'web' }), ...subject },
      globalContexts: [...own, ...(options.globalContexts ?? [])],
      eventFields: (event) => {
        const fields: Record<string, string> = {};
        if (active) {
          fields['url'] = location.href;
          const referrer = page.referrer ?? document.referrer;
          if (referrer) fields['refr'] = referrer;
          if (!fixedViewport) fields['vp'] = viewport();
          fields['cs'] = document.characterSet;
        }
        const s = active ? ids.touch() : undefined;
        if (s) {
          if (!ids.mode) fields['duid'] = s.duid;
          fields['sid'] = s.sid;
          fields['vid'] = String(s.vid);
        }
        return userFields === undefined ? fields : { ...fields, ...userFields(event) };
      },
    });
    this.active = active;
    this.scheduler = scheduler;
    this.#ids = ids;
    this.#page = page;
    this.#own = own;
    this.#anonymous = anonymous;
    this.#pageViews = new ReplaySubject(1);
    this.pageViews = this.#pageViews.asObservable();
    if (userId !== undefined) this.setUserId(userId);
    // The outbox (storage, listeners) is created only once every other option was accepted, and stopped again when a
    // plugin fails to start: a constructor that throws leaves nothing running.
    if (options.endpoint !== undefined && active) {
      const emitter: EmitterOptions = { scheduler, ...options.emitter };
      const sink = createSink({ ...options.outbox, endpoint: options.endpoint, emitter, scheduler }, () => this.#anonymisingServer());
      const interval = emitter.flushIntervalMs ?? EMITTER_DEFAULTS.flushIntervalMs;
      this.addEmitter(options.promptFirstEvent === false ? sink : promptFirst(sink, now, interval));
    }
    try {
      for (const plugin of o.plugins ?? []) this.use(plugin);
    } catch (error) {
      void this.shutdown({ timeoutMs: 0 });
      throw error;
    }
  }

  /** The domain user id (`duid`) events carry now; `undefined` before the first event and in anonymous modes. */
  get domainUserId(): string | undefined {
    return this.#ids.mode ? undefined : this.#ids.current()?.duid;
  }

  /** The current (or last) session id (`sid`); `undefined` before the first event and in full anonymous mode. */
  get sessionId(): string | undefined {
    return this.#ids.current()?.sid;
  }

  /** The current (or last) session index (`vid`); `undefined` before the first event and in full anonymous mode. */
  get sessionIndex(): number | undefined {
    return this.#ids.current()?.vid;
  }

  /** Every session this tracker starts, as its first event is tracked (hot: no replay; see `sessionId` for the current one). */
  get sessions(): Observable<SessionRecord> {
    return this.#ids.sessions;
  }

  /** The business user id set by `setUserId` (sent as `uid` unless anonymous). */
  get userId(): string | undefined {
    return this.#userId;
  }

  /** The anonymous-tracking mode in force. */
  get anonymousTracking(): false | AnonymousTracking {
    return this.#anonymous;
  }

  /**
   * Tracks a page view. The URL, title and referrer come from the page unless given; in a single-page app the
   * previous page view's URL is the referrer of the next. Each page view gets a new `web_page` id (events tracked
   * before the first page view share that first page view's id). On a server, does nothing.
   * @throws {InvalidEventError} for invalid fields or options.
   */
  trackPageView(fields: Partial<PageViewFields> = {}, options?: TrackOptions): this {
    if (!this.active) return this;
    const page = this.#page;
    const url = fields.pageUrl ?? location.href;
    const referrer =
      fields.referrer ?? (page.url !== undefined && page.url !== url ? page.url : (page.referrer ?? document.referrer)) ?? undefined;
    if (page.used || page.id === undefined) page.id = uuid();
    page.used = true;
    page.url = url;
    page.referrer = referrer || undefined;
    const title = fields.pageTitle ?? (document.title || undefined);
    this.track(pageView({ pageUrl: url, pageTitle: title, referrer: page.referrer }), options);
    this.#pageViews.next({ id: page.id, url, title, referrer: page.referrer, timestamp: this.scheduler.now() });
    return this;
  }

  /** Sets (or with `undefined`/`null`, removes) the business user id, sent as `uid` on later events unless anonymous. */
  setUserId(userId: string | null | undefined): this {
    this.#userId = userId ?? undefined;
    return super.setSubject({ userId: this.#anonymous ? undefined : this.#userId });
  }

  /** As `CoreTracker.setSubject`; a `userId` goes through {@link BrowserTracker.setUserId}, so anonymous modes hold. */
  override setSubject(fields: SubjectFields): this {
    if (fields === null || typeof fields !== 'object' || !('userId' in fields)) return super.setSubject(fields);
    const { userId, ...rest } = fields;
    super.setSubject(rest);
    return this.setUserId(userId);
  }

  /**
   * Forgets the user: deletes the stored ids (cookie or localStorage) and the ones in memory, and the user id. The
   * next event starts a new domain user id and session.
   */
  clearUserData(): this {
    this.#ids.clear();
    return this.setUserId(undefined);
  }

  /** Ends the session: the next event starts a new one (new `sid`, `vid` + 1). */
  newSession(): this {
    this.#ids.newSession();
    return this;
  }

  /**
   * Switches anonymous tracking at runtime. Entering an anonymous mode deletes the stored ids at once (`'session'`
   * keeps the session in memory only) and stops sending `uid`; leaving it starts a new domain user id. With
   * `serverAnonymisation`, requests carry `SP-Anonymous: *` from now on, and after it is switched off, until every
   * event tracked before has its final outcome.
   */
  setAnonymousTracking(mode: false | AnonymousTracking): this {
    const checked = c.checkOptions({ anonymous: isAnonymous }, { anonymous: mode }).anonymous;
    const wasServer = this.#anonymisingServer();
    this.#anonymous = checked;
    this.#ids.setMode(checked && checked.mode);
    if (wasServer && !(checked && checked.serverAnonymisation)) {
      this.#headerHolds++;
      void this.flush().then(() => this.#headerHolds--);
    }
    return this.setUserId(this.#userId);
  }

  /** Removes every global context given by you; the built-in `web_page` and `client_session` stay. */
  override clearGlobalContexts(): this {
    super.clearGlobalContexts();
    return this.addGlobalContexts(this.#own);
  }

  /** Starts an optional module now (see the `plugins` option). Unsubscribe to stop it. Outside a browser or after `shutdown()`, does nothing (the Subscription is closed). */
  use(plugin: BrowserPlugin): Subscription {
    const subscription = new Subscription();
    this.#plugins.add(subscription); // closed at once after shutdown()
    if (!this.active) subscription.unsubscribe();
    if (subscription.closed) return subscription;
    subscription.add(plugin(this));
    return subscription;
  }

  /** Stops every plugin and DOM listener, then shuts the sinks down as `CoreTracker.shutdown` does. */
  override shutdown(options?: ShutdownOptions): Promise<DeliveryReport> {
    this.#plugins.unsubscribe();
    this.#pageViews.complete();
    return super.shutdown(options);
  }

  /** Whether a request sent now carries `SP-Anonymous: *`. */
  #anonymisingServer(): boolean {
    return (this.#anonymous && this.#anonymous.serverAnonymisation === true) || this.#headerHolds > 0;
  }
}

interface PageState {
  /** The current `web_page` id; made by the first event that needs it. */
  id: string | undefined;
  /** Whether a page view used `id` already (the next page view makes a new one). */
  used: boolean;
  /** The last page view's URL. */
  url: string | undefined;
  /** The last page view's referrer: the `refr` of every later event. */
  referrer: string | undefined;
}

function pageViewId(page: PageState): string {
  return (page.id ??= uuid());
}

function sessionEntity(ids: Identity, event: GlobalContextEvent): SelfDescribing | undefined {
  const s: IdState | undefined = ids.current();
  if (!s) return undefined;
  const eventId = event.payload['eid'];
  const timestamp = Number(event.payload['dtm']);
  if (eventId !== undefined && Number.isFinite(timestamp)) ids.firstEvent(s, eventId, timestamp);
  return {
    schema: CLIENT_SESSION_SCHEMA,
    data: {
      userId: ids.mode ? ANONYMOUS_USER_ID : s.duid,
      sessionId: s.sid,
      sessionIndex: s.vid,
      eventIndex: s.index,
      previousSessionId: s.prev || null,
      storageMechanism: ids.mechanism,
      firstEventId: s.firstId || null,
      firstEventTimestamp: s.firstTs ? new Date(s.firstTs).toISOString() : null,
    },
  };
}

function pick<T extends object>(options: unknown, keys: T): Partial<Record<keyof T, unknown>> {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionsError('options', 'expected an object');
  const out: Partial<Record<keyof T, unknown>> = {};
  for (const key in keys) out[key] = (options as Record<string, unknown>)[key];
  return out;
}

/**
 * Creates the web tracker: page views with the page's URL, title and referrer, page and device context on every
 * event, first-party ids and sessions, anonymous modes, optional modules (`plugins`). On a server it returns a
 * no-op tracker (see {@link BrowserTracker.active}), so the same code runs in SSR.
 *
 * @example
 * const tracker = createBrowserTracker({ endpoint: 'https://collector.example.com', appId: 'shop' });
 * tracker.trackPageView();
 * @throws {InvalidOptionsError} for an option it cannot use.
 */
export function createBrowserTracker(options: BrowserTrackerOptions): BrowserTracker {
  return new BrowserTracker(options);
}
