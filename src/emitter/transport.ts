import type { Observable } from 'rxjs';
import type { CollectorRequest } from './request.js';

export type { CollectorRequest } from './request.js';

/** What a transport reports of a response: the status and the `Retry-After` header. Never the body. */
export interface TransportResponse {
  readonly status: number;
  readonly retryAfter: string | null;
}

/**
 * Sends one request to a collector: emits one response (any status) and completes, or errors (any error becomes a
 * `NetworkError` in outcomes). Unsubscribing should abort the request. The emitter bounds each attempt with its own
 * timer (`timeoutMs`, on its scheduler), so a transport need not time out, and one that never answers cannot jam
 * the emitter. rxplow's default is {@link createKyTransport}; pass your own as the emitter's `transport` option.
 */
export type Transport = (request: CollectorRequest) => Observable<TransportResponse>;
