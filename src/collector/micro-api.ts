// Snowplow Micro's REST API on the collector: /micro/all, /micro/good, /micro/bad and /micro/reset, for allowed hosts
// only (access.ts), with filters from the query or a JSON body (micro.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { microCorsHeaders, microRefusal } from './access.js';
import { preflight, readBody, sendJson } from './http.js';
import type { Ledger } from './ledger.js';
import { filtersFrom, filtersFromQuery, selectBad, selectGood } from './micro.js';

/** Answers a `/micro/*` request from the ledger, once every request received before it is recorded. */
export async function handleMicro(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ledger: Ledger,
  microHosts: ReadonlySet<string>,
  maxBodyBytes: number,
): Promise<void> {
  const cors = microCorsHeaders(req.headers.origin, microHosts);
  const refusal = microRefusal(req.headers, microHosts);
  if (refusal !== undefined) {
    req.resume();
    return sendJson(res, 403, { error: refusal }, cors);
  }
  for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
  if (req.method === 'OPTIONS') {
    req.resume();
    return preflight(req, res, 'GET, POST, OPTIONS', ['Content-Type']);
  }
  if (req.method !== 'GET' && req.method !== 'POST') {
    req.resume();
    return sendJson(res, 405, { error: `the Micro API takes GET or POST, not ${req.method ?? '(none)'}` }, { Allow: 'GET, POST, OPTIONS' });
  }
  const body = req.method === 'POST' ? await readBody(req, maxBodyBytes) : (req.resume(), undefined);
  if (body?.tooLarge) return sendJson(res, 413, { error: `the body is over ${maxBodyBytes} bytes` });
  await ledger.idle();
  let filters = filtersFromQuery(url.searchParams);
  if (body && body.text.trim() !== '') {
    try {
      filters = filtersFrom(JSON.parse(body.text) as Record<string, unknown>);
    } catch {
      return sendJson(res, 400, { error: 'the body is not JSON filters' });
    }
  }
  switch (url.pathname) {
    case '/micro/all':
      return sendJson(res, 200, ledger.counts());
    case '/micro/good':
      return sendJson(res, 200, selectGood(ledger.good(), filters));
    case '/micro/bad':
      return sendJson(res, 200, selectBad(ledger.bad(), filters));
    case '/micro/reset':
      ledger.reset();
      return sendJson(res, 200, ledger.counts());
    default:
      return sendJson(res, 404, { error: `unknown Micro endpoint ${url.pathname}: /micro/all, /micro/good, /micro/bad, /micro/reset` });
  }
}
