import { resolveEmitterOptions } from '../emitter/option-checks.js';
import { importKy } from '../emitter/ky-load.js';
import type { CollectorRequest } from '../emitter/transport.js';
import { DeferredOutbox } from './deferred-sink.js';
import { resolveOutboxOptions, type OutboxSinkOptions } from './outbox/options.js';

/**
 * The browser tracker's own sink: the outbox (src/browser/outbox/: events kept in localStorage until their final
 * outcome, drained through keepalive requests when the page is hidden), loaded on demand behind a
 * {@link DeferredOutbox}. Its options, and the inner emitter's, are checked here, so an unusable one still throws
 * when the tracker is created. One function, so that what sits behind `createBrowserTracker` changes in one place.
 * @throws {InvalidOptionsError} for an unusable outbox or emitter option.
 */
export function createSink(options: Omit<OutboxSinkOptions, 'mapRequest'>, anonymising: () => boolean): DeferredOutbox {
  const resolved = resolveOutboxOptions({ ...options, mapRequest: (request) => (anonymising() ? anonymised(request) : request) });
  const emitter = resolveEmitterOptions(resolved.endpoint, resolved.emitter);
  // ky's chunk loads alongside the outbox's, not after it (the outbox's transport would ask for it only once it is here).
  if (emitter.transport === undefined) importKy().catch(() => undefined);
  return new DeferredOutbox({ options: resolved, name: emitter.name, waitMs: emitter.timeoutMs, load: () => import('./outbox/index.js') });
}

/**
 * `SP-Anonymous: *` added when the request is sent: how server-side anonymisation switches at runtime (the Emitter's
 * `anonymous` option is fixed), keepalive included.
 */
const anonymised = (request: CollectorRequest): CollectorRequest => ({ ...request, headers: { ...request.headers, 'SP-Anonymous': '*' } });
