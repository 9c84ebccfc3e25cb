// The outbox's options, defaults and public shape, validated in one place.
import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { v4 as uuidv4 } from 'uuid';
import type { Emitter } from '../../emitter/emitter.js';
import { EMITTER_DEFAULTS, type EmitterOptions } from '../../emitter/options.js';
import type { DeliveryOutcome } from '../../emitter/outcome.js';
import type { Sink } from '../../emitter/sink.js';
import type { CollectorRequest } from '../../emitter/transport.js';
import * as c from '../../payload/checks.js';
import type { OwnLock } from './tab.js';

/** Every outbox option's default. */
export const OUTBOX_DEFAULTS = /* @__PURE__ */ Object.freeze({
  /** See {@link OutboxSinkOptions}: `storage`, `maxEvents`, `maxBytes`, `keepaliveBudgetBytes`, `retainFailed`, `keepaliveHandoff`, `maxAgeMs`, `maxCrashes`. */
  storage: 'localStorage',
  maxEvents: 1_000,
  maxBytes: 1_000_000,
  keepaliveBudgetBytes: 49_152,
  retainFailed: true,
  keepaliveHandoff: 'trust-when-healthy',
  /** 7 days. */
  maxAgeMs: 604_800_000,
  maxCrashes: 3,
  /** Without Web Locks: a stored outbox not written for this long is taken as its tab's leftovers. */
  staleAfterMs: 86_400_000,
} as const);

/** What the outbox needs of the window (a real `Window` has it all). */
export interface OutboxWindow {
  /** Where the outbox is kept; reading it may throw (disabled storage): the outbox then works in memory. */
  readonly localStorage?: Storage | undefined;
  /** `navigator.locks` (Web Locks), for the coordination of tabs; without it, the weaker fallback applies. */
  readonly navigator?: { readonly locks?: LockManager | undefined } | undefined;
  /** The document, for `visibilitychange` and `visibilityState`. */
  readonly document?: (EventTarget & { readonly visibilityState?: DocumentVisibilityState }) | undefined;
  /** For the `pagehide`, `pageshow`, `online` and `storage` listeners. */
  addEventListener: EventTarget['addEventListener'];
  /** Removes them (`shutdown()`, `dispose()`). */
  removeEventListener: EventTarget['removeEventListener'];
}

/**
 * The outbox options `createBrowserTracker` passes through (its `outbox` option): where the outbox lives, its bounds,
 * and what it does with failed and unloaded events. See docs/browser.md, "Delivery guarantees".
 */
export interface BrowserOutboxOptions {
  /** Where the outbox lives: `'localStorage'` (memory only when it is unavailable), or `'memory'` (nothing kept across loads). @default 'localStorage' */
  readonly storage?: 'localStorage' | 'memory' | undefined;
  /**
   * The prefix of the outbox's localStorage keys (one key per tab: `<storageKey>#<tab id>`) and Web Lock names.
   * Sinks with the same `storageKey` adopt each other's leftovers, so give each collector its own. @default `rxplow.outbox:<emitter name>` (method and URL)
   */
  readonly storageKey?: string | undefined;
  /**
   * Most events the outbox holds: this tab's (waiting, in flight, retained after a failure) and those adopted from
   * earlier loads; a new event beyond it is `dropped` (`queue-full`) until the outbox drains. @default 1_000
   */
  readonly maxEvents?: number | undefined;
  /**
   * Most bytes (UTF-8 JSON of the events) the outbox holds, counted as `maxEvents`; a new event beyond it is `dropped`
   * (`queue-full`), one larger than `maxBytes` on its own is `dropped` (`oversize`). @default 1_000_000
   */
  readonly maxBytes?: number | undefined;
  /**
   * Most keepalive body bytes in flight at once on the page, all rxplow sinks together (browsers cap it at 64 KiB per
   * page, other scripts' keepalive requests included). @default 49_152 (48 KiB)
   */
  readonly keepaliveBudgetBytes?: number | undefined;
  /**
   * Retain an event whose retries ran out on a transient failure (network error, timeout, 408, 429, 5xx): its outcome
   * is `retrying`, and this page delivers it again every `emitter.retry.maxDelayMs` (30 s by default), at once when
   * the browser comes back `online`, the page becomes visible, or the collector accepts another event; a later load
   * does so too. `false`: such an event is `failed` and leaves the outbox. Events the collector refused (other
   * statuses) always leave it. @default true
   */
  readonly retainFailed?: boolean | undefined;
  /**
   * What the outbox does with events it hands to a `keepalive` request at unload, whose answer the page never sees:
   * - `'trust-when-healthy'`: unless the page's last answer from the collector was a failure (network error, timeout,
   *   408, 429, 5xx), they are stored marked "handed off". The next page that adopts them holds them until it hears
   *   from the collector: its first success drops them (the keepalive request most likely arrived: no duplicate at
   *   every navigation), its first transient failure sends them (the collector was likely down at unload too). After
   *   a failure in this page, they are stored unmarked and the next load sends them again.
   * - `'resend'`: they are stored unmarked, so the next load sends them again (same eid): never lost, but a duplicate
   *   whenever the keepalive request did arrive.
   * If the page lives on (hidden, then visible), the answer is seen as usual. @default 'trust-when-healthy'
   */
  readonly keepaliveHandoff?: 'trust-when-healthy' | 'resend' | undefined;
  /**
   * An event still undelivered this long after it was first stored (ms, on the outbox's clock) leaves the outbox:
   * `dropped`, reason `expired`, when a page adopts it or retries it. @default 604_800_000 (7 days)
   */
  readonly maxAgeMs?: number | undefined;
  /**
   * The poison limit: an event held by this many pages that ended without a clean end (crashed, or killed while
   * visible: they were neither hidden nor shut down) leaves the outbox, `dropped`, reason `poison`, when the next
   * page adopts it. Outages do not count. @default 3
   */
  readonly maxCrashes?: number | undefined;
}

/** Options of {@link createOutboxSink}. */
export interface OutboxSinkOptions extends BrowserOutboxOptions {
  /** The collector: a host or an http(s) URL, as for `new Emitter(endpoint)`. Required. */
  readonly endpoint: string;
  /**
   * Options of the inner HTTP emitter (batching, retries, headers, `anonymous`, `fetch`, …). Its `transport`, when
   * given, is wrapped (the keepalive budget still gates requests at unload, but keepalive itself is then up to it).
   * Its `store` is the outbox's own (ignored here). @default {}
   */
  readonly emitter?: EmitterOptions | undefined;
  /**
   * Rewrites each request just before it is sent, decided per request: how `createBrowserTracker` switches the
   * `SP-Anonymous` header at runtime without giving up keepalive (a custom `emitter.transport` would). Default: none.
   */
  readonly mapRequest?: ((request: CollectorRequest) => CollectorRequest) | undefined;
  /** The scheduler of the inner emitter (unless `emitter.scheduler` is given) and of the outbox's clock and retries. @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
  /** The id source of the tab id: ids of 1 to 64 letters, digits, `-` or `_`, unique per tab. @default uuid v4 */
  readonly newId?: (() => string) | undefined;
  /** The window to use (tests). @default globalThis.window; none (memory only, no listeners) on a server */
  readonly window?: OutboxWindow | undefined;
}

/** A {@link Sink} that keeps every event in a localStorage outbox until it is delivered, and drains at unload. */
export interface OutboxSink extends Sink {
  /** The inner HTTP emitter. Its own outcomes are raw: a `failed` there may be a retained, `retrying` event here. */
  readonly emitter: Emitter;
  /** Every outcome at this sink: the emitter's (retained events `retrying`), and the outbox's own drops. */
  readonly outcomes: Observable<DeliveryOutcome>;
  /** Where the events are kept now: `'memory'` from the start when storage is unavailable, or after a write failed. */
  readonly mode: 'localStorage' | 'memory';
  /** How tabs are kept from sending the same stored event: `'web-locks'`, the weaker `'no-locks'` fallback, or `'none'` (memory only). */
  readonly coordination: 'web-locks' | 'no-locks' | 'none';
  /** This sink's tab id (the suffix of its storage key). */
  readonly tabId: string;
  /** How many events the outbox holds now (in flight, waiting, retained, or kept for the next load). */
  readonly size: number;
  /**
   * Resolves once the sink owns its storage key (its Web Lock is granted) and has adopted the stored events of every
   * earlier page that was already gone. Never rejects.
   */
  readonly ready: Promise<void>;
  /**
   * What the `pagehide` and `visibilitychange → hidden` listeners call: writes the outbox, and sends every pending
   * event now, through `keepalive` requests within the shared budget (a request that does not fit is not sent: its
   * events stay in the outbox). Until the page is visible again, every request goes that way. Resolves when every
   * event pending at the call has a final outcome here or is retained (in a page that lives on); never rejects.
   */
  drainForUnload(): Promise<void>;
  /**
   * Ends this sink as a page's end would: writes the outbox one last time, removes the listeners, releases the Web
   * Locks (another sink may then adopt what is left), and aborts requests in flight (their events, and retained ones,
   * are `dropped`, `abandoned`, and stay in storage for the next load). Idempotent; never rejects.
   */
  dispose(): Promise<void>;
}

/** The options with every default applied. */
export interface ResolvedOutboxOptions {
  readonly endpoint: string;
  readonly emitter: EmitterOptions;
  readonly storage: 'localStorage' | 'memory';
  readonly storageKey: string | undefined;
  readonly maxEvents: number;
  readonly maxBytes: number;
  readonly keepaliveBudgetBytes: number;
  readonly retainFailed: boolean;
  readonly trustKeepalive: boolean;
  readonly maxAgeMs: number;
  readonly maxCrashes: number;
  /** How long a retained event waits for this page's next retry: the emitter's `retry.maxDelayMs`. */
  readonly retryDelayMs: number;
  readonly mapRequest: ((request: CollectorRequest) => CollectorRequest) | undefined;
  readonly scheduler: SchedulerLike;
  readonly newId: () => string;
  readonly window: OutboxWindow | undefined;
  /**
   * This tab's id and own lock, when the browser tracker's first load chose the id and asked for the lock before the
   * outbox arrived (src/browser/deferred-sink.ts); the outbox then writes the key that load may have written.
   */
  readonly tab?: { readonly id: string; readonly lock: OwnLock | undefined } | undefined;
}

const positive = c.optional(c.positiveInteger);

const OUTBOX_CHECKS: c.Checks<
  Pick<
    OutboxSinkOptions,
    'keepaliveHandoff' | 'storage' | 'newId' | 'maxEvents' | 'maxBytes' | 'keepaliveBudgetBytes' | 'maxAgeMs' | 'maxCrashes'
  >
> = {
  keepaliveHandoff: c.optional(c.oneOf(['trust-when-healthy', 'resend'])),
  storage: c.optional(c.oneOf(['localStorage', 'memory'])),
  newId: c.optional(c.func<() => string>),
  maxEvents: positive,
  maxBytes: positive,
  keepaliveBudgetBytes: positive,
  maxAgeMs: positive,
  maxCrashes: positive,
};

/** @throws {InvalidOptionsError} for an unusable outbox option (the emitter checks its own). */
export function resolveOutboxOptions(options: OutboxSinkOptions): ResolvedOutboxOptions {
  const o = c.given(c.checkOptions(OUTBOX_CHECKS, options, false));
  const emitter = options.emitter ?? {};
  const retry = typeof emitter.retry === 'object' && emitter.retry !== null ? emitter.retry : {};
  // The defaults with the checked options over them, then the others (which the emitter checks, or nothing reads).
  const { keepaliveHandoff, staleAfterMs: _, ...defaults } = { ...OUTBOX_DEFAULTS, ...o };
  return {
    ...defaults,
    endpoint: options.endpoint,
    emitter,
    storageKey: options.storageKey,
    retainFailed: options.retainFailed ?? OUTBOX_DEFAULTS.retainFailed,
    trustKeepalive: keepaliveHandoff === 'trust-when-healthy',
    retryDelayMs: typeof retry.maxDelayMs === 'number' ? retry.maxDelayMs : EMITTER_DEFAULTS.retry.maxDelayMs,
    mapRequest: options.mapRequest,
    scheduler: emitter.scheduler ?? options.scheduler ?? asyncScheduler,
    newId: o.newId ?? uuidv4,
    window: options.window ?? (typeof window === 'undefined' ? undefined : window),
  };
}
