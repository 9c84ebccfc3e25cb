// The emitter's option checks and their resolution into `ResolvedEmitterOptions`: the one validator (payload/checks.ts)
// over a table per option, and the endpoint's resolution (scheme, port, loopback over http).
import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { diagnostic } from '../diagnostics.js';
import { InvalidOptionsError } from '../errors.js';
import * as c from '../payload/checks.js';
import { GET_PATH } from '../payload/paths.js';
import { MAX_DURATION_MS } from './durations.js';
import {
  EMITTER_DEFAULTS,
  type EmitterOptions,
  type ResolvedEmitterOptions,
  type ResolvedRetryOptions,
  type RetryOptions,
} from './options.js';
import type { QueueStore } from './store.js';
import type { Transport } from './transport.js';

const positiveInteger = c.optional(c.positiveInteger);
const statusList = c.optional(c.arrayOf(c.integer));

/** A duration in ms: an integer in [min, 2^31 − 1], so a timer can honour it exactly. */
export const duration = (min: number): c.Check<number | undefined> =>
  c.optional((value, field) => {
    const ms = c.integer(value, field);
    return ms >= min && ms <= MAX_DURATION_MS ? ms : c.fail(field, 401, min, MAX_DURATION_MS, ms);
  });

const anyDuration = duration(0);

/** `check`, or `Infinity` (for no limit). */
const orInfinity =
  <T>(check: c.Check<T>): c.Check<T | number | undefined> =>
  (value, field) =>
    value === Infinity ? Infinity : check(value, field);

/**
 * Headers the runtime sets itself (fetch's forbidden request headers, `Proxy-*` and `Sec-*` included): fetch refuses or
 * silently drops them, so they could never be sent; and Content-Type, which rxplow sets.
 */
const FORBIDDEN_HEADER =
  /^(?:accept-(?:charset|encoding)|access-control-request-(?:headers|method)|connection|content-(?:length|type)|cookie2|date|dnt|expect|host|keep-alive|origin|referer|te|trailer|transfer-encoding|upgrade|via|proxy-.*|sec-.*)$/i;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Latin-1 without NUL, CR or LF, no leading or trailing whitespace (fetch would strip it). */
const HEADER_VALUE = /^(?:[^\0\r\n\t \u0100-\uffff](?:[^\0\r\n\u0100-\uffff]*[^\0\r\n\t \u0100-\uffff])?)?$/;

const checkHeaders: c.Check<Record<string, string> | undefined> = c.optional((value, field) => {
  const headers = c.jsonObject(value, field);
  for (const name in headers) {
    if (!HEADER_NAME.test(name)) c.fail(`${field} name`, 402, name);
    if (FORBIDDEN_HEADER.test(name)) c.fail(`${field}.${name}`, 403);
    const text = c.string(headers[name], `${field}.${name}`);
    if (!HEADER_VALUE.test(text)) c.fail(`${field}.${name}`, 404);
  }
  return headers as Record<string, string>;
});

const RETRY_CHECKS: c.Checks<RetryOptions> = {
  limit: c.optional(orInfinity(c.nonNegativeInteger)),
  baseDelayMs: anyDuration,
  maxDelayMs: anyDuration,
  maxAgeMs: orInfinity(anyDuration),
  retryStatusCodes: statusList,
  dontRetryStatusCodes: statusList,
  jitter: c.optional((value, field) => (typeof value === 'function' ? (value as () => number) : c.boolean(value, field))),
};

/** The `retry` option: a policy, or a number as shorthand for `{ limit }` (shared with other sinks' options). */
export const retryOption: c.Check<number | RetryOptions | undefined> = c.optional((value, field) =>
  typeof value === 'number' ? c.nonNegativeInteger(value, field) : c.objectOf(RETRY_CHECKS)(value, field),
);

/** A `scheduler` option: anything with `schedule` (an RxJS scheduler). */
export const schedulerOption = c.withMethod<SchedulerLike>('schedule', 117);

/** The random source of a retry policy's `jitter`: `Math.random`, none (the full delay), or the caller's. */
export const jitterRandom = (retry: ResolvedRetryOptions): (() => number) =>
  retry.jitter === true ? Math.random : retry.jitter === false ? () => 0.999_999_999 : retry.jitter;

const EMITTER_CHECKS: c.Checks<EmitterOptions> = {
  method: c.optional(c.oneOf(['post', 'get'])),
  protocol: c.optional(c.oneOf(['http', 'https'])),
  port: c.optional((value, field) => (c.positiveInteger(value, field) <= 65_535 ? (value as number) : c.fail(field, 405))),
  postPath: c.optional(c.matching(/^\/\S*$/, 115)),
  bufferSize: positiveInteger,
  flushIntervalMs: anyDuration,
  maxPostBytes: positiveInteger,
  maxGetBytes: positiveInteger,
  concurrency: positiveInteger,
  timeoutMs: duration(1),
  retry: retryOption,
  isSuccess: c.optional(c.func<(status: number) => boolean>),
  headers: checkHeaders,
  fetch: c.optional(c.func<typeof fetch>),
  transport: c.optional(c.func<Transport>),
  credentials: c.optional(c.oneOf(['omit', 'same-origin', 'include'])),
  anonymous: c.optional(c.boolean),
  maxQueueSize: c.optional(orInfinity(c.positiveInteger)),
  name: c.optional(c.nonEmptyString),
  scheduler: schedulerOption,
  store: c.withMethod<QueueStore>('settle', 118),
  retryNow: c.withMethod<Observable<unknown>>('subscribe', 119),
};

const isDefaultSuccess = (status: number): boolean => status >= 200 && status < 400;

/** Validates and resolves emitter options into a new frozen object. @throws {InvalidOptionsError} */
export function resolveEmitterOptions(endpoint: string, options: EmitterOptions = {}): ResolvedEmitterOptions {
  const o = c.checkOptions(EMITTER_CHECKS, options);
  const d = EMITTER_DEFAULTS;
  const method = o.method ?? d.method;
  const baseUrl = toBaseUrl(endpoint, o.protocol, o.port);
  const url = baseUrl + (method === 'get' ? GET_PATH : (o.postPath ?? d.postPath));
  const retry = typeof o.retry === 'number' ? { limit: o.retry } : (o.retry ?? {});
  const headers: Record<string, string> = { ...o.headers };
  if (o.anonymous) headers['SP-Anonymous'] = '*';
  // The defaults, each option given over its own, then what is derived from them.
  return Object.freeze({
    ...d,
    bufferSize: d.bufferSize[method],
    isSuccess: isDefaultSuccess,
    name: `${method.toUpperCase()} ${url}`,
    scheduler: asyncScheduler,
    fetch: undefined,
    transport: undefined,
    store: undefined,
    retryNow: undefined,
    ...c.given(o),
    method,
    baseUrl,
    url,
    retry: Object.freeze({ ...d.retry, ...c.given(retry) }),
    headers: Object.freeze(headers),
  });
}

/** A loopback host (`localhost`, `*.localhost`, `127.x.x.x`, `[::1]`): a bare one is reached over http. */
const LOOPBACK = /^(?:(?:[^/:]+\.)?localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d*)?(?:\/|$)/i;

function toBaseUrl(endpoint: unknown, protocol: string | undefined, port: number | undefined): string {
  if (typeof endpoint !== 'string' || endpoint.trim() === '') throw new InvalidOptionsError('endpoint', diagnostic(406));
  // Browsers' URL parsers percent-encode some characters Node's rejects: refuse whitespace everywhere alike.
  if (/\s/.test(endpoint)) throw new InvalidOptionsError('endpoint', diagnostic(407, endpoint));
  const bare = !endpoint.includes('://');
  const text = bare ? `${protocol ?? (LOOPBACK.test(endpoint) ? 'http' : EMITTER_DEFAULTS.protocol)}://${endpoint}` : endpoint;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidOptionsError('endpoint', diagnostic(407, endpoint));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidOptionsError('endpoint', diagnostic(408, url.protocol));
  if (url.username || url.password) throw new InvalidOptionsError('endpoint', diagnostic(409));
  if (url.search || url.hash) throw new InvalidOptionsError('endpoint', diagnostic(410));
  // An option the endpoint contradicts is refused, not ignored.
  const scheme = url.protocol.slice(0, -1);
  if (!bare && protocol !== undefined && scheme !== protocol) contradicts('protocol', protocol, scheme);
  if (port !== undefined) {
    if (url.port !== '' && url.port !== String(port)) contradicts('port', port, url.port);
    url.port = String(port);
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function contradicts(option: string, given: unknown, endpoint: string): never {
  throw new InvalidOptionsError(option, diagnostic(411, option, given, endpoint));
}
