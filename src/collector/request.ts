// What the collector keeps of a request (Micro's `collectorPayload`): credentials redacted, a bounded body excerpt.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactHeaders } from './access.js';
import { ANONYMOUS_NETWORK_USER_ID, type CollectorPayload } from './records.js';

/** A bad record keeps this much of its request's body. */
export const BODY_PREVIEW_BYTES = 10_000;

/** The request as Micro's `collectorPayload` describes it (credentials redacted); sets the `sp` cookie unless the request is anonymous. */
export function collectorPayload(req: IncomingMessage, url: URL, body: Buffer | undefined, res: ServerResponse): CollectorPayload {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const anonymous = headers['sp-anonymous'] !== undefined;
  let networkUserId = ANONYMOUS_NETWORK_USER_ID;
  if (!anonymous) {
    const fromCookie = /(?:^|;\s*)sp=([0-9a-zA-Z-]{1,64})(?:;|$)/.exec(headers['cookie'] ?? '')?.[1];
    networkUserId = fromCookie ?? randomUUID();
    res.setHeader('Set-Cookie', `sp=${networkUserId}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly`);
  }
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    querystring: url.search ? url.search.slice(1) : undefined,
    contentType: headers['content-type'],
    // Decoded from the bytes rather than sliced from the whole text, so that it does not keep the whole body alive.
    body: body === undefined ? undefined : body.subarray(0, BODY_PREVIEW_BYTES).toString('utf8'),
    headers: redactHeaders(headers),
    timestamp: new Date().toISOString(),
    ipAddress: anonymous ? undefined : req.socket.remoteAddress,
    anonymous,
    networkUserId,
  };
}
