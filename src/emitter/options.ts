import type { Observable, SchedulerLike } from 'rxjs';
import { TP2_PATH } from '../payload/paths.js';
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
  /**
   * Scheme used when `endpoint` is a bare host (`collector.example.com`, `localhost:9090`). With a full URL it must
   * match the URL's scheme (else `InvalidOptionsError`). Default: `'http'` for a loopback host (`localhost`,
   * `*.localhost`, `127.x.x.x`, `[::1]`), where a local collector listens, else `'https'`.
   */
  readonly protocol?: 'http' | 'https' | undefined;
  /**
   * Port of the collector, for a bare host or a full URL without one; an endpoint that names another port is refused
   * (`InvalidOptionsError`). Default: the endpoint's, else the scheme's (80, 443).
   */
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
  /**
   * The fetch to use: for proxies, edge runtimes, tests (`rxplow/testing`'s collector). It is called as
   * `fetch(url, init)`, with the body as bytes in `init`. @default globalThis.fetch
   */
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
