// Builds the tracker's Identity from its options: where the ids are stored (cookie, localStorage, memory), the cookie
// attributes (a discovered root domain included) and the optional id inheritance modules (`inherit`: Snowplow's
// cookies, a cross-domain link), which stay out of a bundle that does not use them.
import {
  cookieAttributes,
  cookieStore,
  Identity,
  localStorageStore,
  type AnonymousMode,
  type CookieOptions,
  type StorageKind,
} from './identity.js';
import type { IdInheritance, IdState, InheritedIds } from './id-state.js';

/** What {@link createIdentity} needs from the tracker's options. */
export interface IdentityOptions {
  readonly active: boolean;
  readonly storage: StorageKind;
  readonly cookie: CookieOptions | undefined;
  readonly inherit: readonly IdInheritance[] | undefined;
  readonly sessionTimeoutMs: number;
  readonly anonymous: AnonymousMode | false;
  readonly now: () => number;
  /** Whether a consent signal forbids tracking now (`consentSignals`). */
  readonly blocked: (() => boolean) | undefined;
}

/** The Identity of a browser tracker; outside a browser or with storage `'none'`, one that keeps its ids in memory. */
export function createIdentity(o: IdentityOptions): Identity {
  if (!o.active || o.storage === 'none') return new Identity(undefined, o.sessionTimeoutMs, o.now, o.anonymous, undefined, o.blocked);
  const attributes = cookieAttributes(o.cookie);
  const store = o.storage === 'cookie' ? cookieStore(o.cookie, attributes) : localStorageStore(o.cookie);
  const sources = (o.inherit ?? []).map((inherit) => inherit({ attributes }));
  const adopting = sources.filter((s) => s.adopt !== undefined);
  const inherited: InheritedIds | undefined =
    sources.length === 0
      ? undefined
      : {
          // In the order given: this site's own (Snowplow) cookies before a link from another site.
          adopt:
            adopting.length === 0
              ? undefined
              : (now) => adopting.reduce<IdState | undefined>((found, s) => found ?? s.adopt!(now), undefined),
          write: (state, timeoutMs) => sources.forEach((s) => s.write?.(state, timeoutMs)),
          clear: () => sources.forEach((s) => s.clear()),
        };
  return new Identity(store, o.sessionTimeoutMs, o.now, o.anonymous, inherited, o.blocked);
}
