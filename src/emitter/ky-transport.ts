import type { KyInstance } from 'ky';
import { Observable } from 'rxjs';
import { AbortedError, NetworkError } from '../errors.js';
import { importKy } from './ky-load.js';
import type { CollectorRequest, Transport, TransportResponse } from './transport.js';

const UTF8 = new TextEncoder();

/** Options of {@link createKyTransport}. */
export interface KyTransportOptions {
  /** The fetch ky calls. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** The request's credentials mode (browsers): `'include'` keeps the collector's network-user-id cookie. @default 'include' */
  readonly credentials?: RequestCredentials | undefined;
  /** Browsers: let the request outlive the page (`fetch` `keepalive`, bodies up to 64 KiB in flight per page). @default false */
  readonly keepalive?: boolean | undefined;
}

/** rxplow's default transport: a {@link Transport} that can say whether ky has arrived. */
export interface KyTransport extends Transport {
  /**
   * Whether ky has been loaded: until then a request waits for it (the browser outbox hands a keepalive request's
   * events off only once it is really made).
   */
  readonly arrived: () => boolean;
  /** Resolves once ky has arrived; rejects if it cannot be loaded (a later call tries again). */
  readonly ready: () => Promise<void>;
}

/**
 * The default transport, and the only module that knows ky. ky is loaded on demand (`import('ky')`): bundlers put
 * it in a chunk of its own, off the page's first load, and the load starts when the transport is created (with the
 * emitter, i.e. the tracker), not on the first send's path. A request made before ky arrives waits for it, within
 * the emitter's per-attempt deadline; should the load fail, each attempt fails as a retryable `NetworkError`.
 *
 * ky's own retry and timeout are off: retries are RxJS's and the emitter times each attempt on its scheduler. The
 * response body is never read: it is cancelled as soon as the status is known, so a trickling or huge answer costs
 * nothing and keeps nothing alive.
 */
export function createKyTransport(options: KyTransportOptions = {}): KyTransport {
  let loaded: Promise<KyInstance> | undefined;
  let arrived = false;
  const load = (): Promise<KyInstance> =>
    (loaded ??= importKy().then(({ default: ky }) => {
      arrived = true;
      return ky.create({
        retry: 0,
        timeout: false,
        throwHttpErrors: false,
        redirect: 'manual',
        credentials: options.credentials ?? 'include',
        ...(options.keepalive ? { keepalive: true } : {}),
      });
    }));
  const baseFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  // Prefetched now; a failed load is reported per attempt (and tried again then), never as an unhandled rejection.
  load().catch(() => (loaded = undefined));
  const transport = (request: CollectorRequest): Observable<TransportResponse> =>
    new Observable<TransportResponse>((subscriber) => {
      const controller = new AbortController();
      let settled = false;
      const send = async (): Promise<TransportResponse> => {
        const client = await load();
        if (controller.signal.aborted) throw new Error('aborted while ky was loading');
        // ky builds the request (URL, headers, credentials, redirect, keepalive, signal) and hands it to `fetch`, with
        // the body given to fetch directly, as bytes: ky clones every Request it builds (to retry it, which rxplow does
        // itself), and cloning a Request that has a body tees its stream, about 0.6 ms of CPU per 70 KB POST in Node.
        const body = request.body === undefined ? null : UTF8.encode(request.body);
        const response = await client(request.url, {
          method: request.method,
          headers: request.headers,
          signal: controller.signal,
          fetch: (input, init) => {
            const built = input as Request;
            return baseFetch(built.url, {
              ...init,
              method: built.method,
              headers: built.headers,
              body,
              credentials: built.credentials,
              redirect: built.redirect,
              keepalive: built.keepalive,
              signal: built.signal,
            });
          },
        });
        discardBody(response);
        // A redirect is not followed: with `redirect: 'manual'`, browsers report it as status 0, type opaqueredirect.
        const status = response.type === 'opaqueredirect' ? 302 : response.status;
        return { status, retryAfter: response.headers.get('retry-after') };
      };
      send().then(
        (response) => {
          settled = true;
          subscriber.next(response);
          subscriber.complete();
        },
        (error: unknown) => {
          settled = true;
          if (subscriber.closed) return;
          subscriber.error(
            controller.signal.aborted ? new AbortedError('request aborted') : new NetworkError(request.url, { cause: error }),
          );
        },
      );
      return () => {
        // Abort only what is still running: aborting a finished request costs an AbortError and undici's clean-up.
        if (!settled) controller.abort();
      };
    });
  return Object.assign(transport, {
    arrived: () => arrived,
    ready: () => load().then(() => undefined),
  });
}

/** Cancels a response body nobody will read; a body that cannot be cancelled (already used, locked) is left alone. */
function discardBody(response: Response): void {
  try {
    // An empty body is already complete: cancelling it would only cost an AbortError.
    if (response.headers.get('content-length') === '0') return;
    const body = response.body;
    if (body && !body.locked) body.cancel().catch(() => undefined);
  } catch {
    // An exotic Response from a custom fetch: nothing to release.
  }
}
