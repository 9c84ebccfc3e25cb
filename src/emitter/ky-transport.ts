import ky from 'ky';
import { Observable } from 'rxjs';
import { AbortedError, NetworkError, TimeoutError } from '../errors.js';
import type { CollectorRequest } from './request.js';

const UTF8 = new TextEncoder();

/** What the transport reports of a response: the status and the `Retry-After` header. */
export interface TransportResponse {
  readonly status: number;
  readonly retryAfter: string | null;
}

/**
 * Sends one request. Emits one response (any status) and completes, or errors with a NetworkError / TimeoutError.
 * Unsubscribing aborts the request. The seam where specs on virtual time put a cold Observable instead.
 */
export type Transport = (request: CollectorRequest) => Observable<TransportResponse>;

export interface KyTransportOptions {
  /** Per attempt, covering the response body too. */
  readonly timeoutMs: number;
  readonly fetch: typeof globalThis.fetch | undefined;
}

/** The only module that knows ky. ky's own retry and timeout are off: retries are RxJS's, the timeout covers the body. */
export function createKyTransport(options: KyTransportOptions): Transport {
  const client = ky.create({
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    redirect: 'manual',
    credentials: 'omit',
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return (request) =>
    new Observable<TransportResponse>((subscriber) => {
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, options.timeoutMs);
      const send = async (): Promise<TransportResponse> => {
        const response = await client(request.url, {
          method: request.method,
          headers: request.headers,
          // Bytes, not a string: ky builds and clones a Request per call, and each would re-encode a string body.
          body: request.body === undefined ? null : UTF8.encode(request.body),
          signal: controller.signal,
        });
        await response.arrayBuffer();
        // A redirect is not followed: with `redirect: 'manual'`, browsers report it as status 0, type opaqueredirect.
        const status = response.type === 'opaqueredirect' ? 302 : response.status;
        return { status, retryAfter: response.headers.get('retry-after') };
      };
      let settled = false;
      send().then(
        (response) => {
          settled = true;
          clearTimeout(timer);
          subscriber.next(response);
          subscriber.complete();
        },
        (error: unknown) => {
          settled = true;
          clearTimeout(timer);
          if (subscriber.closed) return;
          if (timedOut) subscriber.error(new TimeoutError(request.url, options.timeoutMs));
          else if (controller.signal.aborted) subscriber.error(new AbortedError('request aborted'));
          else subscriber.error(new NetworkError(request.url, { cause: error }));
        },
      );
      return () => {
        clearTimeout(timer);
        // Abort only what is still running: aborting a finished request costs an AbortError and undici's clean-up.
        if (!settled) controller.abort();
      };
    });
}
