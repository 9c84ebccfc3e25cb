// The collector's tracking endpoints: GET /i (the pixel), POST /com.snowplowanalytics.snowplow/tp2 (and a custom
// POST path), /health and CORS preflight; every request becomes records in the ledger.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GET_PATH } from '../payload/paths.js';
import { readRequestEvents } from '../payload/decode.js';
import { trackingCorsHeaders } from './access.js';
import { preflight, readBody, send } from './http.js';
import type { Ledger } from './ledger.js';
import { collectorPayload } from './request.js';

const ALLOWED_CONTENT_TYPES = ['application/json', 'text/plain'];
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

/** What the tracking endpoints need to know: the POST paths taken and the request limits. */
export interface TrackingSettings {
  readonly postPaths: ReadonlySet<string>;
  readonly maxBodyBytes: number;
  readonly maxEventsPerRequest: number;
}

/** Answers a tracking request (any path but `/micro/*`) and records what it carried. */
export async function handleTracking(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ledger: Ledger,
  settings: TrackingSettings,
): Promise<void> {
  const method = req.method ?? 'GET';
  for (const [name, value] of Object.entries(trackingCorsHeaders(req.headers.origin))) res.setHeader(name, value);
  if (method === 'OPTIONS') {
    req.resume();
    return preflight(req, res, 'GET, POST, OPTIONS', ['Content-Type', 'SP-Anonymous']);
  }
  if (method === 'GET' && url.pathname === '/health') {
    req.resume();
    return send(res, 200, 'text/plain', 'OK');
  }
  if (method === 'GET' && url.pathname === GET_PATH) {
    req.resume();
    ledger.accept(readRequestEvents('GET', url.href, undefined), collectorPayload(req, url, undefined, res), 200);
    return send(res, 200, 'image/gif', PIXEL);
  }
  if (method === 'POST' && settings.postPaths.has(url.pathname)) return post(req, res, url, ledger, settings);
  req.resume();
  const expected = `GET ${GET_PATH} or POST ${[...settings.postPaths].join(' / ')}`;
  ledger.recordBad(
    collectorPayload(req, url, undefined, res),
    [`unknown path: ${method} ${url.pathname} (the collector takes ${expected})`],
    404,
  );
  send(res, 404, 'text/plain', 'Not found');
}

async function post(req: IncomingMessage, res: ServerResponse, url: URL, ledger: Ledger, settings: TrackingSettings): Promise<void> {
  const contentType = req.headers['content-type'];
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!mediaType || !ALLOWED_CONTENT_TYPES.includes(mediaType)) {
    req.resume();
    const problem = `unsupported content type ${JSON.stringify(contentType ?? '(none)')}: expected application/json`;
    ledger.recordBad(collectorPayload(req, url, undefined, res), [problem], 415);
    return send(res, 415, 'text/plain', 'Unsupported content type');
  }
  const { maxBodyBytes, maxEventsPerRequest } = settings;
  const body = await readBody(req, maxBodyBytes);
  if (body.tooLarge) {
    const problem = `body of ${body.size} bytes is over the limit of ${maxBodyBytes} bytes (maxBodyBytes, --max-body-bytes)`;
    ledger.recordBad(collectorPayload(req, url, undefined, res), [problem], 413);
    return send(res, 413, 'text/plain', 'Payload too large', { Connection: 'close' });
  }
  const payload = collectorPayload(req, url, body.bytes, res);
  const events = readRequestEvents('POST', url.href, body.text);
  const items = events.events.length + events.errors.length;
  if (items > maxEventsPerRequest) {
    const problem = `${items} events in one request, over the limit of ${maxEventsPerRequest} (maxEventsPerRequest, --max-events-per-request)`;
    ledger.recordBad(payload, [problem], 413);
    return send(res, 413, 'text/plain', 'Too many events in one request');
  }
  const status = events.malformedJson ? 400 : 200;
  ledger.accept(events, payload, status);
  send(res, status, 'text/plain', status === 200 ? 'ok' : 'Malformed JSON');
}
