// Child of timeouts.spec.ts: `node --import tsx trickle-exit.ts <trickling server url>`. The server answers 200 at
// once, then trickles the body for seconds. Must: `sent` as soon as the status is known (the body is never read, it is
// cancelled), shutdown() resolves, and the process then exits by itself long before the body would have ended.
import { Emitter, Tracker, type DeliveryOutcome } from '../../../../src/index.js';
import { settlesWithin } from './race.js';

if (process.env['RXPLOW_HARDENING_CHILD'] === '1') {
  const endpoint = process.argv[2]!;
  const options = { timeoutMs: 1_000, retry: { limit: 1, baseDelayMs: 5 }, flushIntervalMs: 10 };
  const get = new Emitter(endpoint, { ...options, method: 'get' });
  const post = new Emitter(endpoint, { ...options, method: 'post', bufferSize: 1 });
  const tracker = new Tracker([get, post], { namespace: 'h3', appId: 'trickle' });
  const start = Date.now();
  const outcomes: string[] = [];
  tracker.outcomes.subscribe((o: DeliveryOutcome) =>
    outcomes.push(`${Date.now() - start}ms ${o.kind}${'error' in o && o.error ? ` ${o.error.code}` : ''}`),
  );
  tracker.trackStructEvent({ category: 'trickle', action: 'exit' });
  const flushed = await settlesWithin(tracker.flush(), 6_000);
  const flushedAtMs = Date.now() - start;
  const report = await tracker.shutdown({ timeoutMs: 500 });
  process.stdout.write(`${JSON.stringify({ flushed, flushedAtMs, report, outcomes, shutdownAtMs: Date.now() - start })}\n`);
}
