// createBrowserTracker: composes the lean core tracker with the browser's enrichers, its sink (the outbox), identity
// and plugins. A platform layer (rxplow/angular) composes the same parts through the seams below.
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { v4 as uuidv4 } from 'uuid';
import { EMITTER_DEFAULTS, type EmitterOptions } from '../emitter/options.js';
import { diagnostic } from '../diagnostics.js';
import { InvalidOptionsError } from '../errors.js';
import * as c from '../payload/checks.js';
import { createTracker } from '../tracker/core.js';
import { SINKLESS } from '../tracker/options.js';
import { pageEnricher, sessionEnricher, type PageState } from './enrichers.js';
import { withConsent } from './consent.js';
import { createIdentity } from './continuity.js';
import type { IdInheritance } from './id-state.js';
import type { Identity } from './identity.js';
import { anonymisingServer, OPTION_CHECKS, type BrowserTrackerOptions, type Privacy } from './options.js';
import { deviceSubject, inBrowser } from './page.js';
import { promptFirst } from './prompt.js';
import { createSink } from './sink.js';
import { BrowserTracker } from './tracker.js';

/** Runs a call into the tracker: `work()` itself, or (Angular on zone.js) `work` outside the Angular zone. */
export type Entry = <R>(work: () => R) => R;

/** What a platform layer may change in how the tracker is composed (besides its options, such as `scheduler`). */
export interface BrowserSeams {
  /**
   * Where each call that may start work runs (`track`, `trackPageView`, `flush`, `shutdown`, `use`, `input`, views):
   * the composition itself runs in it too. @default work => work()
   */
  readonly entry?: Entry | undefined;
}

/** The browser's parts of one tracker, shared by the tracker and its enrichers. */
export interface BrowserParts {
  readonly active: boolean;
  readonly scheduler: SchedulerLike;
  readonly ids: Identity;
  readonly page: PageState;
  readonly newId: () => string;
  readonly entry: Entry;
  /** The anonymous-tracking state, shared with the tracker's own sink (the outbox's `SP-Anonymous` header). */
  readonly privacy: Privacy;
}

const direct: Entry = (work) => work();

/** @throws {InvalidOptionsError} for an option it cannot use; then nothing is left running. */
export function composeBrowserTracker(options: BrowserTrackerOptions, seams: BrowserSeams): BrowserTracker {
  const entry = seams.entry ?? direct;
  return entry(() => compose(options, entry));
}

function compose(options: BrowserTrackerOptions, entry: Entry): BrowserTracker {
  const o = c.checkOptions(OPTION_CHECKS, options, false);
  const active = inBrowser();
  const scheduler = options.scheduler ?? asyncScheduler;
  const newId = typeof options.newId === 'function' ? options.newId : uuidv4;
  const anonymous = o.anonymous ?? false;
  const blocked = c.optional(c.func<() => boolean>)(options.consent, 'consent');
  const ids = createIdentity({
    active,
    storage: o.storage ?? 'cookie',
    cookie: o.cookie,
    inherit: c.optional(c.arrayOf(c.func<IdInheritance>))(options.inherit, 'inherit'),
    sessionTimeoutMs: o.sessionTimeoutMs ?? 1_800_000,
    anonymous: anonymous && anonymous.mode,
    now: () => scheduler.now(),
    blocked,
  });
  const page: PageState = { id: undefined, used: false, url: undefined, referrer: undefined };
  const contexts = options.contexts ?? {};
  const { userId, ...subject } = options.subject ?? {};
  const sinks = [...(o.sinks ?? [])];
  if (options.endpoint === undefined && sinks.length === 0) throw new InvalidOptionsError('endpoint', diagnostic(502));
  const enrichers = [
    pageEnricher(page, { active, fixedViewport: subject.viewport !== undefined, entity: contexts.webPage !== false, newId }),
  ];
  if (active) enrichers.push(sessionEnricher(ids, contexts.session === true));
  const core = createTracker(active ? sinks : [], {
    // On a server the tracker is an inactive no-op with no sink: tracking there is not a mistake.
    ...(active ? {} : { [SINKLESS]: true }),
    namespace: options.namespace,
    appId: options.appId,
    encodeBase64: options.encodeBase64,
    events: options.events,
    filter: withConsent(options.filter, blocked),
    scheduler,
    newId: options.newId,
    subject: { ...(active ? deviceSubject() : { platform: 'web' }), ...subject },
    enrichers,
    eventFields: options.eventFields,
    globalContexts: options.globalContexts,
  });
  const privacy: Privacy = { anonymous, headerHolds: 0 };
  const tracker = new BrowserTracker(core, { active, scheduler, ids, page, newId, entry, privacy });
  if (userId !== undefined) tracker.setUserId(userId);
  // The outbox (storage, listeners) is created only once every other option was accepted, and stopped again when a
  // plugin fails to start: a composition that throws leaves nothing running.
  if (options.endpoint !== undefined && active) {
    const emitter: EmitterOptions = { scheduler, ...options.emitter };
    const sink = createSink({ ...options.outbox, endpoint: options.endpoint, emitter, scheduler, newId }, () => anonymisingServer(privacy));
    const interval = emitter.flushIntervalMs ?? EMITTER_DEFAULTS.flushIntervalMs;
    tracker.addEmitter(options.promptFirstEvent === false ? sink : promptFirst(sink, () => scheduler.now(), interval, sink.ready));
  }
  try {
    for (const plugin of o.plugins ?? []) tracker.use(plugin);
  } catch (error) {
    void tracker.shutdown({ timeoutMs: 0 });
    throw error;
  }
  return tracker;
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
  return composeBrowserTracker(options, {});
}
