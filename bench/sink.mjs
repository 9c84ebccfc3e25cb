// Loopback collector for the benchmark. Started by bench/run.mjs with child_process.fork (IPC).
// Listens on 127.0.0.1, port 0. Accepts POST tp2 bodies (payload_data envelope) and GET /i, counts unique event ids
// (`eid`) in acknowledged requests, counts duplicates, and can inject faults (a share of requests answered 503,
// chosen by a seeded RNG so every tracker sees the same sequence). Tells the parent the moment it holds N unique ids.
//
// Config (JSON in argv[2]): { n, faultRate, seed }
// Messages to parent: {type:'ready', port}, {type:'complete', at: <hrtime ns string>}, {type:'stats', ...}
// Messages from parent: {type:'stats'} -> replies with stats; {type:'exit'}.
import { createServer } from 'node:http';

const config = JSON.parse(process.argv[2] ?? '{}');
const N = config.n ?? 0;
const faultRate = config.faultRate ?? 0;

// mulberry32: a small seeded PRNG, so the fault sequence is the same for every driver.
let state = (config.seed ?? 1) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const seen = new Set();
const stats = {
  requests: 0,
  faults: 0,
  okRequests: 0,
  events: 0,
  duplicates: 0,
  badRequests: 0,
  firstAt: null,
  lastAt: null,
  completeAt: null,
};
let complete = false;

function record(eid, now) {
  stats.events++;
  if (seen.has(eid)) {
    stats.duplicates++;
    return;
  }
  seen.add(eid);
  if (!complete && seen.size >= N) {
    complete = true;
    stats.completeAt = now.toString();
    process.send?.({ type: 'complete', at: stats.completeAt });
  }
}

const server = createServer((req, res) => {
  const now0 = process.hrtime.bigint();
  stats.requests++;
  stats.firstAt ??= now0.toString();
  const fault = faultRate > 0 && random() < faultRate;
  if (req.method === 'GET') {
    if (fault) return reply(res, 503, true);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const eid = url.searchParams.get('eid');
    if (url.pathname !== '/i' || !eid) return reply(res, 400);
    record(eid, process.hrtime.bigint());
    stats.okRequests++;
    stats.lastAt = process.hrtime.bigint().toString();
    return reply(res, 200);
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    if (fault) return reply(res, 503, true);
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(res, 400);
    }
    if (!body || !Array.isArray(body.data)) return reply(res, 400);
    const now = process.hrtime.bigint();
    for (const event of body.data) {
      if (event && typeof event.eid === 'string') record(event.eid, now);
      else stats.badRequests++;
    }
    stats.okRequests++;
    stats.lastAt = now.toString();
    reply(res, 200);
  });
});

function reply(res, status, isFault = false) {
  if (isFault) stats.faults++;
  if (status === 400) stats.badRequests++;
  res.writeHead(status, { 'Content-Length': '0' });
  res.end();
}

server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: server.address().port });
});

process.on('message', (msg) => {
  if (msg?.type === 'stats') process.send?.({ type: 'stats', unique: seen.size, ...stats, now: process.hrtime.bigint().toString() });
  else if (msg?.type === 'exit') {
    server.closeAllConnections?.();
    server.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
