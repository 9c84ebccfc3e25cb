import { importKy } from '../emitter/ky-load.js';
import { resolveEmitterOptions } from '../emitter/option-checks.js';
import type { CollectorRequest } from '../emitter/transport.js';
import { DeferredSink } from './deferred-sink.js';
import { EarlyKey } from './outbox/early.js';
import type { BrowserOutbox } from './outbox/outbox.js';
import { resolveOutboxOptions, type OutboxSinkOptions, type ResolvedOutboxOptions } from './outbox/options.js';

/** What the outbox's on-demand chunk (outbox/index.ts) gives. */
export interface OutboxModule {
  readonly BrowserOutbox: new (options: ResolvedOutboxOptions) => BrowserOutbox;
}

/**
 * The browser tracker's own sink: the outbox (src/browser/outbox/: events kept in localStorage until their final
 * outcome, drained through keepalive requests when the page is hidden), loaded on demand behind a
 * {@link DeferredSink}. Its options, and the inner emitter's, are checked here, so an unusable one still throws when
 * the tracker is created. One function, so that what sits behind `createBrowserTracker` changes in one place.
 * @throws {InvalidOptionsError} for an unusable outbox or emitter option.
 */
export function createSink(options: Omit<OutboxSinkOptions, 'mapRequest'>, anonymising: () => boolean): DeferredSink<BrowserOutbox> {
  const resolved = resolveOutboxOptions({ ...options, mapRequest: (request) => (anonymising() ? anonymised(request) : request) });
  const emitter = resolveEmitterOptions(resolved.endpoint, resolved.emitter);
  // ky's chunk loads alongside the outbox's, not after it (the outbox's transport would ask for it only once it is here).
  if (emitter.transport === undefined) importKy().catch(() => undefined);
  return deferredOutbox(resolved, emitter, () => import('./outbox/index.js'));
}

/**
 * The outbox behind a {@link DeferredSink}: until `load` gives the outbox's module, the events are held and kept under
 * this tab's key (outbox/early.ts); the outbox then keeps the tab's id, key and lock.
 */
export function deferredOutbox(
  options: ResolvedOutboxOptions,
  emitter: { readonly name: string; readonly timeoutMs: number },
  load: () => Promise<OutboxModule>,
): DeferredSink<BrowserOutbox> {
  let early: EarlyKey | undefined;
  return new DeferredSink({
    name: emitter.name,
    scheduler: options.scheduler,
    waitMs: emitter.timeoutMs,
    early: (page) => (early = new EarlyKey(options, emitter.name, page)),
    load: () =>
      load().then(
        ({ BrowserOutbox }) =>
          () =>
            new BrowserOutbox({ ...options, tab: early && { id: early.tabId, lock: early.lock } }),
      ),
  });
}

/**
 * `SP-Anonymous: *` added when the request is sent: how server-side anonymisation switches at runtime (the Emitter's
 * `anonymous` option is fixed), keepalive included.
 */
const anonymised = (request: CollectorRequest): CollectorRequest => ({ ...request, headers: { ...request.headers, 'SP-Anonymous': '*' } });
