// Builds the tracker's Identity from its options: where the ids are stored (cookie, localStorage, memory), the cookie
// attributes (a discovered root domain included) and continuity with Snowplow's cookies.
import * as c from '../payload/checks.js';
import {
  cookieAttributes,
  cookieStore,
  Identity,
  localStorageStore,
  type AnonymousMode,
  type CookieOptions,
  type StorageKind,
} from './identity.js';
import { linkedUserId } from './cross-domain.js';
import type { IdState } from './id-state.js';
import { snowplowIds, type SnowplowCookieOptions } from './snowplow-cookies.js';

/** What {@link createIdentity} needs from the tracker's options. */
export interface IdentityOptions {
  readonly active: boolean;
  readonly storage: StorageKind;
  readonly cookie: CookieOptions | undefined;
  readonly snowplowCookies: unknown;
  readonly crossDomain: unknown;
  readonly sessionTimeoutMs: number;
  readonly anonymous: AnonymousMode | false;
  readonly now: () => number;
  /** Whether a consent signal forbids tracking now (consent.ts). */
  readonly blocked: (() => boolean) | undefined;
}

/** Reading Snowplow's cross-domain parameter on landing. Every field has a default. */
export interface CrossDomainOptions {
  /**
   * On a first load with no rxplow (or Snowplow) id, take the domain user id from the page URL's `_sp` parameter
   * (`<duid>.<timestamp>`, classic or extended, as Snowplow's linker and rxplow's `crossDomainLinker` write it). @default true
   */
  readonly adopt?: boolean | undefined;
  /** A parameter older than this (its timestamp against the tracker's clock) is ignored (ms). @default 300_000 (5 minutes) */
  readonly maxAgeMs?: number | undefined;
}

const SNOWPLOW_CHECKS: c.Checks<{ snowplowCookies?: SnowplowCookieOptions | undefined; crossDomain?: CrossDomainOptions | undefined }> = {
  crossDomain: c.optional(c.objectOf<CrossDomainOptions>({ adopt: c.optional(c.boolean), maxAgeMs: c.optional(c.nonNegativeInteger) })),
  snowplowCookies: c.optional(
    c.objectOf<SnowplowCookieOptions>({
      adopt: c.optional(c.boolean),
      write: c.optional(c.boolean),
      prefix: c.optional(c.matching(/^[\w.-]*$/, 'letters, digits, "_", "-", "."')),
    }),
  ),
};

/**
 * The Identity of a browser tracker; outside a browser or with storage `'none'`, one that keeps its ids in memory.
 * @throws {InvalidOptionsError} for a `snowplowCookies` option it cannot use.
 */
export function createIdentity(o: IdentityOptions): Identity {
  const { snowplowCookies, crossDomain } = c.checkOptions(SNOWPLOW_CHECKS, {
    snowplowCookies: o.snowplowCookies,
    crossDomain: o.crossDomain,
  });
  if (!o.active || o.storage === 'none') return new Identity(undefined, o.sessionTimeoutMs, o.now, o.anonymous, undefined, o.blocked);
  const attributes = cookieAttributes(o.cookie);
  const store = o.storage === 'cookie' ? cookieStore(o.cookie, attributes) : localStorageStore(o.cookie);
  const sp = snowplowCookies ?? {};
  const ids = snowplowIds(sp, attributes);
  const linked = crossDomain?.adopt === false ? undefined : linkedUserId(location.href, o.now(), crossDomain?.maxAgeMs ?? 300_000);
  const fromLink = (): IdState | undefined =>
    linked === undefined ? undefined : { duid: linked, vid: 0, sid: '', last: 0, prev: '', firstId: '', firstTs: 0, index: 0 };
  return new Identity(
    store,
    o.sessionTimeoutMs,
    o.now,
    o.anonymous,
    {
      // This site's own (Snowplow) cookies first: a link from another site does not replace a known visitor.
      adopt: (now) => (sp.adopt === false ? undefined : ids.read(now)) ?? fromLink(),
      write: sp.write === true ? (state, timeout) => ids.write(state, timeout) : undefined,
      clear: () => ids.clear(),
    },
    o.blocked,
  );
}
