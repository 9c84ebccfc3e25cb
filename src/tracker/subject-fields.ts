import * as c from '../payload/checks.js';
import { toWellFormed } from '../payload/well-formed.js';
import { TRACKER_VERSION } from '../version.js';

/** The platforms the tracker protocol defines (`p`). */
/** The platform codes the tracker protocol allows (`p`). */
export const PLATFORMS = ['web', 'mob', 'pc', 'srv', 'app', 'tv', 'cnsl', 'iot', 'headset'] as const;
/** A tracker-protocol platform code (`p`). */
export type Platform = (typeof PLATFORMS)[number];

/**
 * Who and what an event is about: Snowplow's "subject" (named SubjectFields so that nothing here shadows RxJS's Subject).
 * Set on the tracker (`subject` option, `setSubject()`, the `set…` methods) and overridden per call (`options.subject`).
 */
export interface SubjectFields {
  /** The platform (`p`). Default: `'srv'`. */
  readonly platform?: Platform | undefined;
  /** Your business user id (`uid`). */
  readonly userId?: string | undefined;
  /** Screen resolution as `"<width>x<height>"` (`res`). */
  readonly screenResolution?: string | undefined;
  /** Viewport as `"<width>x<height>"` (`vp`). */
  readonly viewport?: string | undefined;
  /** Colour depth in bits (`cd`), an integer. */
  readonly colorDepth?: number | undefined;
  /** IANA time zone such as `Europe/London` (`tz`). */
  readonly timezone?: string | undefined;
  /** Language such as `en-GB` (`lang`). */
  readonly language?: string | undefined;
  /** IP address override (`ip`); the collector fills it in when absent. */
  readonly ipAddress?: string | undefined;
  /** User-agent override (`ua`); the collector uses the request's header when absent. */
  readonly useragent?: string | undefined;
  /** Domain (first-party cookie) user id (`duid`). */
  readonly domainUserId?: string | undefined;
  /** Network user id (`tnuid`, which the pipeline prefers over the collector's cookie `nuid`). */
  readonly networkUserId?: string | undefined;
  /** Session id (`sid`), a UUID (the pipeline rejects anything else). */
  readonly sessionId?: string | undefined;
  /** Session index (`vid`), an integer ≥ 0. */
  readonly sessionIndex?: number | undefined;
}

/** Subject field → tracker-protocol key. */
export const SUBJECT_WIRE_KEYS = {
  platform: 'p',
  userId: 'uid',
  screenResolution: 'res',
  viewport: 'vp',
  colorDepth: 'cd',
  timezone: 'tz',
  language: 'lang',
  ipAddress: 'ip',
  useragent: 'ua',
  domainUserId: 'duid',
  networkUserId: 'tnuid',
  sessionId: 'sid',
  sessionIndex: 'vid',
} as const satisfies Record<keyof SubjectFields, string>;

const optionalString = c.optional(c.string);
const dimensions = c.optional(c.matching(/^\d+x\d+$/, 123));

export const SUBJECT_CHECKS: c.Checks<SubjectFields> = {
  platform: c.optional(c.oneOf(PLATFORMS)),
  userId: optionalString,
  screenResolution: dimensions,
  viewport: dimensions,
  colorDepth: c.optional(c.nonNegativeInteger),
  timezone: optionalString,
  language: optionalString,
  ipAddress: optionalString,
  useragent: optionalString,
  domainUserId: optionalString,
  networkUserId: optionalString,
  sessionId: c.optional(c.uuid),
  sessionIndex: c.optional(c.nonNegativeInteger),
};

/** Validated subject fields → wire fields (strings), leaving out what is unset or empty. */
export function subjectToWire(fields: SubjectFields): Record<string, string> {
  const wire: Record<string, string> = {};
  for (const key in SUBJECT_WIRE_KEYS) {
    const value = fields[key as keyof SubjectFields];
    if (value !== undefined && value !== '') wire[SUBJECT_WIRE_KEYS[key as keyof SubjectFields]] = String(value);
  }
  return wire;
}

/** The wire fields every event of a tracker carries: `tv`, `tna`, `aid` and the subject's, well-formed and frozen. */
export function commonFields(
  { namespace, appId }: { readonly namespace?: string | undefined; readonly appId?: string | undefined },
  subject: SubjectFields,
): Readonly<Record<string, string>> {
  const common: Record<string, string> = { tv: TRACKER_VERSION };
  if (namespace) common['tna'] = toWellFormed(namespace);
  if (appId) common['aid'] = toWellFormed(appId);
  const wire = subjectToWire(subject);
  for (const key in wire) common[key] = toWellFormed(wire[key]!);
  return Object.freeze(common);
}
