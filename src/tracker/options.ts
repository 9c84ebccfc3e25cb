import * as c from '../payload/checks.js';
import { checkSelfDescribing, type SelfDescribing } from '../payload/self-describing-json.js';
import { SUBJECT_CHECKS, type SubjectFields } from './subject-fields.js';

/** Options of `new Tracker(emitters, options)`. */
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
  context: c.optional(c.arrayOf(checkSelfDescribing)),
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
};

export interface ResolvedTrackerOptions {
  readonly namespace: string | undefined;
  readonly appId: string | undefined;
  readonly encodeBase64: boolean;
  readonly subject: SubjectFields;
}

/** Validates tracker options into a new frozen object; throws InvalidOptionsError naming the option. */
export function resolveTrackerOptions(options: TrackerOptions): ResolvedTrackerOptions {
  const checked = c.checkOptions(TRACKER_OPTION_CHECKS, options);
  return Object.freeze({
    namespace: checked.namespace,
    appId: checked.appId,
    encodeBase64: checked.encodeBase64 ?? TRACKER_DEFAULTS.encodeBase64,
    subject: { platform: TRACKER_DEFAULTS.platform, ...checked.subject },
  });
}
