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
import { snowplowIds, type SnowplowCookieOptions } from './snowplow-cookies.js';

/** What {@link createIdentity} needs from the tracker's options. */
export interface IdentityOptions {
  readonly active: boolean;
  readonly storage: StorageKind;
  readonly cookie: CookieOptions | undefined;
  readonly snowplowCookies: unknown;
  readonly sessionTimeoutMs: number;
  readonly anonymous: AnonymousMode | false;
  readonly now: () => number;
}

const SNOWPLOW_CHECKS: c.Checks<{ snowplowCookies?: SnowplowCookieOptions | undefined }> = {
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
  const { snowplowCookies } = c.checkOptions(SNOWPLOW_CHECKS, { snowplowCookies: o.snowplowCookies });
  if (!o.active || o.storage === 'none') return new Identity(undefined, o.sessionTimeoutMs, o.now, o.anonymous);
  const attributes = cookieAttributes(o.cookie);
  const store = o.storage === 'cookie' ? cookieStore(o.cookie, attributes) : localStorageStore(o.cookie);
  const sp = snowplowCookies ?? {};
  const snowplow = { ids: snowplowIds(sp, attributes), adopt: sp.adopt !== false, write: sp.write === true };
  return new Identity(store, o.sessionTimeoutMs, o.now, o.anonymous, snowplow);
}
