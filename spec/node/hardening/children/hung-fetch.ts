// Child of timeouts.spec.ts: `node --import tsx hung-fetch.ts`. A custom fetch that drops the AbortSignal and never
// settles (a careless proxy wrapper). Must: each attempt ends at timeoutMs on the emitter's own timer, flush()
// resolves, shutdown() resolves, and the process exits by itself.
import { Emitter, Tracker, type DeliveryOutcome } from '../../../../src/index.js';
import { settlesWithin } from './race.js';

if (process.env['RXPLOW_HARDENING_CHILD'] === '1') {
  const fetch = (() => new Promise<Response>(() => undefined)) as typeof globalThis.fetch;
  const options = { fetch, timeoutMs: 200, retry: { limit: 1, baseDelayMs: 5 }, flushIntervalMs: 10 };
  const get = new Emitter('http://127.0.0.1:9', { ...options, method: 'get' });
  const post = new Emitter('http://127.0.0.1:9', { ...options, method: 'post', bufferSize: 2 });
  const tracker = new Tracker([get, post], { namespace: 'h3', appId: 'hung' });
  const finals: string[] = [];
  tracker.outcomes.subscribe((o: DeliveryOutcome) => {
    if (o.kind !== 'retrying')
      for (let i = 0; i < o.events.length; i++)
        finals.push(o.kind === 'dropped' ? `dropped:${o.reason}` : `${o.kind}:${o.kind === 'failed' ? o.error.code : ''}`);
  });
  for (let i = 0; i < 4; i++) tracker.trackStructEvent({ category: 'hung', action: 'fetch', value: i });
  const flushed = await settlesWithin(tracker.flush(), 3_000);
  const report = await tracker.shutdown({ timeoutMs: 300 });
  process.stdout.write(`${JSON.stringify({ flushed, report, finals: finals.sort() })}\n`);
}
