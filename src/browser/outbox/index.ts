// The browser outbox (rxplow/browser): every event is kept in localStorage until its final outcome, retried by the
// living page after a transient failure, replayed with the same eid by a later load, and drained through keepalive
// requests when the page is hidden or unloaded. This module is its entry: the sink (outbox.ts) wires the parts: the
// store under the emitter (local-store.ts), storage (storage.ts), adoption of gone tabs' events (adoption.ts), the
// page's lifecycle (lifecycle.ts) and the unload transport (keepalive.ts). Importing it touches no browser global.
// The browser tracker loads it on demand (import(), src/browser/sink.ts): its `BrowserOutbox` is that chunk's export.
import { resolveOutboxOptions, type OutboxSink, type OutboxSinkOptions } from './options.js';
import { BrowserOutbox } from './outbox.js';

export { BrowserOutbox } from './outbox.js';
export { createUnloadTransport, keepaliveLedger } from './keepalive.js';
export type { KeepaliveLedger, UnloadTransportOptions } from './keepalive.js';
export { OUTBOX_DEFAULTS } from './options.js';
export type { OutboxSink, OutboxSinkOptions, OutboxWindow } from './options.js';

/**
 * Creates the browser outbox sink: give it to `createTracker` (or `createBrowserTracker` does). Never throws into the
 * host for storage trouble: without usable localStorage it works in memory.
 * @throws {InvalidOptionsError} for an unusable option (including the inner emitter's).
 */
export function createOutboxSink(options: OutboxSinkOptions): OutboxSink {
  return new BrowserOutbox(resolveOutboxOptions(options));
}
