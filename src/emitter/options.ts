import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { InvalidOptionsError } from '../errors.js';
import * as c from '../payload/checks.js';
import { GET_PATH, TP2_PATH } from '../payload/paths.js';
import { MAX_DURATION_MS } from './durations.js';
import type { QueueStore } from './store.js';
import type { Transport } from './transport.js';

/** Retry settings of an emitter. */
export interface RetryOptions {
  /** Retries after the first attempt (so `limit + 1` attempts at most). `0` disables retries; `Infinity`: no limit (durable queues). @default 5 */
  readonly limit?: number | undefined;
  /** Delay before the first retry, in ms; doubled each retry (exponential backoff), with full jitter over [½·delay, delay]. @default 200 */
  readonly baseDelayMs?: number | undefined;
  /** Cap on any single delay, including a server's `Retry-After`. @default 30_000 */
  readonly maxDelayMs?: number | undefined;
  /** Give up on a batch this long after its first attempt, whatever `limit` says; `Infinity`: never. @default 600_000 (10 minutes) */
  readonly maxAgeMs?: number | undefined;
  /** Statuses always retried (wins over `dontRetryStatusCodes`). Without it: 408, 429 and 5xx are retried, network errors and timeouts too. @default [] */
  readonly retryStatusCodes?: readonly number[] | undefined;
  /** Statuses never retried. @default [400, 401, 403, 410, 422] */
  readonly dontRetryStatusCodes?: readonly number[] | undefined;
  /**
   * Jitter on backoff delays: `true` spreads each delay over [½·delay, delay] with `Math.random`; `false` waits the
   * full delay; a function supplies the random number in [0, 1) (for reproducible runs). @default true
   */
  readonly jitter?: boolean | (() => number) | undefined;
}

/** Options of `new Emitter(endpoint, options)`. */
export interface EmitterOptions {
  /** `'post'`: batches to `/com.snowplowanalytics.snowplow/tp2`; `'get'`: one event per request to `/i`. @default 'post' */
  readonly method?: 'post' | 'get' | undefined;
  /** Scheme used when `endpoint` is a bare host. @default 'https' */
  readonly protocol?: 'http' | 'https' | undefined;
  /** Port used when `endpoint` is a bare host. Default: the scheme's. */
  readonly port?: number | undefined;
  /** POST path. @default '/com.snowplowanalytics.snowplow/tp2' */
  readonly postPath?: string | undefined;
  /** A request is sent as soon as this many events wait. @default 10 for POST, 1 for GET */
  readonly bufferSize?: number | undefined;
  /** A partial batch is sent this long after its first event arrived. No timer runs while nothing waits. @default 1000 */
  readonly flushIntervalMs?: number | undefined;
  /** Largest POST body in bytes (UTF-8, envelope included); batches split to fit; an event that cannot fit alone is `dropped` (`oversize`). @default 40_000 */
  readonly maxPostBytes?: number | undefined;
  /** Largest GET URL in bytes; an event whose URL is longer is `dropped` (`oversize`). @default 8_192 */
  readonly maxGetBytes?: number | undefined;
  /** Requests in flight at once (the Python tracker's `thread_count`). @default 4 */
  readonly concurrency?: number | undefined;
  /**
   * Per-attempt timeout in ms, from the start of the request to its status, on a timer the emitter owns (on its
   * `scheduler`): it holds even for a `fetch` that ignores its AbortSignal. The response body is never read.
   * At most 2_147_483_647 (about 24.8 days), like every duration option. @default 10_000
   */
  readonly timeoutMs?: number | undefined;
  /** Retry policy, or a number as shorthand for `{ limit }`. */
  readonly retry?: number | RetryOptions | undefined;
  /** Decides which HTTP statuses mean delivered. @default 2xx and 3xx */
  readonly isSuccess?: ((status: number) => boolean) | undefined;
  /**
   * Extra request headers. Names must be HTTP tokens and values Latin-1 without NUL or line breaks; headers the
   * runtime owns (`Content-Length`, `Host`, `Connection`, `Transfer-Encoding`, …) are refused. @default {}
   */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The fetch to use: for proxies, edge runtimes, tests (`rxplow/testing`'s collector). @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /**
   * How requests are sent. Default: ky ({@link createKyTransport}) over `fetch`, with `credentials`. A custom
   * transport replaces both `fetch` and `credentials`.
   */
  readonly transport?: Transport | undefined;
  /**
   * The fetch credentials mode (browsers). `'include'`, as Snowplow's browser tracker, keeps the collector's
   * network-user-id cookie (the collector must answer CORS with credentials); `'omit'` sends no cookies. @default 'include'
   */
  readonly credentials?: 'omit' | 'same-origin' | 'include' | undefined;
  /** Sends `SP-Anonymous: *` so the collector does not record IP or cookies. @default false */
  readonly anonymous?: boolean | undefined;
  /** Undelivered events this emitter may hold (queued, in flight or waiting to retry); beyond it, events are `dropped` (`queue-full`). @default 100_000 */
  readonly maxQueueSize?: number | undefined;
  /** The emitter's name in outcomes. Default: `'<method> <url>'`. */
  readonly name?: string | undefined;
  /**
   * The RxJS scheduler for the batch timer and retry delays. Angular apps can pass one that runs outside NgZone, so a
   * waiting batch does not keep the app "unstable" (SSR hydration, `whenStable`). @default asyncScheduler
   */
  readonly scheduler?: SchedulerLike | undefined;
  /**
   * Where the emitter holds events until their final outcome: a durable queue's store (the browser outbox's, the
   * Redis worker's). Default: a new in-memory ledger.
   */
  readonly store?: QueueStore | undefined;
  /**
   * Each emission cuts every pending retry's backoff short: the retry is attempted at once (for example when the
   * browser comes back `online`, or a page becomes visible). Default: none.
   */
  readonly retryNow?: Observable<unknown> | undefined;
}

/** Every emitter option's default (frozen). */
export const EMITTER_DEFAULTS = /* @__PURE__ */ deepFreeze({
  method: 'post',
  protocol: 'https',
  postPath: TP2_PATH,
  bufferSize: { post: 10, get: 1 },
  flushIntervalMs: 1_000,
  maxPostBytes: 40_000,
  maxGetBytes: 8_192,
  concurrency: 4,
  timeoutMs: 10_000,
  maxQueueSize: 100_000,
  credentials: 'include',
  retry: {
    limit: 5,
    baseDelayMs: 200,
    maxDelayMs: 30_000,
    maxAgeMs: 600_000,
    retryStatusCodes: [] as readonly number[],
    dontRetryStatusCodes: [400, 401, 403, 410, 422] as readonly number[],
    /** Spread backoff delays over [½·delay, delay] with `Math.random`. */
    jitter: true as boolean | (() => number),
  },
} as const);

function deepFreeze<T extends object>(value: T): T {
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null) deepFreeze(item);
  }
  return Object.freeze(value);
}

/** Retry options with every default applied. */
export type ResolvedRetryOptions = { readonly [K in keyof RetryOptions]-?: Exclude<RetryOptions[K], undefined> };

export interface ResolvedEmitterOptions {
  readonly method: 'post' | 'get';
  /** The collector's base URL, no trailing slash. */
  readonly baseUrl: string;
  /** The full request URL: `baseUrl + postPath` or `baseUrl + '/i'`. */
  readonly url: string;
  readonly bufferSize: number;
  readonly flushIntervalMs: number;
  readonly maxPostBytes: number;
  readonly maxGetBytes: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly retry: ResolvedRetryOptions;
  readonly isSuccess: (status: number) => boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly transport: Transport | undefined;
  readonly credentials: 'omit' | 'same-origin' | 'include';
  readonly maxQueueSize: number;
  readonly name: string;
  readonly scheduler: SchedulerLike;
  readonly store: QueueStore | undefined;
  readonly retryNow: Observable<unknown> | undefined;
}

const positiveInteger = c.optional(c.positiveInteger);
const statusList = c.optional(c.arrayOf(c.integer));

/** A duration in ms: an integer in [min, 2^31 − 1], so a timer can honour it exactly. */
export const duration = (min: number): c.Check<number | undefined> =>
  c.optional((value, field) => {
    const ms = c.integer(value, field);
    return ms >= min && ms <= MAX_DURATION_MS
      ? ms
      : c.reject(field, `expected a duration in ms between ${min} and ${MAX_DURATION_MS}, got ${ms}`);
  });

/** Headers the runtime sets itself: fetch refuses or silently drops them, so they could never be sent. */
const FORBIDDEN_HEADERS = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
  'content-type',
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Latin-1 without NUL, CR or LF, no leading or trailing whitespace (fetch would strip it). */
const HEADER_VALUE = /^(?:[^\0\r\n\t \u0100-\uffff](?:[^\0\r\n\u0100-\uffff]*[^\0\r\n\t \u0100-\uffff])?)?$/;

const checkHeaders: c.Check<Record<string, string> | undefined> = c.optional((value, field) => {
  const headers = c.jsonObject(value, field);
  for (const name in headers) {
    if (!HEADER_NAME.test(name)) c.reject(`${field} name`, `not a valid header name: ${JSON.stringify(name)}`);
    const lower = name.toLowerCase();
    if (FORBIDDEN_HEADERS.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-')) {
      c.reject(`${field}.${name}`, 'set by the runtime (or by rxplow, for Content-Type): it cannot be sent');
    }
    const text = c.string(headers[name], `${field}.${name}`);
    if (!HEADER_VALUE.test(text))
      c.reject(`${field}.${name}`, 'a header value must be Latin-1 without NUL, line breaks, or surrounding spaces');
  }
  return headers as Record<string, string>;
});

const RETRY_CHECKS: c.Checks<RetryOptions> = {
  limit: c.optional((value, field) => (value === Infinity ? Infinity : c.nonNegativeInteger(value, field))),
  baseDelayMs: duration(0),
  maxDelayMs: duration(0),
  maxAgeMs: c.optional((value, field) => (value === Infinity ? Infinity : (duration(0)(value, field) as number))),
  retryStatusCodes: statusList,
  dontRetryStatusCodes: statusList,
  jitter: c.optional((value, field) => (typeof value === 'function' ? (value as () => number) : c.boolean(value, field))),
};

/** The `retry` option: a policy, or a number as shorthand for `{ limit }` (shared with other sinks' options). */
export const retryOption: c.Check<number | RetryOptions | undefined> = c.optional((value, field) =>
  typeof value === 'number' ? c.nonNegativeInteger(value, field) : c.objectOf(RETRY_CHECKS)(value, field),
);

/** A `scheduler` option: anything with `schedule` (an RxJS scheduler). */
export const schedulerOption: c.Check<SchedulerLike | undefined> = c.optional((value, field) =>
  typeof (value as Partial<SchedulerLike> | null)?.schedule === 'function'
    ? (value as SchedulerLike)
    : c.reject(field, 'expected an RxJS scheduler'),
);

/** The random source of a retry policy's `jitter`: `Math.random`, none (the full delay), or the caller's. */
export const jitterRandom = (retry: ResolvedRetryOptions): (() => number) =>
  retry.jitter === true ? Math.random : retry.jitter === false ? () => 0.999_999_999 : retry.jitter;

const EMITTER_CHECKS: c.Checks<EmitterOptions> = {
  method: c.optional(c.oneOf(['post', 'get'])),
  protocol: c.optional(c.oneOf(['http', 'https'])),
  port: c.optional((value, field) =>
    c.positiveInteger(value, field) <= 65_535 ? (value as number) : c.reject(field, 'expected a port ≤ 65535'),
  ),
  postPath: c.optional(c.matching(/^\/\S*$/, 'a path starting with "/"')),
  bufferSize: positiveInteger,
  flushIntervalMs: duration(0),
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
  maxQueueSize: c.optional((value, field) => (value === Infinity ? Infinity : c.positiveInteger(value, field))),
  name: c.optional(c.nonEmptyString),
  scheduler: schedulerOption,
  store: c.optional((value, field) =>
    typeof (value as Partial<QueueStore> | null)?.settle === 'function' ? (value as QueueStore) : c.reject(field, 'expected a QueueStore'),
  ),
  retryNow: c.optional((value, field) =>
    typeof (value as Partial<Observable<unknown>> | null)?.subscribe === 'function'
      ? (value as Observable<unknown>)
      : c.reject(field, 'expected an Observable'),
  ),
};

const isDefaultSuccess = (status: number): boolean => status >= 200 && status < 400;

/** Validates and resolves emitter options into a new frozen object. @throws {InvalidOptionsError} */
export function resolveEmitterOptions(endpoint: string, options: EmitterOptions = {}): ResolvedEmitterOptions {
  const o = c.checkOptions(EMITTER_CHECKS, options);
  const method = o.method ?? EMITTER_DEFAULTS.method;
  const baseUrl = toBaseUrl(endpoint, o.protocol ?? EMITTER_DEFAULTS.protocol, o.port);
  const url = baseUrl + (method === 'get' ? GET_PATH : (o.postPath ?? EMITTER_DEFAULTS.postPath));
  const retry = typeof o.retry === 'number' ? { limit: o.retry } : (o.retry ?? {});
  const headers: Record<string, string> = { ...o.headers };
  if (o.anonymous) headers['SP-Anonymous'] = '*';
  return Object.freeze({
    method,
    baseUrl,
    url,
    bufferSize: o.bufferSize ?? EMITTER_DEFAULTS.bufferSize[method],
    flushIntervalMs: o.flushIntervalMs ?? EMITTER_DEFAULTS.flushIntervalMs,
    maxPostBytes: o.maxPostBytes ?? EMITTER_DEFAULTS.maxPostBytes,
    maxGetBytes: o.maxGetBytes ?? EMITTER_DEFAULTS.maxGetBytes,
    concurrency: o.concurrency ?? EMITTER_DEFAULTS.concurrency,
    timeoutMs: o.timeoutMs ?? EMITTER_DEFAULTS.timeoutMs,
    retry: Object.freeze({ ...EMITTER_DEFAULTS.retry, ...dropUndefined(retry) }) as ResolvedRetryOptions,
    isSuccess: o.isSuccess ?? isDefaultSuccess,
    headers: Object.freeze(headers),
    fetch: o.fetch,
    transport: o.transport,
    credentials: o.credentials ?? EMITTER_DEFAULTS.credentials,
    maxQueueSize: o.maxQueueSize ?? EMITTER_DEFAULTS.maxQueueSize,
    name: o.name ?? `${method.toUpperCase()} ${url}`,
    scheduler: o.scheduler ?? asyncScheduler,
    store: o.store,
    retryNow: o.retryNow,
  });
}

function toBaseUrl(endpoint: unknown, protocol: string, port: number | undefined): string {
  if (typeof endpoint !== 'string' || endpoint.trim() === '')
    throw new InvalidOptionsError('endpoint', 'required: a collector host or http(s) URL');
  // Browsers' URL parsers percent-encode some characters Node's rejects: refuse whitespace everywhere alike.
  if (/\s/.test(endpoint)) throw new InvalidOptionsError('endpoint', `not a valid host or URL: "${endpoint}"`);
  const text = endpoint.includes('://') ? endpoint : `${protocol}://${endpoint}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidOptionsError('endpoint', `not a valid host or URL: "${endpoint}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidOptionsError('endpoint', `only http and https are supported, got "${url.protocol}"`);
  if (url.username || url.password) {
    throw new InvalidOptionsError(
      'endpoint',
      'may not carry credentials (user:password@): fetch cannot send them; use the `headers` option (e.g. Authorization)',
    );
  }
  if (url.search || url.hash) throw new InvalidOptionsError('endpoint', 'may not have a query string or fragment');
  if (port !== undefined && !endpoint.includes('://')) url.port = String(port);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out;
}
