// `npm start` (src/cli/demo.ts): the whole flow on one machine. Starts `rxplow collector` on a free loopback port (Iglu Central schemas
// plus the demo's own), tracks a realistic mix of events through a GET and a POST emitter, prints every outcome as it
// arrives, then shuts down and prints the collector's good/bad summary.
// Two things happen on purpose: the POST emitter talks to the collector through a small loopback front that answers
// its first request 503, so one batch is retried; and one event breaks its schema, so the collector flags it as bad.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCollector, demoSchemasDir } from '../collector/server.js';
import { Emitter, SelfDescribingJson, Tracker, structEvent, type DeliveryOutcome } from '../index.js';

const collector = await startCollector({
  schemaDirs: [demoSchemasDir()],
  out: { write: (line: string) => process.stdout.write(`  collector │ ${line}`) },
});
const front = await startFlakyFront(collector.url);
console.log(`rxplow demo: collector listening on ${collector.url}`);
console.log(`             the POST emitter goes through ${front.url}, which answers its first request 503 (watch for ↻)\n`);

const get = new Emitter(collector.url, { method: 'get', name: 'GET /i' });
const post = new Emitter(front.url, { bufferSize: 5, flushIntervalMs: 200, name: 'POST tp2' });
const tracker = new Tracker([get, post], {
  namespace: 'demo',
  appId: 'rxplow-demo',
  subject: { platform: 'web', userId: 'user-42', language: 'en-GB', timezone: 'Europe/London', screenResolution: '1920x1080' },
});

tracker.outcomes.subscribe((outcome) => console.log(`  ${describe(outcome)}`));

const CHECKOUT_STEP = 'iglu:com.rxplow.demo/checkout_step/jsonschema/1-0-0';
const cart = new SelfDescribingJson('iglu:com.rxplow.demo/cart/jsonschema/1-0-0', {
  items: 2,
  total: 59.9,
  currency: 'EUR',
  cartId: 'c-1',
});
const product = new SelfDescribingJson('iglu:com.rxplow.demo/product/jsonschema/1-0-0', {
  sku: 'SKU-1',
  name: 'Café crème ☕',
  price: 29.95,
});

console.log('tracking a shopping session…');
tracker
  .trackPageView({ pageUrl: 'https://shop.example/', pageTitle: 'Home', referrer: 'https://search.example/?q=coffee' })
  .trackSiteSearch({ terms: ['coffee', 'beans'], filters: { organic: true }, totalResults: 42, pageResults: 10 })
  .trackLinkClick({ targetUrl: 'https://shop.example/p/sku-1', elementId: 'result-1', elementClasses: ['result'] })
  .trackPageView({ pageUrl: 'https://shop.example/p/sku-1', pageTitle: 'Café crème ☕' }, { context: [product] })
  .trackPagePing({ pageUrl: 'https://shop.example/p/sku-1', minXOffset: 0, maxXOffset: 0, minYOffset: 0, maxYOffset: 840 })
  .trackAddToCart({ sku: 'SKU-1', name: 'Café crème ☕', unitPrice: 29.95, quantity: 2, currency: 'EUR' }, { context: [cart] })
  .trackSelfDescribingEvent(new SelfDescribingJson(CHECKOUT_STEP, { step: 1, cartValue: 59.9 }), { context: [cart] })
  .trackFormSubmission({ formId: 'address', elements: [{ name: 'city', value: 'Lyon', nodeName: 'INPUT', type: 'text' }] })
  .trackEcommerceTransaction({
    orderId: 'order-1001',
    total: 64.85,
    tax: 4.95,
    shipping: 0,
    currency: 'EUR',
    city: 'Lyon',
    country: 'FR',
    items: [{ sku: 'SKU-1', name: 'Café crème ☕', price: 29.95, quantity: 2, category: 'coffee' }],
  })
  .trackConsentGranted({ id: 'privacy-policy', version: '3', name: 'Privacy policy', expiry: '2027-11-23T00:00:00Z' })
  .trackTiming({ category: 'checkout', variable: 'payment', timing: 812 })
  .trackMobileScreenView({ name: 'order-confirmation' });

// An Observable of events can be fed to the tracker too.
const { from } = await import('rxjs');
from([
  structEvent({ category: 'newsletter', action: 'subscribe', label: 'footer' }),
  structEvent({ category: 'share', action: 'click', value: 0 }),
]).subscribe(tracker.input);

// Deliberately bad: a checkout step outside its schema's range (step ≤ 10). rxplow checks the shape of an event, not
// the schema behind it, so it is delivered fine, through both emitters, and the collector's validation flags it as bad.
tracker.trackSelfDescribingEvent(new SelfDescribingJson(CHECKOUT_STEP, { step: 99 }));

await tracker.flush();
console.log('\nflushed: every event above has a final outcome at both emitters');
const report = await tracker.shutdown({ timeoutMs: 5000 });
console.log(
  `tracker report (events × emitters): sent ${report.sent}, failed ${report.failed}, dropped ${report.dropped}, abandoned ${report.abandoned}\n`,
);

await collector.idle();
await front.close();
const summary = await collector.close();
console.log(`\ncollector: ${summary.total} events received, ${summary.good} good, ${summary.bad} bad`);
for (const bad of collector.bad()) console.log(`  bad: ${bad.errors[0] ?? 'unknown reason'}`);
const deliberate = collector.bad().filter((bad) => bad.errors.every((error) => error.includes(`${CHECKOUT_STEP}: /step must be <= 10`)));
if (summary.bad === 2 && deliberate.length === 2) {
  console.log(
    "\nAs intended: the 2 bad events are the one checkout step with step 99, sent once per emitter; the collector's\n" +
      "schema validation rejects it (rxplow checks an event's shape and delivers it; Iglu validation is the collector's job).",
  );
} else {
  console.log(`\nUNEXPECTED: ${summary.bad} bad events, ${deliberate.length} of them the deliberate checkout step (2 expected)`);
  process.exitCode = 1;
}
console.log(
  `The POST batch answered 503 (↻ above) was retried and delivered: the collector received ${summary.total} events, ` +
    `the tracker reported ${report.sent} sent.`,
);

/**
 * A loopback HTTP front for the collector that answers the first request 503, then forwards
 * every request to `target` unchanged and relays the answer.
 */
async function startFlakyFront(target: string): Promise<{ readonly url: string; close(): Promise<void> }> {
  let rejected = false;
  const hopByHop = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);
  const forwardable = (headers: IncomingHttpHeaders): [string, string][] =>
    Object.entries(headers).flatMap(([k, v]) =>
      v === undefined || hopByHop.has(k) ? [] : [[k, Array.isArray(v) ? v.join(', ') : v] as [string, string]],
    );
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (!rejected) {
        rejected = true;
        console.log(`  front     │ ${req.method} ${req.url} → 503 Service Unavailable (once, on purpose)`);
        res.writeHead(503).end();
        return;
      }
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      fetch(new URL(req.url ?? '/', target), { method: req.method ?? 'GET', headers: forwardable(req.headers), ...(body ? { body } : {}) })
        .then(async (upstream) => {
          const headers = [...upstream.headers].filter(([k]) => !hopByHop.has(k) && k !== 'content-encoding');
          res.writeHead(upstream.status, Object.fromEntries(headers)).end(Buffer.from(await upstream.arrayBuffer()));
        })
        .catch((error: unknown) => res.writeHead(502).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function describe(outcome: DeliveryOutcome): string {
  const events = outcome.events.map((e) => e['e']).join(',') || '-';
  switch (outcome.kind) {
    case 'sent':
      return `✔ ${outcome.emitter.padEnd(8)} sent     ${outcome.events.length} event(s) [${events}] status ${outcome.status}, attempt ${outcome.attempt}`;
    case 'retrying':
      return `↻ ${outcome.emitter.padEnd(8)} retrying ${outcome.events.length} event(s) in ${outcome.delayMs} ms: ${outcome.error.message}`;
    case 'failed':
      return `✘ ${outcome.emitter.padEnd(8)} failed   ${outcome.events.length} event(s): ${outcome.error.message}`;
    case 'dropped':
      return `✘ ${outcome.emitter.padEnd(8)} dropped  ${outcome.events.length} event(s): ${outcome.reason}`;
  }
}
