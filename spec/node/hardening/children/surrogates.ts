// Child of surrogates.spec.ts: `node --import tsx surrogates.ts <collector url>`. Tracks lone surrogates through
// every entry point at a GET and a POST emitter, flushes, shuts down, prints one JSON report line. On today's main the
// GET emitter's encodeURIComponent throws inside a subscriber and the process dies with exit 1.
import { Emitter, structEvent, Tracker } from '../../../../src/index.js';
import { settlesWithin } from './race.js';

if (process.env['RXPLOW_HARDENING_CHILD'] === '1') {
  const endpoint = process.argv[2]!;
  const HIGH = '😀'.slice(0, 1);
  const LOW = '😀'.slice(1);
  const options = { retry: { limit: 1, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 2_000, flushIntervalMs: 10 };
  const get = new Emitter(endpoint, { ...options, method: 'get' });
  const post = new Emitter(endpoint, { ...options, method: 'post', bufferSize: 4 });
  const tracker = new Tracker([get, post], { namespace: `ns${HIGH}`, appId: `app${LOW}`, encodeBase64: false });
  let tracked = 0;
  tracker.payloads.subscribe(() => tracked++);
  const ENTITY = 'iglu:com.acme/entity/jsonschema/1-0-0';
  tracker.trackStructEvent({ category: 'c', action: 'a', label: `cut ${HIGH}` });
  tracker.setUserId(`user${LOW}`).trackPageView({ pageUrl: `https://x.test/${HIGH}` }, { subject: { useragent: `ua${HIGH}` } });
  tracker.trackSelfDescribingEvent(
    { schema: 'iglu:com.acme/e/jsonschema/1-0-0', data: { [`k${HIGH}`]: `v${LOW}` } },
    { context: [{ schema: ENTITY, data: { n: `${LOW}${HIGH}` } }] },
  );
  tracker.input.next(structEvent({ category: `in${HIGH}`, action: 'a' }));
  const flushed = await settlesWithin(tracker.flush(), 4_000);
  const report = await tracker.shutdown({ timeoutMs: 200 });
  process.stdout.write(`${JSON.stringify({ flushed, report, tracked })}\n`);
}
