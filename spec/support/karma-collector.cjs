// A Snowplow collector inside Karma's server (Node side), for browser specs that send real HTTP to the page's own
// origin. Each spec uses its own session id, so specs never see each other's requests:
//   GET  /__rxplow/<id>/i?<payload>                               a GET event
//   POST /__rxplow/<id>/com.snowplowanalytics.snowplow/tp2        a POST batch (payload_data)
//   POST /__rxplow/<id>/__script   [503, {"status":429,"retryAfter":"1"}, 200]   answers for the next requests (then 200)
//   GET  /__rxplow/<id>/__received                                what the session received, as JSON
// Registered in karma.conf.js (CUSTOM MIDDLEWARE section).
'use strict';

const PREFIX = '/__rxplow/';

function createCollector() {
  const sessions = new Map();
  const session = (id) => {
    if (!sessions.has(id)) sessions.set(id, { script: [], received: [] });
    return sessions.get(id);
  };

  const json = (res, status, value) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(value));
  };

  const decode = (method, url, body) => {
    if (method === 'GET') return { events: [Object.fromEntries(url.searchParams)], schema: undefined };
    try {
      const parsed = JSON.parse(body);
      return { events: Array.isArray(parsed.data) ? parsed.data : [], schema: parsed.schema };
    } catch {
      return { events: [], schema: undefined };
    }
  };

  const handle = (req, res, body) => {
    const url = new URL(req.url, 'http://karma');
    const [id, ...rest] = url.pathname.slice(PREFIX.length).split('/');
    const path = `/${rest.join('/')}`;
    const s = session(decodeURIComponent(id));
    if (path === '/__script' && req.method === 'POST') {
      s.script = JSON.parse(body || '[]');
      return json(res, 204, null);
    }
    if (path === '/__received' && req.method === 'GET') return json(res, 200, s.received);
    const next = s.script.shift() ?? 200;
    const answer = typeof next === 'number' ? { status: next } : next;
    s.received.push({
      method: req.method,
      path,
      headers: req.headers,
      bodyBytes: Buffer.byteLength(body),
      status: answer.status,
      ...decode(req.method, url, body),
    });
    const headers = { 'Cache-Control': 'no-store' };
    if (answer.retryAfter !== undefined) headers['Retry-After'] = String(answer.retryAfter);
    res.writeHead(answer.status, headers);
    res.end();
  };

  return function rxplowCollector(req, res, next) {
    if (!req.url || !req.url.startsWith(PREFIX)) return next();
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        json(res, 500, { error: String(error) });
      }
    });
  };
}

function collectorFactory() {
  return createCollector();
}
collectorFactory.$inject = [];

module.exports = { collectorFactory, createCollector };
