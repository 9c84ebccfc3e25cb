import type { CollectorRequest } from '../emitter/transport.js';
import { createOutboxSink, type OutboxSink, type OutboxSinkOptions } from './outbox/index.js';

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
