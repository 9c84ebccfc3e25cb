import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { v4 as uuidv4 } from 'uuid';
import type { EventRegistry } from '../events/registry.js';
import type { Payload } from '../payload/payload.js';
import * as c from '../payload/checks.js';
import type { Enricher } from './enrich.js';
import type { GlobalContext } from './global-contexts.js';
import { snapshotEntity, type SelfDescribing } from '../payload/self-describing-json.js';
import { SUBJECT_CHECKS, type SubjectFields } from './subject-fields.js';

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
  globalContexts: c.optional((value, field) =>
    Array.isArray(value) ? (value as readonly GlobalContext[]) : c.reject(field, 'expected an array'),
  ),
  filter: c.optional(c.func<(event: FilteredEvent) => boolean>),
  eventFields: c.optional(c.func<(event: { readonly kind: string }) => Readonly<Record<string, string>> | undefined>),
  enrichers: c.optional(c.arrayOf(c.func<Enricher>)),
  newId: c.optional(c.func<() => string>),
  scheduler: c.optional((value, field) =>
    typeof (value as Partial<SchedulerLike> | null)?.now === 'function'
      ? (value as SchedulerLike)
      : c.reject(field, 'expected an RxJS scheduler'),
  ),
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
    newId: checked.newId ?? uuidv4,
  });
}
