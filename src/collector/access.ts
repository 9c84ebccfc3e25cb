// Who may use the collector's `/micro/*` API, and what a stored request may show. Pure decisions, no I/O.
//
// The tracking endpoints (`/i`, tp2) answer any origin, as a collector must: a browser app on another port sends
// events to them. `/micro/*` reads and resets what was recorded, so it answers only requests that name this machine
// in `Host` (no DNS rebinding) and that do not come from a page on a foreign site.
import type { IncomingHttpHeaders } from 'node:http';
import { LOOPBACK_HOSTS } from './defaults.js';

/** The host names (lower case, IPv6 in brackets, no port) that `/micro/*` answers to. */
export function allowedHostNames(host: string, extra: readonly string[] = []): ReadonlySet<string> {
  const names = [...LOOPBACK_HOSTS, host, ...extra].map(normaliseHostName).filter((name): name is string => name !== undefined);
  return new Set(names);
}

/** `Example.COM` → `example.com`, `::1` → `[::1]`; `undefined` for an empty name. */
function normaliseHostName(name: string): string | undefined {
  const lower = name.trim().toLowerCase();
  if (lower === '') return undefined;
  return lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
}

/** The host name of a `Host` header (`localhost:9090` → `localhost`, `[::1]:9090` → `[::1]`); `undefined` if malformed. */
export function hostNameOf(hostHeader: string | undefined): string | undefined {
  if (hostHeader === undefined) return undefined;
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::\d{1,5})?$/i.exec(hostHeader.trim());
  return match ? match[1]!.toLowerCase() : undefined;
}

/** Whether `origin` (an `Origin` header, or a `Referer` URL) is a page served from one of the `allowed` hosts. */
export function isAllowedOrigin(origin: string, allowed: ReadonlySet<string>): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes "null": sandboxed frames, file:// pages
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && allowed.has(url.hostname.toLowerCase());
}

/** Why a `/micro/*` request is refused (answered 403), or `undefined` when it may proceed. */
export function microRefusal(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>): string | undefined {
  const host = hostNameOf(headers.host);
  if (host === undefined || !allowed.has(host)) {
    return `the Micro API answers only to Host ${[...allowed].join(', ')} (any port), not ${JSON.stringify(headers.host ?? '(none)')}`;
  }
  const origin = headers.origin;
  if (origin !== undefined) {
    return isAllowedOrigin(origin, allowed)
      ? undefined
      : `the Micro API does not answer pages from other sites (Origin ${JSON.stringify(origin)})`;
  }
  // No Origin: a plain client (curl, Node, a test runner), or a browser's no-cors GET (an <img>, a link).
  if (headers['sec-fetch-site'] === 'cross-site')
    return 'the Micro API does not answer pages from other sites (Sec-Fetch-Site: cross-site)';
  const referer = headers.referer;
  if (referer !== undefined && !isAllowedOrigin(referer, allowed)) return 'the Micro API does not answer pages from other sites (Referer)';
  return undefined;
}

/** CORS headers for a `/micro/*` answer: readable by pages on the allowed hosts, never with credentials. */
export function microCorsHeaders(origin: string | undefined, allowed: ReadonlySet<string>): Record<string, string> {
  return origin !== undefined && isAllowedOrigin(origin, allowed)
    ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }
    : { Vary: 'Origin' };
}

/** CORS headers for the tracking endpoints: any origin, with credentials (a browser tracker sends the `sp` cookie). */
export function trackingCorsHeaders(origin: string | undefined): Record<string, string> {
  return origin !== undefined
    ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' }
    : { 'Access-Control-Allow-Origin': '*', Vary: 'Origin' };
}

/** What a stored credentials-bearing header shows instead of its value. */
export const REDACTED = '[redacted]';

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-csrf-token',
  'x-xsrf-token',
]);
const SECRET_WORDS = /(?:^|-)(?:auth|authorization|token|secret|password|passwd|apikey|api-key|key|session|credentials?|signature)(?:-|$)/i;

/** Whether a header (by its name) may carry credentials: `Authorization`, `Cookie`, `X-Api-Key`, `X-Auth-Token`, … */
export const isSecretHeader = (name: string): boolean => SECRET_HEADERS.has(name.toLowerCase()) || SECRET_WORDS.test(name);

/** The headers with every credentials-bearing value replaced by {@link REDACTED}. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = isSecretHeader(name) ? REDACTED : value;
  return out;
}
