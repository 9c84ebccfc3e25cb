import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { v4 as uuidv4 } from 'uuid';
import type { EventRegistry } from '../events/registry.js';
import type { Payload } from '../payload/payload.js';
import * as c from '../payload/checks.js';
import type { Enricher } from './enrich.js';
import type { GlobalContext } from './global-contexts.js';
import { snapshotEntity, type SelfDescribing } from '../payload/self-describing-json.js';
import { SUBJECT_CHECKS, type SubjectFields } from './subject-fields.js';
import { isDevelopment } from '../dev-mode.js';

/**
 * Internal (not exported from an entry): set on the options of a platform layer's inactive tracker (a browser tracker
 * on a server), where tracking with no sink is not a mistake.
 */
export const SINKLESS: unique symbol = Symbol('rxplow.sinkless') as never;

/** What the `filter` option is told about an event. */
export interface FilteredEvent {
  /** The event's kind (`pageView`, …). */
  readonly kind: string;
  /** The finished payload. */
  readonly payload: Payload;
}

/** Options of `createTracker(sinks, options)` and `new Tracker(emitters, options)`. */
export interface TrackerOptions {
  /** Tracker namespace (`tna`), to tell several trackers apart. Default: not sent. */
  readonly namespace?: string | undefined;
  /** Application id (`aid`). Default: not sent. */
  readonly appId?: string | undefined;
  /**
   * `true`: self-describing events and contexts go base64url-encoded in `ue_px` / `cx`;
   * `false`: as raw JSON in `ue_pr` / `co`.
   * @default true
   */
  readonly encodeBase64?: boolean | undefined;
  /** The subject every event carries unless a call overrides it. Default: `{ platform: 'srv' }`. */
  readonly subject?: SubjectFields | undefined;
  /**
   * Definitions for events given as plain `{ kind, ...fields }` data (from JSON, `postMessage`, a worker): pass
   * `ALL_EVENTS`, or an object of just the kinds you use. Events made by the constructors (`pageView({...})`) carry
   * their definition and need none. Default: none for `createTracker`, `ALL_EVENTS` for the classic `Tracker`.
   */
  readonly events?: EventRegistry | undefined;
  /** Entities added to every event (or to the events a rule selects); see `addGlobalContexts`. @default [] */
  readonly globalContexts?: readonly GlobalContext[] | undefined;
  /**
   * Decides per event whether it is delivered. An event it rejects (or throws on) is not sent: every sink reports it
   * `dropped` with reason `filtered` (or `error`). Default: every event is delivered.
   */
  readonly filter?: ((event: FilteredEvent) => boolean) | undefined;
  /**
   * Wire fields computed per event (the seam a platform layer uses: `url`, `refr`, `duid`, `sid`, `vid`, …), given
   * the event's kind. They go over the subject's fields and under the event's own (a page view's `url` wins);
   * `e`, `eid`, `dtm`, `ttm`, `stm`, `tv` and the encoded JSON fields are the tracker's and are ignored.
   * What it throws drops the event (`error`) at every sink. Default: none.
   */
  readonly eventFields?: ((event: { readonly kind: string }) => Readonly<Record<string, string>> | undefined) | undefined;
  /**
   * Per-event enrichment: each enricher is called once per payload, in this order (before `eventFields` and the
   * global contexts), and returns fields and entities for it (see {@link Enricher}). What one throws drops the event
   * (`error`) at every sink. @default []
   */
  readonly enrichers?: readonly Enricher[] | undefined;
  /** The clock for `dtm` (`scheduler.now()`) and the shutdown deadline: a `TestScheduler` in specs. @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
  /**
   * The id source: event ids (`eid`) and every other id the tracker makes (a transaction's items, a page view's
   * `web_page` id). Each call must return a new UUID; a fixed sequence in specs. Default: a random (v4) UUID.
   */
  readonly newId?: (() => string) | undefined;
  /**
   * What a track call does with an invalid event (or invalid per-call options): `'throw'` an `InvalidEventError` at
   * the call, so mistakes are loud; `'drop'` it instead, as a `dropped` outcome with reason `invalid` (and the error)
   * at every sink, so bad analytics data never throws into a request or click handler (`debugOutcomes` logs it).
   * Default: `'throw'` in development and tests, `'drop'` in production: `process.env.NODE_ENV === 'production'`
   * (or `globalThis.RXPLOW_DEV = false`; a browser bundle without `process` counts as production).
   */
  readonly invalidEvents?: 'throw' | 'drop' | undefined;
}

/** Options every track method takes as its last argument. */
export interface TrackOptions {
  /** Context entities attached to the event (`cx` / `co`). Default: none. */
  readonly context?: readonly SelfDescribing[] | undefined;
  /** The event's true timestamp in ms since the epoch (`ttm`), when you know better than the device clock. Default: not sent. */
  readonly trueTimestamp?: number | undefined;
  /** The device timestamp in ms since the epoch (`dtm`). Default: now. */
  readonly deviceTimestamp?: number | undefined;
  /** Subject fields for this event only, merged over the tracker's. */
  readonly subject?: SubjectFields | undefined;
  /** Your own event id (`eid`), a UUID. Default: a fresh v4 UUID. For a transaction it is the `tr` event's id. */
  readonly eventId?: string | undefined;
}

export const TRACKER_DEFAULTS = { encodeBase64: true, platform: 'srv' } as const;

export const TRACK_OPTION_CHECKS: c.Checks<TrackOptions> = {
  context: c.optional(c.arrayOf(snapshotEntity)),
  trueTimestamp: c.optional(c.finiteNumber),
  deviceTimestamp: c.optional(c.finiteNumber),
  subject: c.optional(c.objectOf(SUBJECT_CHECKS)),
  eventId: c.optional(c.uuid),
};

const TRACKER_OPTION_CHECKS: c.Checks<TrackerOptions> = {
  namespace: c.optional(c.string),
  appId: c.optional(c.string),
  encodeBase64: c.optional(c.boolean),
  subject: c.optional(c.objectOf(SUBJECT_CHECKS)),
  events: c.optional((value, field) => c.jsonObject(value, field) as unknown as EventRegistry),
  globalContexts: c.optional(c.is(Array.isArray, 104)),
  filter: c.optional(c.func<(event: FilteredEvent) => boolean>),
  eventFields: c.optional(c.func<(event: { readonly kind: string }) => Readonly<Record<string, string>> | undefined>),
  enrichers: c.optional(c.arrayOf(c.func<Enricher>)),
  newId: c.optional(c.func<() => string>),
  invalidEvents: c.optional(c.oneOf(['throw', 'drop'])),
  scheduler: c.withMethod<SchedulerLike>('now', 117),
};

export interface ResolvedTrackerOptions {
  readonly namespace: string | undefined;
  readonly appId: string | undefined;
  readonly encodeBase64: boolean;
  readonly subject: SubjectFields;
  readonly events: EventRegistry | undefined;
  readonly globalContexts: readonly GlobalContext[];
  readonly filter: ((event: FilteredEvent) => boolean) | undefined;
  readonly eventFields: ((event: { readonly kind: string }) => Readonly<Record<string, string>> | undefined) | undefined;
  readonly enrichers: readonly Enricher[];
  readonly scheduler: SchedulerLike;
  readonly newId: () => string;
  readonly invalidEvents: 'throw' | 'drop';
  /** A platform layer's inactive tracker (a browser tracker on a server): no sink is not a mistake there. */
  readonly sinkless: boolean;
}

/** Validates tracker options into a new frozen object; throws InvalidOptionsError naming the option. */
export function resolveTrackerOptions(options: TrackerOptions): ResolvedTrackerOptions {
  const checked = c.checkOptions(TRACKER_OPTION_CHECKS, options);
  return Object.freeze({
    namespace: checked.namespace,
    appId: checked.appId,
    encodeBase64: checked.encodeBase64 ?? TRACKER_DEFAULTS.encodeBase64,
    subject: { platform: TRACKER_DEFAULTS.platform, ...checked.subject },
    events: checked.events,
    globalContexts: checked.globalContexts ?? [],
    filter: checked.filter,
    eventFields: checked.eventFields,
    enrichers: checked.enrichers ?? [],
    scheduler: checked.scheduler ?? asyncScheduler,
    invalidEvents: checked.invalidEvents ?? (isDevelopment() ? 'throw' : 'drop'),
    sinkless: (options as { readonly [SINKLESS]?: unknown })[SINKLESS] === true,
    newId: checked.newId ?? uuidv4,
  });
}
