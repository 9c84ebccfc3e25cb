// The unload transport: ordinary requests while the page is in use; `keepalive` requests, within a byte budget
// shared by every rxplow sink of the page, once it is being hidden or unloaded.
import { catchError, defer, finalize, from, switchMap, throwError, type Observable } from 'rxjs';
import { createKyTransport } from '../../emitter/ky-transport.js';
import type { CollectorRequest, Transport, TransportResponse } from '../../emitter/transport.js';
import { NetworkError } from '../../errors.js';

/** The in-flight keepalive bytes of one page, shared by every rxplow sink on it (even two copies of rxplow). */
export interface KeepaliveLedger {
  /** Body bytes of the keepalive requests in flight. */
  inFlight: number;
}

const LEDGER_KEY = /* @__PURE__ */ Symbol.for('rxplow.keepaliveLedger');
const UTF8 = /* @__PURE__ */ new TextEncoder();

/** The page's ledger, created on first use and kept on the global object under `Symbol.for('rxplow.keepaliveLedger')`. */
export function keepaliveLedger(global: object): KeepaliveLedger {
  const holder = global as { [LEDGER_KEY]?: KeepaliveLedger };
  let ledger = holder[LEDGER_KEY];
  if (ledger === undefined || typeof ledger.inFlight !== 'number') {
    ledger = { inFlight: 0 };
    try {
      Object.defineProperty(holder, LEDGER_KEY, { value: ledger, configurable: true });
    } catch {
      // A frozen global: this sink keeps its own ledger.
    }
  }
  return ledger;
}

/** Options of {@link createUnloadTransport}. */
export interface UnloadTransportOptions {
  /** The fetch ky calls. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** The fetch credentials mode. @default 'include' */
  readonly credentials?: RequestCredentials | undefined;
  /** Replaces ky for both kinds of request (it then decides keepalive itself): the budget still gates requests at unload. */
  readonly transport?: Transport | undefined;
  /** The shared ledger of in-flight keepalive bytes. */
  readonly ledger: KeepaliveLedger;
  /** Most keepalive body bytes in flight on the page, all rxplow sinks together, as this sink sees it. */
  readonly budgetBytes: number;
  /** Whether the page is being hidden or unloaded: requests then go as `keepalive`, or not at all. */
  readonly unloading: () => boolean;
  /** Rewrites each request just before it is sent (e.g. adds `SP-Anonymous: *` while anonymous tracking is on). */
  readonly mapRequest?: ((request: CollectorRequest) => CollectorRequest) | undefined;
  /** Told of every keepalive request (as the emitter built it, with its `items`), with its body size, just before it is sent. */
  readonly onKeepalive?: ((request: CollectorRequest, bytes: number) => void) | undefined;
}

/**
 * A {@link Transport} for browsers. While the page is in use, requests are ordinary fetches. Once `unloading()`
 * says so, each request is sent with `keepalive` when its body fits in what is left of the shared budget (the
 * bytes are held until the request settles, answered, failed or aborted); a request that does not fit is not sent
 * at all: it errors at once (a `NetworkError`), so its events stay in the outbox and are retried later in this page
 * (should it live on) or at the next load. A request is never sent without keepalive during an unload, as the
 * browser would cancel it with the page and its fate would be unknown.
 */
export function createUnloadTransport(options: UnloadTransportOptions): Transport {
  const plain = options.transport ?? createKyTransport({ fetch: options.fetch, credentials: options.credentials });
  const ky = options.transport ? undefined : createKyTransport({ fetch: options.fetch, credentials: options.credentials, keepalive: true });
  const keepalive = options.transport ?? ky!;
  const { ledger, budgetBytes } = options;
  const mapRequest = options.mapRequest ?? ((request: CollectorRequest) => request);
  const send = (original: CollectorRequest): Observable<TransportResponse> =>
    defer(() => {
      const request = mapRequest(original);
      if (!options.unloading()) return plain(request);
      const bytes = request.body === undefined ? 0 : UTF8.encode(request.body).length;
      if (ledger.inFlight + bytes > budgetBytes) {
        const cause = new Error(`keepalive budget exhausted (${ledger.inFlight} of ${budgetBytes} bytes in flight, ${bytes} more needed)`);
        return throwError(() => new NetworkError(request.url, { cause }));
      }
      ledger.inFlight += bytes;
      options.onKeepalive?.(original, bytes);
      let released = false;
      return keepalive(request).pipe(
        finalize(() => {
          if (released) return;
          released = true;
          ledger.inFlight = Math.max(0, ledger.inFlight - bytes);
        }),
      );
    });
  // ky loads on demand: a keepalive request waits for it and is handed off only when it is really made, so a page that
  // is gone before ky arrives has handed nothing off (its events stay stored, unmarked, for the next load).
  return (original) =>
    ky === undefined || ky.arrived() || !options.unloading()
      ? send(original)
      : from(ky.ready()).pipe(
          catchError((cause: unknown) => throwError(() => new NetworkError(original.url, { cause }))),
          switchMap(() => send(original)),
        );
}
