// The stored id entry: its format, and the checks every value read back must pass (pure functions, no browser global).
import type { CookieAttributes } from './cookies.js';

/** The ids and session state, as stored (one entry, read and written on every event, so tabs share a session). */
export interface IdState {
  /** Domain user id (`duid`), a UUID. */
  duid: string;
  /** Session index (`vid`): 1 for the first session. */
  vid: number;
  /** Session id (`sid`), a UUID; `''` when the next event must start a session. */
  sid: string;
  /** When the last event was tracked, in ms since the epoch (on the tracker's scheduler clock). */
  last: number;
  /** The previous session's id, or `''`. */
  prev: string;
  /** The session's first event id, or `''` until it is known. */
  firstId: string;
  /** The session's first event time in ms, or 0. */
  firstTs: number;
  /** Events tracked in this session. */
  index: number;
}

/** A session the tracker started (on `BrowserTracker.sessions`). */
export interface SessionRecord {
  /** The new session's id (`sid`). */
  readonly sessionId: string;
  /** Its index (`vid`): 1 for the user's first session. */
  readonly sessionIndex: number;
  /** The session before it, or `undefined`. */
  readonly previousSessionId: string | undefined;
  /** The domain user id (`duid`); `undefined` in anonymous modes. */
  readonly domainUserId: string | undefined;
  /** When it started (its first event), on the tracker's scheduler clock (ms). */
  readonly timestamp: number;
}

/** Ids from before rxplow (Snowplow's cookies, a cross-domain link): adopted once, mirrored, forgotten with the user. */
export interface InheritedIds {
  /** The ids to start from when nothing is stored, on the first read only. Default: none. */
  readonly adopt?: ((now: number) => IdState | undefined) | undefined;
  /** Called with every state stored. Default: none. */
  readonly write?: ((state: IdState, sessionTimeoutMs: number) => void) | undefined;
  /** Forgets them (`clearUserData`, anonymous modes). */
  readonly clear: () => void;
}

/** What an id inheritance module is given by the tracker: the id cookie's attributes (resolved when first needed). */
export interface InheritContext {
  /** The id cookie's domain, path, `SameSite` and `Secure` (a discovered root domain resolved on the first call). */
  readonly attributes: () => CookieAttributes;
}

/**
 * An id inheritance module for the tracker's `inherit` option (`snowplowCookies()`, `crossDomainLanding()`): ids
 * from before rxplow, adopted on a first load with no rxplow id.
 */
export type IdInheritance = (context: InheritContext) => InheritedIds;

/** A UUID (any version), in the lower case rxplow and Snowplow write. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Largest session and event index `client_session` allows (2^31 − 1). */
const MAX_INDEX = 2_147_483_647;
/** Earliest plausible timestamp (2000-01-01T00:00:00Z): older ones are a broken clock or a forged value. */
const MIN_TS = 946_684_800_000;
/** How far ahead of the tracker's clock a stored time may be (another tab's clock, a small skew). */
export const CLOCK_SKEW_MS = 60_000;

/** `duid.vid.sid.last.prev.firstId.firstTs.index` (UUIDs and integers: cookie-safe without encoding). */
export const serialise = (s: IdState): string => [s.duid, s.vid, s.sid, s.last, s.prev, s.firstId, s.firstTs, s.index].join('.');

const inRange = (value: number, min: number, max: number): boolean => Number.isSafeInteger(value) && value >= min && value <= max;
const uuidOrEmpty = (value: string): boolean => value === '' || UUID.test(value);
/** A timestamp the session may hold: in [2000, now + skew]. */
export const plausibleTime = (ts: number, now: number): boolean => inRange(ts, MIN_TS, now + CLOCK_SKEW_MS);

/**
 * Checks a state read back from storage (or from Snowplow's cookie) against the clock: `undefined` when the user id
 * is unusable (a new user), the state as is when every value is sane, else the user id and session index kept with
 * the session cleared (`sid: ''`: the next event starts a new session). Sane: UUIDs where UUIDs go, indexes in
 * [0, 2^31 − 1], times in [2000, now + 1 min], the first event no later than the last.
 */
export function sanitise(state: IdState, now: number): IdState | undefined {
  if (!UUID.test(state.duid)) return undefined;
  const vid = inRange(state.vid, 0, MAX_INDEX - 1) ? state.vid : 0;
  const sessionOk =
    vid >= 1 &&
    UUID.test(state.sid) &&
    uuidOrEmpty(state.prev) &&
    uuidOrEmpty(state.firstId) &&
    plausibleTime(state.last, now) &&
    (state.firstTs === 0 || (plausibleTime(state.firstTs, now) && state.firstTs <= state.last + CLOCK_SKEW_MS)) &&
    inRange(state.index, 0, MAX_INDEX);
  if (sessionOk && vid === state.vid) return state;
  return { duid: state.duid, vid, sid: '', last: 0, prev: UUID.test(state.sid) ? state.sid : '', firstId: '', firstTs: 0, index: 0 };
}

/** Parses the stored text, then {@link sanitise}s it; `undefined` for text that is not an entry or an unusable one. */
export function parse(text: string | undefined, now: number): IdState | undefined {
  const p = text?.split('.');
  if (p?.length !== 8) return undefined;
  const [vid, last, firstTs, index] = [p[1], p[3], p[6], p[7]].map((v) => (/^\d{1,16}$/.test(v!) ? Number(v) : NaN)) as [
    number,
    number,
    number,
    number,
  ];
  return sanitise({ duid: p[0]!, vid, sid: p[2]!, last, prev: p[4]!, firstId: p[5]!, firstTs, index }, now);
}

/** Of several stored entries (a host-only and a Domain cookie of the same name), the one used most recently. */
export function newest(states: readonly (IdState | undefined)[]): IdState | undefined {
  let best: IdState | undefined;
  for (const s of states) if (s && (!best || s.last > best.last)) best = s;
  return best;
}
