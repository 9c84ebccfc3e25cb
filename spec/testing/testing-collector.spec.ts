// The in-process testing collector, driven by a real Tracker + Emitter (ky over the collector's fetch).
// Runs in Node and in Chromium.
import { expect } from 'chai';
import { Emitter, SelfDescribingJson, Tracker, type DeliveryOutcome, type EmitterOptions } from '../../src/index.js';
import { createTestingCollector, type TestingCollector } from '../../src/testing/index.js';

const CHECKOUT = 'iglu:com.rxplow.demo/checkout_step/jsonschema/1-0-0';
const CART = 'iglu:com.rxplow.demo/cart/jsonschema/1-0-0';

interface Rig {
  readonly collector: TestingCollector;
  readonly tracker: Tracker;
  readonly outcomes: DeliveryOutcome[];
}

function rig(options: EmitterOptions = {}): Rig {
  const collector = createTestingCollector();
  const emitter = new Emitter(collector.url, { fetch: collector.fetch, flushIntervalMs: 0, retry: { baseDelayMs: 1 }, ...options });
  const tracker = new Tracker(emitter, { namespace: 'spec', appId: 'testing' });
  const outcomes: DeliveryOutcome[] = [];
  tracker.outcomes.subscribe((outcome) => outcomes.push(outcome));
  return { collector, tracker, outcomes };
}

describe('testing collector', () => {
  let current: Rig | undefined;
  const use = (options: EmitterOptions = {}): Rig => (current = rig(options));
  afterEach(async () => {
    await current?.tracker.shutdown({ timeoutMs: 100 });
    current = undefined;
  });

  describe('decoding', () => {
    it('decodes a GET page view from its query string', async () => {
      const { collector, tracker } = use({ method: 'get' });
      tracker.trackPageView({ pageUrl: 'https://shop.example/a', pageTitle: 'A' });
      const [event] = await collector.waitForEvents();
      expect(event).to.deep.include({
        eventType: 'pv',
        eventName: 'page_view',
        method: 'GET',
        requestIndex: 0,
        schema: undefined,
        errors: [],
      });
      expect(event!.fields).to.include({ e: 'pv', url: 'https://shop.example/a', page: 'A', tna: 'spec', aid: 'testing' });
      expect(event!.fields['stm']).to.match(/^\d{13}$/);
      expect(event!.eventId).to.equal(event!.fields['eid']);
      expect(collector.requests[0]).to.deep.include({ method: 'GET', path: '/i', body: undefined, outcome: 200 });
    });

    it('decodes a POST batch: self-describing data and context entities as JSON, not base64', async () => {
      const { collector, tracker } = use({ method: 'post', bufferSize: 2 });
      tracker
        .trackSelfDescribingEvent(new SelfDescribingJson(CHECKOUT, { step: 2 }), { context: [{ schema: CART, data: { items: 3 } }] })
        .trackStructEvent({ category: 'shop', action: 'add', value: 0 });
      const events = await collector.waitForEvents({ count: 2 });
      expect(collector.requests).to.have.length(1);
      expect(collector.requests[0]).to.deep.include({ method: 'POST', path: '/com.snowplowanalytics.snowplow/tp2', errors: [] });
      expect(collector.requests[0]!.headers['content-type']).to.match(/^application\/json/);
      expect(events[0]).to.deep.include({ eventType: 'ue', eventName: 'unstruct', schema: CHECKOUT, data: { step: 2 }, method: 'POST' });
      expect(events[0]!.contexts).to.deep.equal([{ schema: CART, data: { items: 3 } }]);
      expect(events[1]).to.deep.include({ eventType: 'se', eventName: 'struct', contexts: [] });
      expect(events[1]!.fields).to.include({ se_ca: 'shop', se_ac: 'add', se_va: '0' });
    });

    it('records decoding problems on the request and event instead of throwing', async () => {
      const collector = createTestingCollector();
      await collector.fetch(`${collector.url}/i?e=ue&ue_px=%%%bad&tv=t&p=web`);
      await collector.fetch(`${collector.url}/com.snowplowanalytics.snowplow/tp2`, { method: 'POST', body: '{not json' });
      await collector.fetch(`${collector.url}/com.snowplowanalytics.snowplow/tp2`, {
        method: 'POST',
        body: JSON.stringify({ schema: 'iglu:x/y/jsonschema/1-0-0', data: [{ e: 'pv', p: 1, tv: 't' }] }),
      });
      expect(collector.requests.map((r) => r.outcome)).to.deep.equal([200, 200, 200]);
      expect(collector.requests[0]!.errors[0]).to.match(/ue_px: invalid base64/);
      expect(collector.events[0]!.errors[0]).to.match(/ue_px: invalid base64/);
      expect(collector.requests[1]!.errors[0]).to.match(/not valid JSON/);
      expect(collector.requests[2]!.errors).to.deep.equal(['event 0: field "p" is a number, not a string']);
    });

    it('accepts fetch(Request) as well as fetch(url, init)', async () => {
      const collector = createTestingCollector();
      const body = JSON.stringify({ schema: 'iglu:x/y/jsonschema/1-0-0', data: [{ e: 'pv', p: 'web', tv: 't' }] });
      await collector.fetch(new Request(`${collector.url}/tp2`, { method: 'POST', body, headers: { 'SP-Anonymous': '*' } }));
      expect(collector.requests[0]).to.deep.include({ path: '/tp2', body });
      expect(collector.requests[0]!.headers['sp-anonymous']).to.equal('*');
      expect(collector.eventsOfType('page_view')).to.have.length(1);
    });
  });

  describe('scripted answers', () => {
    it('503 then 200: the emitter reports retrying, then sent; the event is collected once', async () => {
      const { collector, tracker, outcomes } = use({ method: 'get' });
      collector.respondWith(503);
      tracker.trackPageView({ pageUrl: 'https://shop.example/' });
      await tracker.flush();
      expect(outcomes.map((o) => o.kind)).to.deep.equal(['retrying', 'sent']);
      expect(collector.requests.map((r) => r.outcome)).to.deep.equal([503, 200]);
      expect(collector.requests[0]!.events).to.have.length(1);
      expect(collector.events).to.have.length(1);
    });

    it('a network error rejects fetch with a TypeError, which the emitter retries', async () => {
      const { collector, tracker, outcomes } = use({ method: 'post' });
      collector.respondWith({ networkError: true });
      tracker.trackPageView({ pageUrl: 'https://shop.example/' });
      await tracker.flush();
      expect(outcomes.map((o) => o.kind)).to.deep.equal(['retrying', 'sent']);
      expect(outcomes[0]).to.have.property('status', undefined);
      expect(collector.requests.map((r) => r.outcome)).to.deep.equal(['network-error', 200]);
      const direct = createTestingCollector().respondWith({ networkError: true });
      let error: unknown;
      await direct.fetch('https://collector.test/i?e=pv').catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(TypeError);
    });

    it('sends Retry-After, and the emitter waits for it (up to its maxDelayMs)', async () => {
      const { collector, tracker, outcomes } = use({ method: 'get', retry: { baseDelayMs: 1, maxDelayMs: 30 } });
      collector.respondWith({ status: 429, retryAfter: 5 });
      tracker.trackPageView({ pageUrl: 'https://shop.example/' });
      await tracker.flush();
      expect(outcomes.map((o) => o.kind)).to.deep.equal(['retrying', 'sent']);
      expect(outcomes[0]).to.deep.include({ status: 429, delayMs: 30 });
      const response = await createTestingCollector().respondWith({ status: 503, retryAfter: 7 }).fetch('https://collector.test/i?e=pv');
      expect(response.status).to.equal(503);
      expect(response.headers.get('retry-after')).to.equal('7');
    });

    it('a status the emitter does not retry fails the events; setDefault changes the answer for good', async () => {
      const { collector, tracker, outcomes } = use({ method: 'get' });
      collector.setDefault(400);
      tracker.trackPageView({ pageUrl: 'https://shop.example/1' }).trackPageView({ pageUrl: 'https://shop.example/2' });
      await tracker.flush();
      expect(outcomes.map((o) => o.kind)).to.deep.equal(['failed', 'failed']);
      expect(collector.events).to.deep.equal([]);
    });

    it('a delayed answer honours the AbortSignal: fetch rejects with an AbortError DOMException', async () => {
      const collector = createTestingCollector().respondWith({ delayMs: 5_000 });
      const controller = new AbortController();
      const pending = collector.fetch('https://collector.test/i?e=pv&p=web&tv=t', { signal: controller.signal });
      setTimeout(() => controller.abort(), 5);
      let error: unknown;
      await pending.catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(DOMException);
      expect((error as DOMException).name).to.equal('AbortError');
      expect(collector.requests[0]!.outcome).to.equal('aborted');
      expect(collector.events).to.deep.equal([]);
    });

    it('a delay longer than the emitter timeout makes a timeout, then the retry is sent', async () => {
      const { collector, tracker, outcomes } = use({ method: 'get', timeoutMs: 20 });
      collector.respondWith({ delayMs: 1_000 });
      tracker.trackPageView({ pageUrl: 'https://shop.example/' });
      await tracker.flush();
      expect(outcomes.map((o) => o.kind)).to.deep.equal(['retrying', 'sent']);
      expect(collector.requests[0]!.outcome).to.equal('aborted');
    });
  });

  describe('waiting and filtering', () => {
    it('waitForEvents waits for a count, or for events matching a predicate', async () => {
      const { collector, tracker } = use({ method: 'get' });
      const two = collector.waitForEvents({ count: 2 });
      const checkout = collector.waitForEvents({ predicate: (e) => e.schema === CHECKOUT });
      tracker.trackPageView({ pageUrl: 'https://shop.example/' });
      tracker.trackSelfDescribingEvent({ schema: CHECKOUT, data: { step: 1 } });
      expect((await two).map((e) => e.eventType)).to.have.members(['pv', 'ue']);
      expect((await checkout).map((e) => e.data)).to.deep.equal([{ step: 1 }]);
    });

    it('waitForEvents rejects on timeout with a message listing what did arrive', async () => {
      const { collector, tracker } = use({ method: 'get' });
      tracker.trackPageView({ pageUrl: 'https://shop.example/' });
      await tracker.flush();
      let error: Error | undefined;
      await collector.waitForEvents({ count: 3, timeoutMs: 20 }).catch((e: Error) => (error = e));
      expect(error?.message).to.match(/timed out after 20 ms waiting for 3 matching event\(s\); 1 matched, 1 accepted in 1 request/);
      expect(error?.message).to.include('pv page_view eid=');
    });

    it('filters by type (code or name), by schema (URI or prefix) and by context', async () => {
      const { collector, tracker } = use({ method: 'post', bufferSize: 4 });
      tracker
        .trackPageView({ pageUrl: 'https://shop.example/' }, { context: [{ schema: CART, data: { items: 1 } }] })
        .trackSelfDescribingEvent({ schema: CHECKOUT, data: { step: 1 } })
        .trackLinkClick({ targetUrl: 'https://shop.example/b' })
        .trackStructEvent({ category: 'c', action: 'a' });
      await collector.waitForEvents({ count: 4 });
      expect(collector.eventsOfType('pv')).to.have.length(1);
      expect(collector.eventsOfType('unstruct')).to.have.length(2);
      expect(collector.eventsWithSchema(CHECKOUT)).to.have.length(1);
      expect(collector.eventsWithSchema('iglu:com.rxplow.demo/checkout_step')).to.have.length(1);
      expect(collector.eventsWithSchema('iglu:com.rxplow.demo/checkout')).to.have.length(0);
      expect(collector.eventsWithSchema('iglu:com.snowplowanalytics.snowplow/')).to.have.length(1);
      expect(collector.eventsWithContext('iglu:com.rxplow.demo/cart')).to.have.length(1);
    });

    it('reset forgets requests, events and scripted answers', async () => {
      const collector = createTestingCollector().respondWith(500, 500);
      await collector.fetch('https://collector.test/i?e=pv&p=web&tv=t');
      collector.reset();
      await collector.fetch('https://collector.test/i?e=pv&p=web&tv=t');
      expect(collector.requests.map((r) => r.outcome)).to.deep.equal([200]);
      expect(collector.events).to.have.length(1);
    });
  });
});
