// Run as a child process by spec/node/delivery/exit.spec.ts: `node --import tsx spec/support/exit-child.ts <collector url>`.
// Tracks through a GET and a POST emitter (the collector hangs some requests and answers others 503), shuts down,
// prints the report as JSON and then does NOTHING: the process must exit by itself (no timers or sockets left).
import { Emitter } from '../../src/emitter/emitter.js';
import { Tracker } from '../../src/tracker/tracker.js';

const endpoint = process.argv[2]!;
const retry = { limit: 1_000, baseDelayMs: 20, maxDelayMs: 100 };
const get = new Emitter(endpoint, { method: 'get', retry, timeoutMs: 60_000 });
const post = new Emitter(endpoint, { method: 'post', bufferSize: 2, retry, timeoutMs: 60_000, flushIntervalMs: 30_000 });
const tracker = new Tracker([get, post], { namespace: 'exit', appId: 'child' });
for (let i = 0; i < 6; i++) tracker.trackStructEvent({ category: 'exit', action: 'track', value: i });
setTimeout(() => {
  void tracker.shutdown({ timeoutMs: 300 }).then((report) => process.stdout.write(`${JSON.stringify(report)}\n`));
}, 200);
