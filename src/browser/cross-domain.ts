// Cross-domain linking in Snowplow's format: links to the sites you name get `_sp=<duid>.<timestamp>` (or the
// extended `_sp=<duid>.<timestamp>.<sid>.<b64 uid>.<b64 app id>.<platform>.<b64 reason>`) when they are followed, and a
// landing page with no rxplow or Snowplow id adopts the domain user id of a fresh `_sp` parameter.
import { filter, fromEvent, map, merge } from 'rxjs';
import * as c from '../payload/checks.js';
import { UUID, type IdInheritance } from './id-state.js';
import { accepts } from './link-clicks.js';
import type { BrowserPlugin, BrowserTracker } from './tracker.js';

/** The query parameter Snowplow's cross-domain linker uses. */
export const LINKER_PARAMETER = '_sp';

/** Options of {@link crossDomainLinker}. */
export interface CrossDomainLinkerOptions {
  /** Which links are decorated (Snowplow's `crossDomainLinker` function), e.g. `(link) => link.hostname === 'shop.example.net'`. Required. */
  readonly filter: (link: HTMLAnchorElement | HTMLAreaElement) => boolean;
  /**
   * Snowplow's `useExtendedCrossDomainLinker`: `true` adds the session id and the app id (Snowplow's defaults); or
   * choose each attribute. @default false (`<duid>.<timestamp>`, the classic format)
   */
  readonly extended?:
    | boolean
    | {
        /** The session id. @default true */
        readonly sessionId?: boolean | undefined;
        /** The app id (`sourceId` option), base64url. @default true */
        readonly sourceId?: boolean | undefined;
        /** The platform (`web`). @default false */
        readonly sourcePlatform?: boolean | undefined;
        /** The business user id, base64url. @default false */
        readonly userId?: boolean | undefined;
        /** The link's text, or what the function says, base64url. @default false */
        readonly reason?: boolean | ((event: Event) => string) | undefined;
      }
    | undefined;
  /** The app id sent as `sourceId` in the extended format (Snowplow sends its `appId`). Default: none. */
  readonly sourceId?: string | undefined;
}

/** Snowplow's `decorateQuerystring`: sets `name=value` first in the query (replacing an earlier one), keeping the hash. */
export function decorateUrl(url: string, name: string, value: string): string {
  const [beforeHash, ...hash] = url.split('#');
  const [path, ...query] = beforeHash!.split('?');
  const pair = `${name}=${value}`;
  const fields = query.join('?') === '' ? [] : query.join('?').split('&');
  const at = fields.findIndex((f) => f.startsWith(`${name}=`));
  if (at >= 0) fields[at] = pair;
  else fields.unshift(pair);
  return [`${path}?${fields.join('&')}`, ...hash].join('#');
}

const base64Url = (text: string): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** The `_sp` value for `link` followed now (Snowplow's `createCrossDomainParameterValue`; the reason is the link's text). */
export function linkerValue(
  options: CrossDomainLinkerOptions,
  ids: { duid: string; sid: string | undefined; uid: string | undefined; now: number },
  event: Event,
  link: Element,
): string {
  if (!options.extended) return `${ids.duid}.${ids.now}`;
  const on = { sessionId: true, sourceId: true, ...(options.extended === true ? {} : options.extended) };
  const reason = typeof on.reason === 'function' ? on.reason(event) : on.reason ? (link.textContent ?? '').trim() : undefined;
  return [
    ids.duid,
    ids.now,
    on.sessionId ? ids.sid : '',
    on.userId ? base64Url(ids.uid ?? '') : '',
    on.sourceId ? base64Url(options.sourceId ?? '') : '',
    on.sourcePlatform ? 'web' : '',
    reason !== undefined ? base64Url(reason) : '',
  ]
    .map((v) => v ?? '')
    .join('.')
    .replace(/\.+$/, '');
}

/**
 * The domain user id a landing URL's `_sp` parameter carries, when it is a UUID and its timestamp is no older than
 * `maxAgeMs` (and not in the future by more than a minute); else `undefined`.
 */
export function linkedUserId(url: string, now: number, maxAgeMs: number): string | undefined {
  const match = new RegExp(`^[^#]*[?&]${LINKER_PARAMETER}=([^&#]*)`).exec(url);
  if (!match) return undefined;
  const [duid, ts] = decodeURIComponent(match[1]!).split('.');
  const at = Number(ts);
  return UUID.test(duid ?? '') && Number.isSafeInteger(at) && at <= now + 60_000 && now - at <= maxAgeMs ? duid : undefined;
}

/**
 * Snowplow's cross-domain linker: when a link `filter` accepts is followed (click, middle click, or a `mousedown` as
 * a context menu opens), its `href` gets the `_sp` parameter with the domain user id and the time, so the site it
 * leads to (rxplow or Snowplow) can join the two visits. One delegated listener (capture phase), so links added
 * later count too. Nothing is added in anonymous modes (there is no domain user id).
 *
 * @example
 * createBrowserTracker({ endpoint, plugins: [crossDomainLinker({ filter: (link) => link.hostname.endsWith('.example.net') })] });
 */
export function crossDomainLinker(options: CrossDomainLinkerOptions): BrowserPlugin {
  return (tracker: BrowserTracker) =>
    merge(...['click', 'auxclick', 'mousedown'].map((name) => fromEvent(document, name, { capture: true })))
      .pipe(
        map((event) => {
          const link = (event.target as Partial<Element> | null)?.closest?.('a[href],area[href]') as
            HTMLAnchorElement | HTMLAreaElement | null;
          return { event, link };
        }),
        filter(({ link }) => !!link && accepts(options.filter, link)),
      )
      .subscribe(({ event, link }) => {
        const duid = tracker.domainUserId;
        if (duid === undefined) return;
        try {
          const ids = { duid, sid: tracker.sessionId, uid: tracker.userId, now: tracker.scheduler.now() };
          link!.href = decorateUrl(link!.href, LINKER_PARAMETER, linkerValue(options, ids, event, link!));
        } catch {
          // A link whose href cannot be set (or a throwing reason function): followed undecorated.
        }
      });
}

/** Options of {@link crossDomainLanding}. */
export interface CrossDomainLandingOptions {
  /** A parameter older than this (its timestamp against the tracker's clock) is ignored (ms). @default 300_000 (5 minutes) */
  readonly maxAgeMs?: number | undefined;
}

/**
 * Reading Snowplow's cross-domain parameter on landing, for the tracker's `inherit` option: on a first load with no
 * rxplow id (and, when `snowplowCookies()` comes first in `inherit`, no Snowplow id either), the domain user id of
 * a fresh `_sp` parameter in the page URL (classic or extended, as Snowplow's linker and {@link crossDomainLinker}
 * write it) becomes the visitor's; the session is new.
 *
 * @example
 * createBrowserTracker({ endpoint, inherit: [snowplowCookies(), crossDomainLanding()] });
 * @throws {InvalidOptionsError} for an option it cannot use.
 */
export function crossDomainLanding(options: CrossDomainLandingOptions = {}): IdInheritance {
  const maxAgeMs = c.checkOptions({ maxAgeMs: c.optional(c.nonNegativeInteger) }, options).maxAgeMs ?? 300_000;
  return () => ({
    adopt: (now) => {
      const duid = linkedUserId(location.href, now, maxAgeMs);
      return duid === undefined ? undefined : { duid, vid: 0, sid: '', last: 0, prev: '', firstId: '', firstTs: 0, index: 0 };
    },
    clear: () => undefined,
  });
}
