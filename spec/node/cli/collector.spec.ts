// `startCollector` over real loopback HTTP: real rxplow emitters in, Snowplow Micro's REST API out.
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { RunningCollector } from '../../../src/collector/server.js';
import { base64UrlEncode } from '../../../src/payload/base64.js';
import { SelfDescribingJson } from '../../../src/index.js';
import {
  baseEvent,
  CART,
  CHECKOUT_STEP,
  DEMO_SCHEMAS,
  Lines,
  micro,
  postEvents,
  PRODUCT,
  startQuietCollector,
  TP2,
  trackerFor,
} from './support.js';

const UNSTRUCT = 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0';

describe('rxplow collector (programmatic, over loopback HTTP)', () => {
  let collector: RunningCollector;
  beforeEach(async () => {
    collector = await startQuietCollector();
  });
  afterEach(async () => {
    await collector.close();
  });

  describe('events from rxplow emitters', () => {
    for (const method of ['get', 'post'] as const) {
      it(`records ${method.toUpperCase()} events as good, in Micro's shapes`, async () => {
        const tracker = trackerFor(collector, { method });
        tracker
          .trackPageView({ pageUrl: 'https://shop.example/p', pageTitle: 'Product', referrer: 'https://search.example/' })
          .trackSelfDescribingEvent(new SelfDescribingJson(CHECKOUT_STEP, { step: 2, option: 'express' }), {
            context: [
              { schema: CART, data: { items: 3, total: 59.9, currency: 'EUR' } },
              { schema: PRODUCT, data: { sku: 'A1' } },
            ],
          })
          .trackStructEvent({ category: 'shop', action: 'add', value: 0 });
        await tracker.shutdown();
        expect(await micro.all(collector)).to.deep.equal({ total: 3, good: 3, bad: 0 });
        const [pv, ue, se] = await micro.good(collector);
        expect(pv).to.deep.include({
          eventType: 'page_view',
          schema: 'iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0',
          contexts: [],
        });
        expect(pv!.event).to.include({
          event: 'page_view',
          page_url: 'https://shop.example/p',
          page_title: 'Product',
          app_id: 'cli',
          name_tracker: 'spec',
        });
        expect(pv!.event['user_ipaddress']).to.equal('127.0.0.1');
        expect(pv!.event['dvce_sent_tstamp']).to.match(/^\d{4}-\d\d-\d\dT/);
        expect(pv!.rawEvent).to.deep.include({ method: method.toUpperCase() });
        expect(ue).to.deep.include({ eventType: 'unstruct', schema: CHECKOUT_STEP, contexts: [CART, PRODUCT] });
        expect(ue!.event['unstruct_event']).to.deep.equal({
          schema: UNSTRUCT,
          data: { schema: CHECKOUT_STEP, data: { step: 2, option: 'express' } },
        });
        expect(ue!.event).to.include({ event_vendor: 'com.rxplow.demo', event_name: 'checkout_step', event_version: '1-0-0' });
        expect(se!.event).to.include({ event: 'struct', se_category: 'shop', se_action: 'add', se_value: 0 });
      });
    }

    it("a self-describing event missing a required field is bad, with the schema's message", async () => {
      const tracker = trackerFor(collector);
      tracker.trackSelfDescribingEvent({ schema: CHECKOUT_STEP, data: { option: 'x' } });
      await tracker.shutdown();
      const [bad] = await micro.bad(collector);
      expect(bad).to.deep.include({ eventType: 'unstruct', schema: CHECKOUT_STEP, status: 200 });
      expect(bad!.errors).to.deep.equal([`event ${CHECKOUT_STEP}: / must have required property 'step'`]);
      expect(bad!.rawEvent!.parameters).to.have.property('ue_px');
    });

    it('an entity with a wrong type is bad; every message is kept', async () => {
      const tracker = trackerFor(collector, { method: 'get' });
      tracker.trackPageView(
        { pageUrl: 'https://shop.example/' },
        { context: [{ schema: CART, data: { items: 'three', currency: 'euro', extra: 1 } }] },
      );
      await tracker.shutdown();
      const [bad] = await micro.bad(collector);
      expect(bad!.errors).to.have.members([
        `context[0] ${CART}: / must NOT have additional properties: "extra"`,
        `context[0] ${CART}: /items must be integer`,
        `context[0] ${CART}: /currency must match pattern "^[A-Z]{3}$"`,
      ]);
    });

    it('an event whose schema is nowhere to be found is bad, with that reason', async () => {
      const tracker = trackerFor(collector);
      tracker.trackSelfDescribingEvent({ schema: 'iglu:com.acme/unknown/jsonschema/1-0-0', data: { a: 1 } });
      await tracker.shutdown();
      const [bad] = await micro.bad(collector);
      expect(bad!.errors).to.have.length(1);
      expect(bad!.errors[0]).to.match(
        /^event iglu:com\.acme\/unknown\/jsonschema\/1-0-0: schema not found: iglu:com\.acme\/unknown\/jsonschema\/1-0-0 \(looked in .*schemas\/demo, bundled Iglu Central\)$/,
      );
    });

    it('honours SP-Anonymous: no IP address, the anonymous network user id, no cookie', async () => {
      const tracker = trackerFor(collector, { method: 'get', anonymous: true });
      tracker.trackPageView({ pageUrl: 'https://shop.example/' });
      await tracker.shutdown();
      const [good] = await micro.good(collector);
      expect(good!.event).not.to.have.property('user_ipaddress');
      expect(good!.event['network_userid']).to.equal('00000000-0000-4000-A000-000000000000');
      const named = await fetch(`${collector.url}/i?${new URLSearchParams(baseEvent('pv'))}`, { headers: { 'SP-Anonymous': '*' } });
      expect(named.headers.get('set-cookie')).to.equal(null);
      const plain = await fetch(`${collector.url}/i?${new URLSearchParams(baseEvent('pv'))}`);
      expect(plain.headers.get('set-cookie')).to.match(/^sp=[0-9a-f-]{36};/);
    });
  });

  describe('answers', () => {
    it('GET /i answers a 1x1 GIF; POST answers 200', async () => {
      const pixel = await fetch(`${collector.url}/i?${new URLSearchParams(baseEvent('pv'))}`);
      expect(pixel.status).to.equal(200);
      expect(pixel.headers.get('content-type')).to.equal('image/gif');
      expect(new Uint8Array(await pixel.arrayBuffer()).subarray(0, 6)).to.deep.equal(new TextEncoder().encode('GIF89a'));
      expect((await postEvents(collector, [baseEvent('pv')])).status).to.equal(200);
      expect(await micro.all(collector)).to.deep.equal({ total: 2, good: 2, bad: 0 });
    });

    it('accepts a custom POST path when configured', async () => {
      const custom = await startQuietCollector({ postPath: '/custom/path' });
      try {
        const tracker = trackerFor(custom, { postPath: '/custom/path' });
        tracker.trackPageView({ pageUrl: 'https://shop.example/' });
        await tracker.shutdown();
        expect(await micro.all(custom)).to.deep.equal({ total: 1, good: 1, bad: 0 });
      } finally {
        await custom.close();
      }
    });

    it('answers a CORS preflight, and echoes the origin with credentials', async () => {
      const preflight = await fetch(`${collector.url}${TP2}`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://app.test',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,sp-anonymous',
        },
      });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers.get('access-control-allow-origin')).to.equal('http://app.test');
      expect(preflight.headers.get('access-control-allow-credentials')).to.equal('true');
      expect(preflight.headers.get('access-control-allow-methods')).to.include('POST');
      expect(preflight.headers.get('access-control-allow-headers')!.toLowerCase()).to.include('content-type').and.include('sp-anonymous');
      const post = await postEvents(collector, [baseEvent('pv')], { Origin: 'http://app.test' });
      expect(post.headers.get('access-control-allow-origin')).to.equal('http://app.test');
      expect(await micro.all(collector)).to.deep.equal({ total: 1, good: 1, bad: 0 });
    });
  });

  describe('bad input: the right status, a bad record, and the collector keeps running', () => {
    const cases: { title: string; send: (c: RunningCollector) => Promise<Response>; status: number; error: RegExp }[] = [
      {
        title: 'malformed JSON → 400',
        send: (c) => fetch(`${c.url}${TP2}`, { method: 'POST', body: '{"schema": [', headers: { 'Content-Type': 'application/json' } }),
        status: 400,
        error: /^body is not valid JSON: /,
      },
      {
        title: 'wrong content type → 415',
        send: (c) => fetch(`${c.url}${TP2}`, { method: 'POST', body: '<xml/>', headers: { 'Content-Type': 'application/xml' } }),
        status: 415,
        error: /^unsupported content type "application\/xml": expected application\/json$/,
      },
      {
        title: 'a body over 1 MB → 413',
        send: (c) =>
          fetch(`${c.url}${TP2}`, {
            method: 'POST',
            body: `{"x":"${'a'.repeat(1_100_000)}"}`,
            headers: { 'Content-Type': 'application/json' },
          }),
        status: 413,
        error: /^body of 1100008 bytes is over the limit of 1000000 bytes \(maxBodyBytes, --max-body-bytes\)$/,
      },
      {
        title: 'invalid base64 in ue_px → 200 and a bad event',
        send: (c) => postEvents(c, [baseEvent('ue', { ue_px: 'not*base64!' })]),
        status: 200,
        error: /^ue_px: invalid base64: /,
      },
      {
        title: 'invalid base64 in cx → 200 and a bad event',
        send: (c) => fetch(`${c.url}/i?${new URLSearchParams(baseEvent('pv', { cx: 'eyJzY2hlbWEi%%' }))}`),
        status: 200,
        error: /^cx: invalid base64: /,
      },
      {
        title: 'unknown path → 404',
        send: (c) => fetch(`${c.url}/nowhere`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }),
        status: 404,
        error: /^unknown path: POST \/nowhere \(the collector takes GET \/i or POST \/com\.snowplowanalytics\.snowplow\/tp2\)$/,
      },
    ];
    for (const c of cases) {
      it(c.title, async () => {
        const response = await c.send(collector);
        expect(response.status).to.equal(c.status);
        await response.arrayBuffer();
        const [bad] = await micro.bad(collector);
        expect(bad!.errors[0]).to.match(c.error);
        expect(bad!.status).to.equal(c.status);
        expect((await postEvents(collector, [baseEvent('pv')])).status).to.equal(200);
        expect(await micro.all(collector)).to.deep.equal({ total: 2, good: 1, bad: 1 });
      });
    }

    it('reports every payload_data problem of a hand-made event', async () => {
      await postEvents(collector, [{ e: 'pv', p: 'web', tv: 1, eid: 'not-a-uuid', cv: 'x' }, { p: 'web' }]);
      const bad = await micro.bad(collector);
      expect(bad.map((b) => b.errors)).to.deep.equal([
        [
          'payload_data: / must NOT have additional properties: "cv"',
          'payload_data: /tv must be string',
          'eid: "not-a-uuid" is not a UUID',
        ],
        ["payload_data: / must have required property 'tv'", "payload_data: / must have required property 'e'"],
      ]);
    });
  });

  describe('Micro API', () => {
    beforeEach(async () => {
      const tracker = trackerFor(collector, { bufferSize: 5 });
      tracker
        .trackPageView({ pageUrl: 'https://shop.example/1' })
        .trackPageView({ pageUrl: 'https://shop.example/2' }, { context: [{ schema: CART, data: { items: 1 } }] })
        .trackSelfDescribingEvent({ schema: CHECKOUT_STEP, data: { step: 1 } }, { context: [{ schema: CART, data: { items: 1 } }] })
        .trackSelfDescribingEvent({ schema: CHECKOUT_STEP, data: { step: 2 } })
        .trackSelfDescribingEvent({ schema: CHECKOUT_STEP, data: { step: 0 } });
      await tracker.shutdown();
    });

    it('filters good events by event_type (name or code), schema (URI or prefix), contexts and limit', async () => {
      expect(await micro.all(collector)).to.deep.equal({ total: 5, good: 4, bad: 1 });
      expect(await micro.good(collector, '?event_type=page_view')).to.have.length(2);
      expect(await micro.good(collector, '?event_type=ue')).to.have.length(2);
      expect(await micro.good(collector, `?schema=${encodeURIComponent(CHECKOUT_STEP)}`)).to.have.length(2);
      expect(await micro.good(collector, '?schema=iglu:com.rxplow.demo/checkout_step')).to.have.length(2);
      expect(await micro.good(collector, `?contexts=${encodeURIComponent(CART)}`)).to.have.length(2);
      const last = await micro.good(collector, '?limit=1');
      expect(last.map((g) => g.event['unstruct_event'])).to.deep.equal([
        { schema: UNSTRUCT, data: { schema: CHECKOUT_STEP, data: { step: 2 } } },
      ]);
      const posted = await fetch(`${collector.url}/micro/good`, {
        method: 'POST',
        body: JSON.stringify({ event_type: 'unstruct', limit: 5 }),
      });
      expect(await posted.json()).to.have.length(2);
      expect(await micro.bad(collector, '?schema=iglu:com.rxplow.demo/checkout_step')).to.have.length(1);
      expect(await micro.bad(collector, '?event_type=page_view')).to.have.length(0);
    });

    it('/micro/reset forgets everything; close() still reports the whole run', async () => {
      expect(await micro.get(collector, 'reset')).to.deep.equal({ total: 0, good: 0, bad: 0 });
      expect(await micro.all(collector)).to.deep.equal({ total: 0, good: 0, bad: 0 });
      expect(collector.good()).to.deep.equal([]);
      expect(await collector.close()).to.deep.equal({ total: 5, good: 4, bad: 1 });
    });

    it('answers 404 for an unknown Micro endpoint', async () => {
      const response = await fetch(`${collector.url}/micro/nothing`);
      expect(response.status).to.equal(404);
    });
  });
});

describe('rxplow collector: output', () => {
  it('prints a readable line per event and a summary on close', async () => {
    const out = new Lines();
    const collector = await startQuietCollector({ out });
    const tracker = trackerFor(collector, { method: 'get' });
    tracker.trackPageView({ pageUrl: 'https://shop.example/' }).trackSelfDescribingEvent({ schema: CHECKOUT_STEP, data: { step: 'one' } });
    await tracker.shutdown();
    await collector.close();
    expect(out.lines[0]).to.match(/^rxplow collector listening on http:\/\/127\.0\.0\.1:\d+ /);
    expect(out.lines[1]).to.match(/^good  GET  page_view +iglu:com\.snowplowanalytics\.snowplow\/page_view\/jsonschema\/1-0-0$/);
    expect(out.lines[2]).to.equal(`bad   GET  unstruct         ${CHECKOUT_STEP} — event ${CHECKOUT_STEP}: /step must be integer`);
    expect(out.lines[3]).to.equal('rxplow collector: 2 event(s): 1 good, 1 bad');
  });

  it('prints one JSON object per line with json: true', async () => {
    const out = new Lines();
    const collector = await startQuietCollector({ out, json: true });
    await postEvents(collector, [baseEvent('pv'), baseEvent('zz')]);
    await collector.close();
    const objects = out.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects.map((o) => o['type'])).to.deep.equal(['listening', 'good', 'bad', 'summary']);
    expect(objects[0]).to.include({ port: collector.port, url: collector.url });
    expect(objects[2]!['errors']).to.deep.equal(['e: unknown event type "zz"']);
    expect(objects[3]).to.deep.equal({ type: 'summary', total: 2, good: 1, bad: 1 });
  });

  it('refuses a schema folder that does not exist', async () => {
    let error: Error | undefined;
    await startQuietCollector({ schemaDirs: ['/no/such/folder'] }).catch((e: Error) => (error = e));
    expect(error?.message).to.equal('rxplow collector: schema folder not found: /no/such/folder');
  });
});

describe('rxplow collector: schemas from a static Iglu registry over HTTP', () => {
  let registry: Server;
  let registryUrl: string;
  const hits: string[] = [];
  before(async () => {
    registry = createServer((req, res) => {
      hits.push(req.url ?? '');
      const path = (req.url ?? '').replace(/^\/schemas\//, '');
      readFile(join(DEMO_SCHEMAS, ...path.split('/'))).then(
        (body) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => registry.close(() => resolve())));

  it('loads a schema from the registry once, and reports a schema it does not have', async () => {
    const collector = await startQuietCollector({ schemaDirs: [], igluUrls: [registryUrl] });
    try {
      const tracker = trackerFor(collector);
      tracker
        .trackSelfDescribingEvent({ schema: CHECKOUT_STEP, data: { step: 1 } })
        .trackSelfDescribingEvent({ schema: CHECKOUT_STEP, data: { step: 2 } })
        .trackSelfDescribingEvent({ schema: 'iglu:com.rxplow.demo/missing/jsonschema/1-0-0', data: {} });
      await tracker.shutdown();
      expect(await micro.all(collector)).to.deep.equal({ total: 3, good: 2, bad: 1 });
      expect(hits.filter((h) => h.includes('checkout_step'))).to.deep.equal(['/schemas/com.rxplow.demo/checkout_step/jsonschema/1-0-0']);
      const [bad] = await micro.bad(collector);
      expect(bad!.errors[0]).to.include(
        `schema not found: iglu:com.rxplow.demo/missing/jsonschema/1-0-0 (looked in ${registryUrl}, bundled Iglu Central)`,
      );
    } finally {
      await collector.close();
    }
  });
});

describe('rxplow collector: raw HTTP edge cases', () => {
  it('answers 413 to a body over maxBodyBytes sent by a plain Node client', async () => {
    const collector = await startQuietCollector({ maxBodyBytes: 100 });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${collector.url}${TP2}`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(base64UrlEncode('x'.repeat(500)));
      });
      expect(status).to.equal(413);
      expect(await micro.all(collector)).to.deep.equal({ total: 1, good: 0, bad: 1 });
    } finally {
      await collector.close();
    }
  });
});
