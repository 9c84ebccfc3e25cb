// Snowplow's first-party cookies (`_sp_id.<hash>`, `_sp_ses.<hash>`, @snowplow/browser-tracker 3.x/4.x): read once to
// adopt a returning visitor's ids, and optionally written on every event so both trackers can run side by side.
import { cookieNames, cookieValues, writeCookie, type CookieAttributes } from './cookies.js';
import * as c from '../payload/checks.js';
import { sanitise, type IdInheritance, type IdState } from './id-state.js';
import { sha1Hex } from './sha1.js';

/** Options of {@link snowplowCookies}. Every field has a default. */
export interface SnowplowCookieOptions {
  /**
   * On the first event with no rxplow id entry, take the domain user id, session id and index, previous session and
   * first event from Snowplow's `_sp_id.*` cookie (the session continues when its `_sp_ses.*` cookie is still there,
   * as Snowplow decides). @default true
   */
  readonly adopt?: boolean | undefined;
  /**
   * Also write Snowplow's `_sp_id.*` and `_sp_ses.*` cookies on every event (same domain, path and attributes as the
   * rxplow cookie), so a page still running Snowplow's tracker keeps the same user and session. @default false
   */
  readonly write?: boolean | undefined;
  /** Snowplow's `cookieName` option (the cookies' prefix). @default '_sp_' */
  readonly prefix?: string | undefined;
}

/** What Snowplow's id cookie holds besides rxplow's state (kept to write it back unchanged). */
interface Extra {
  createTs: number;
  lastVisitTs: string;
}

/** Snowplow's cookies as a second id store: `read` to adopt, `write` to mirror, `clear` to forget. */
export interface SnowplowIds {
  read(now: number): IdState | undefined;
  write(state: IdState, sessionTimeoutMs: number): void;
  clear(): void;
}

/** Snowplow's cookie suffix: the first 4 hex digits of sha1(domain + path), the domain being the host without a cookie domain. */
const hashOf = (a: CookieAttributes): string => sha1Hex((a.domain ?? location.hostname) + a.path).slice(0, 4);

const decode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** Snowplow's cookies with the attributes `attributes()` gives (read when needed: a discovered domain comes late). */
export function snowplowIds(options: SnowplowCookieOptions, attributes: () => CookieAttributes): SnowplowIds {
  const prefix = options.prefix ?? '_sp_';
  const extra: Extra = { createTs: 0, lastVisitTs: '' };
  let suffix: string | undefined;
  let lastSid = '';
  /** The cookie suffixes present, the most recently used first. */
  const found = (): { suffix: string; fields: string[] }[] =>
    cookieNames(`${prefix}id.`)
      .flatMap((name) => cookieValues(name).map((v) => ({ suffix: name.slice(prefix.length + 3), fields: decode(v).split('.') })))
      .filter((c) => c.fields.length >= 7)
      .sort((x, y) => Number(y.fields[3]) - Number(x.fields[3]));
  return {
    read: (now) => {
      const [cookie] = found();
      if (!cookie) return undefined;
      const [duid, createTs, visits, nowTs, lastVisitTs, sid, prev, firstId, firstTs, index] = cookie.fields;
      const integer = (v: string | undefined): number => (v && /^\d{1,16}$/.test(v) ? Number(v) : v ? NaN : 0);
      suffix = cookie.suffix;
      extra.createTs = integer(createTs);
      extra.lastVisitTs = lastVisitTs ?? '';
      const live = cookieValues(`${prefix}ses.${cookie.suffix}`).length > 0;
      const state = sanitise(
        {
          duid: duid ?? '',
          vid: integer(visits),
          sid: sid ?? '',
          last: integer(nowTs) * 1000,
          prev: prev ?? '',
          firstId: firstId ?? '',
          firstTs: integer(firstTs),
          index: integer(index),
        },
        now,
      );
      // No session cookie: Snowplow would start a new session on the next event, and so does rxplow.
      return state && !live ? { ...state, sid: '', prev: state.sid || state.prev, firstId: '', firstTs: 0, index: 0 } : state;
    },
    write: (s, sessionTimeoutMs) => {
      const a = attributes();
      suffix ??= hashOf(a);
      const nowTs = Math.round(s.last / 1000);
      extra.createTs ||= nowTs;
      if (lastSid && lastSid !== s.sid) extra.lastVisitTs = String(nowTs);
      lastSid = s.sid;
      const fields = [s.duid, extra.createTs, s.vid, nowTs, extra.lastVisitTs, s.sid, s.prev, s.firstId, s.firstTs || '', s.index];
      writeCookie(`${prefix}id.${suffix}`, fields.join('.'), 63_072_000, a);
      writeCookie(`${prefix}ses.${suffix}`, '*', Math.round(sessionTimeoutMs / 1000), a);
    },
    clear: () => {
      const a = attributes();
      for (const name of [...cookieNames(`${prefix}id.`), ...cookieNames(`${prefix}ses.`)]) {
        writeCookie(name, '', 0, a);
        writeCookie(name, '', 0, { ...a, domain: undefined });
      }
    },
  };
}

const CHECKS: c.Checks<SnowplowCookieOptions> = {
  adopt: c.optional(c.boolean),
  write: c.optional(c.boolean),
  prefix: c.optional(c.matching(/^[\w.-]*$/, 116)),
};

/**
 * Continuity with Snowplow's browser tracker, for the tracker's `inherit` option: on a first load with no rxplow id,
 * the visitor keeps the user, session and session index Snowplow's `_sp_id.*`/`_sp_ses.*` cookies hold; with
 * `write: true` those cookies are kept up to date, so Snowplow's tracker on other pages continues rxplow's session.
 * `clearUserData()` deletes them too.
 *
 * @example
 * createBrowserTracker({ endpoint, inherit: [snowplowCookies({ write: true })] });
 * @throws {InvalidOptionsError} for an option it cannot use.
 */
export function snowplowCookies(options: SnowplowCookieOptions = {}): IdInheritance {
  const o = c.checkOptions(CHECKS, options);
  return ({ attributes }) => {
    const ids = snowplowIds(o, attributes);
    return { adopt: o.adopt === false ? undefined : ids.read, write: o.write ? ids.write : undefined, clear: ids.clear };
  };
}
