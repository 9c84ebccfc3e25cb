// The web tracker: the lean core tracker composed with the browser's enrichers (page, session), its sink (the
// outbox), identity and plugins. No subclass: BrowserTracker holds a core and adds the browser's own methods.
import { ReplaySubject, Subscription, type Observable, type Observer, type SchedulerLike } from 'rxjs';
import type { DeliveryOutcome, ShutdownOptions } from '../emitter/outcome.js';
import type { Sink } from '../emitter/sink.js';
import type { TrackerEvent } from '../events/registry.js';
import { pageView, type PageViewFields } from '../events/web.js';
import * as c from '../payload/checks.js';
import type { Payload } from '../payload/payload.js';
import type { CoreTracker, TrackRequest } from '../tracker/core.js';
import type { GlobalContext } from '../tracker/global-contexts.js';
import type { TrackOptions } from '../tracker/options.js';
import type { TrackerScope, TrackerView } from '../tracker/scope.js';
import type { ShutdownReport } from '../tracker/sinks.js';
import type { SubjectFields } from '../tracker/subject-fields.js';
import type { BrowserParts } from './compose.js';
import { anonymisingServer, isAnonymous, type AnonymousTracking, type BrowserPlugin, type PageViewRecord } from './options.js';
import type { SessionRecord } from './identity.js';

export type { AnonymousTracking, BrowserPlugin, BrowserTrackerOptions, PageViewRecord } from './options.js';

/**
 * The web tracker (`createBrowserTracker`): the lean tracker's API (`track`, `with`, global contexts, `flush`,
 * `shutdown`, `outcomes`, …) plus page views, page and device context, ids and sessions, anonymous modes and
 * optional modules. On a server (no `window`/`document`) it is a no-op: see {@link BrowserTracker.active}.
 */
export class BrowserTracker {
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
  /** Every payload this tracker built (delivered or filtered), as it is handed to the sinks. Hot: no replay. */
  readonly payloads: Observable<Payload>;
  /** Every outcome of every sink of this tracker. Hot: no replay. */
  readonly outcomes: Observable<DeliveryOutcome>;
  /** Feed an Observable of events to the tracker (`events$.subscribe(tracker.input)`), as `createTracker`'s. */
  readonly input: Observer<TrackerEvent | TrackRequest>;

  readonly #core: CoreTracker;
  readonly #parts: BrowserParts;
  readonly #pageViews = new ReplaySubject<PageViewRecord>(1);
  readonly #plugins = new Subscription();
  #userId: string | undefined;

  /** Made by `createBrowserTracker` only. @internal */
  constructor(core: CoreTracker, parts: BrowserParts) {
    this.#core = core;
    this.#parts = parts;
    this.active = parts.active;
    this.scheduler = parts.scheduler;
    this.pageViews = this.#pageViews.asObservable();
    this.payloads = core.payloads;
    this.outcomes = core.outcomes;
    const entry = parts.entry;
    this.input = {
      next: (item) => entry(() => core.input.next(item)),
      error: () => undefined,
      complete: () => undefined,
    };
  }

  /** The domain user id (`duid`) events carry now; `undefined` before the first event and in anonymous modes. */
  get domainUserId(): string | undefined {
    return this.#parts.ids.mode ? undefined : this.#parts.ids.current()?.duid;
  }

  /** The current (or last) session id (`sid`); `undefined` before the first event and in full anonymous mode. */
  get sessionId(): string | undefined {
    return this.#parts.ids.current()?.sid;
  }

  /** The current (or last) session index (`vid`); `undefined` before the first event and in full anonymous mode. */
  get sessionIndex(): number | undefined {
    return this.#parts.ids.current()?.vid;
  }

  /** Every session this tracker starts, as its first event is tracked (hot: no replay; see `sessionId` for the current one). */
  get sessions(): Observable<SessionRecord> {
    return this.#parts.ids.sessions;
  }

  /** The business user id set by `setUserId` (sent as `uid` unless anonymous). */
  get userId(): string | undefined {
    return this.#userId;
  }

  /** The anonymous-tracking mode in force. */
  get anonymousTracking(): false | AnonymousTracking {
    return this.#parts.privacy.anonymous;
  }

  /** As `createTracker`'s: tracks an event. @throws {InvalidEventError} when the event or options are invalid. */
  track(event: TrackerEvent, options?: TrackOptions): this {
    this.#parts.entry(() => this.#core.track(event, options));
    return this;
  }

  /** As `createTracker`'s: a per-request view adding `scope` to its own events. @throws {InvalidEventError} for a bad scope. */
  with(scope: TrackerScope): TrackerView {
    return enteredView(this.#core.with(scope), this.#parts.entry);
  }

  /**
   * Tracks a page view. The URL, title and referrer come from the page unless given; in a single-page app the
   * previous page view's URL is the referrer of the next. Each page view gets a new `web_page` id (events tracked
   * before the first page view share that first page view's id). On a server, does nothing.
   * @throws {InvalidEventError} for invalid fields or options.
   */
  trackPageView(fields: Partial<PageViewFields> = {}, options?: TrackOptions): this {
    if (!this.active) return this;
    return this.#parts.entry(() => {
      const page = this.#parts.page;
      const url = fields.pageUrl ?? location.href;
      const referrer =
        fields.referrer ?? (page.url !== undefined && page.url !== url ? page.url : (page.referrer ?? document.referrer)) ?? undefined;
      if (page.used || page.id === undefined) page.id = this.#parts.newId();
      page.used = true;
      page.url = url;
      page.referrer = referrer || undefined;
      const title = fields.pageTitle ?? (document.title || undefined);
      this.#core.track(pageView({ pageUrl: url, pageTitle: title, referrer: page.referrer }), options);
      this.#pageViews.next({ id: page.id, url, title, referrer: page.referrer, timestamp: this.scheduler.now() });
      return this;
    });
  }

  /** As `createTracker`'s: adds a sink. @throws {InvalidOptionsError} when it is not a sink or serves another tracker. */
  addEmitter(sink: Sink): this {
    this.#core.addEmitter(sink);
    return this;
  }

  /** Merges fields into the subject; a `userId` goes through {@link BrowserTracker.setUserId}, so anonymous modes hold. */
  setSubject(fields: SubjectFields): this {
    if (fields === null || typeof fields !== 'object' || !('userId' in fields)) {
      this.#core.setSubject(fields);
      return this;
    }
    const { userId, ...rest } = fields;
    this.#core.setSubject(rest);
    return this.setUserId(userId);
  }

  /** Sets (or with `undefined`/`null`, removes) the business user id, sent as `uid` on later events unless anonymous. */
  setUserId(userId: string | null | undefined): this {
    this.#userId = userId ?? undefined;
    this.#core.setSubject({ userId: this.#parts.privacy.anonymous ? undefined : this.#userId });
    return this;
  }

  /** As `createTracker`'s: adds global contexts (after `web_page` and `client_session`). @throws {InvalidOptionsError} for a malformed entry. */
  addGlobalContexts(entries: readonly GlobalContext[]): this {
    this.#core.addGlobalContexts(entries);
    return this;
  }

  /** As `createTracker`'s: removes global contexts by identity. */
  removeGlobalContexts(entries: readonly GlobalContext[]): this {
    this.#core.removeGlobalContexts(entries);
    return this;
  }

  /** Removes every global context given by you; the built-in `web_page` and `client_session` (enrichers) stay. */
  clearGlobalContexts(): this {
    this.#core.clearGlobalContexts();
    return this;
  }

  /**
   * Forgets the user: deletes the stored ids (cookie or localStorage) and the ones in memory, and the user id. The
   * next event starts a new domain user id and session.
   */
  clearUserData(): this {
    this.#parts.ids.clear();
    return this.setUserId(undefined);
  }

  /** Ends the session: the next event starts a new one (new `sid`, `vid` + 1). */
  newSession(): this {
    this.#parts.ids.newSession();
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
    const privacy = this.#parts.privacy;
    const wasServer = anonymisingServer(privacy);
    privacy.anonymous = checked;
    this.#parts.ids.setMode(checked && checked.mode);
    if (wasServer && !(checked && checked.serverAnonymisation)) {
      privacy.headerHolds++;
      void this.flush().then(() => privacy.headerHolds--);
    }
    return this.setUserId(this.#userId);
  }

  /** Starts an optional module now (see the `plugins` option). Unsubscribe to stop it. Outside a browser or after `shutdown()`, does nothing (the Subscription is closed). */
  use(plugin: BrowserPlugin): Subscription {
    return this.#parts.entry(() => {
      const subscription = new Subscription();
      this.#plugins.add(subscription); // closed at once after shutdown()
      if (!this.active) subscription.unsubscribe();
      if (subscription.closed) return subscription;
      subscription.add(plugin(this));
      return subscription;
    });
  }

  /** As `createTracker`'s: resolves when every event tracked before the call has a final outcome at every sink. Never rejects. */
  flush(): Promise<void> {
    return this.#parts.entry(() => this.#core.flush());
  }

  /** Stops every plugin and DOM listener, then shuts the sinks down as `createTracker`'s `shutdown` does. Never rejects. */
  shutdown(options?: ShutdownOptions): Promise<ShutdownReport> {
    return this.#parts.entry(() => {
      this.#plugins.unsubscribe();
      this.#pageViews.complete();
      return this.#core.shutdown(options);
    });
  }
}

/** A view whose every call goes through `entry`, as the tracker's own do. */
function enteredView(view: TrackerView, entry: BrowserParts['entry']): TrackerView {
  const entered: TrackerView = {
    track(event, options) {
      entry(() => view.track(event, options));
      return this;
    },
    with: (scope) => enteredView(view.with(scope), entry),
  };
  return entered;
}
