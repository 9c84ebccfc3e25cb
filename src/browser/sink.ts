import type { CollectorRequest } from '../emitter/transport.js';
import { createOutboxSink, type OutboxSink, type OutboxSinkOptions } from './outbox/index.js';

/** The outbox options `createBrowserTracker` passes through (its `outbox` option); see docs/browser.md, "Delivery guarantees". */
export interface BrowserOutboxOptions {
  /** `'localStorage'` (memory only when it is unavailable) or `'memory'` (nothing kept across loads). @default 'localStorage' */
  readonly storage?: 'localStorage' | 'memory' | undefined;
  /** Prefix of the outbox's localStorage keys and Web Lock names. @default `rxplow.outbox:<emitter name>` */
  readonly storageKey?: string | undefined;
  /** Most events the outbox holds (retained and adopted ones included); beyond it new events are `dropped` (`queue-full`). @default 1_000 */
  readonly maxEvents?: number | undefined;
  /** Most bytes (UTF-8 JSON) the outbox holds; beyond it new events are `dropped` (`queue-full`). @default 1_000_000 */
  readonly maxBytes?: number | undefined;
  /** Most keepalive body bytes in flight on the page, all rxplow sinks together. @default 49_152 (48 KiB) */
  readonly keepaliveBudgetBytes?: number | undefined;
  /**
   * Retain events whose retries ran out on a transient failure (`retrying`, not final): this page retries them
   * (every `emitter.retry.maxDelayMs`, at once on `online` or when visible again), and later loads too. @default true
   */
  readonly retainFailed?: boolean | undefined;
  /** An event undelivered this long after it was first stored is `dropped` (`expired`). @default 604_800_000 (7 days) */
  readonly maxAgeMs?: number | undefined;
  /** An event held by this many pages that crashed (no clean end) is `dropped` (`poison`). @default 3 */
  readonly maxCrashes?: number | undefined;
  /**
   * Events handed to keepalive requests at page hide: `'trust-when-healthy'` (the next page drops them once the
   * collector answers it, unless this page had seen a failure) or `'resend'` (the next page always sends them again:
   * never lost, a duplicate whenever the keepalive request arrived). See docs/browser.md, "Delivery guarantees".
   * @default 'trust-when-healthy'
   */
  readonly keepaliveHandoff?: 'trust-when-healthy' | 'resend' | undefined;
}

// The outbox's own options must accept these as they are (a compile-time check).
type _Fits<T extends Partial<OutboxSinkOptions> = BrowserOutboxOptions> = T;

/**
 * The browser tracker's own sink: the outbox (src/browser/outbox/: events kept in localStorage until their final
 * outcome, drained through keepalive requests when the page is hidden). One function, so that what sits behind
 * `createBrowserTracker` changes in one place.
 */
export function createSink(options: Omit<OutboxSinkOptions, 'mapRequest'>, anonymising: () => boolean): OutboxSink {
  return createOutboxSink({ ...options, mapRequest: (request) => (anonymising() ? anonymised(request) : request) });
}

/**
 * `SP-Anonymous: *` added when the request is sent: how server-side anonymisation switches at runtime (the Emitter's
 * `anonymous` option is fixed), keepalive included.
 */
const anonymised = (request: CollectorRequest): CollectorRequest => ({ ...request, headers: { ...request.headers, 'SP-Anonymous': '*' } });
