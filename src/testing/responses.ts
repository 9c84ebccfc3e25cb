// The testing collector's scripted answers: a status or a script (delay, network error, `Retry-After`, headers), and
// the fetch-like waiting and answering they call for.
import type { ResponseScript, ScriptedResponse } from './testing-collector.js';

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** A scripted answer as a script: a bare number is shorthand for `{ status }`. */
export function toScript(response: ScriptedResponse): ResponseScript {
  return typeof response === 'number' ? { status: response } : response;
}

/** Resolves after `ms` (at once for 0); rejects with the signal's reason (an AbortError) if it aborts first, like fetch. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abortError = () => (signal.reason as unknown) ?? new DOMException('This operation was aborted', 'AbortError');
    if (signal.aborted) return reject(abortError());
    if (ms <= 0) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The `Response` a script answers with: its status and headers (`Retry-After` among them), an empty body where one may be. */
export function responseOf(script: ResponseScript, status: number): Response {
  const headers = new Headers(script.headers);
  if (script.retryAfter !== undefined) headers.set('Retry-After', String(script.retryAfter));
  return new Response(NULL_BODY_STATUSES.has(status) ? null : '', { status, headers });
}
