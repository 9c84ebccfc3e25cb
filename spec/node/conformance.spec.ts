// Conformance run: every event type rxplow can track, sent by real GET and POST emitters over loopback to
// `rxplow collector` loaded with the Iglu Central schemas and the demo schemas, must come out good; hand-made broken
// events must come out bad with the right reason.
//
// The schemas: the repo's schemas/iglu-central, with RXPLOW_IGLU_SCHEMAS (or ../shared/iglu/schemas beside the repo)
// searched first; under CI=true that overlay is required (spec/support/iglu-schemas.ts). It never skips.
import { expect } from 'chai';
import { startCollector, type RunningCollector } from '../../src/collector/server.js';
import type { BadEvent } from '../../src/collector/records.js';
import { EVENT_DEFINITIONS } from '../../src/events/registry.js';
import { base64UrlEncode } from '../../src/payload/base64.js';
import { Emitter, SelfDescribingJson, Tracker, type EmitterOptions, type TrackerOptions } from '../../src/index.js';
import { EVENT_SAMPLES, MINIMAL_SAMPLES, SAMPLE_CONTEXT, SAMPLE_SUBJECT, SP, trackSample } from '../fixtures/events.js';
import { igluSchemaDirs } from '../support/iglu-schemas.js';
import { CART, CHECKOUT_STEP, DEMO_SCHEMAS, PRODUCT, TP2 } from './cli/support.js';

const UNSTRUCT_EVENT = `${SP}/unstruct_event/jsonschema/1-0-0`;
const CONTEXTS = `${SP}/contexts/jsonschema/1-0-0`;
const PAYLOAD_DATA = `${SP}/payload_data/jsonschema/1-0-4`;
const EID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

const describeBad = (bad: readonly BadEvent[]) =>
  bad.map((b) => `${b.schema ?? b.eventType ?? b.collectorPayload.path}: ${b.errors.join('; ')}`).join('\n');

describe('conformance: rxplow events against the Iglu Central schemas, through rxplow collector', function () {
  this.timeout(30_000);
  const located = igluSchemaDirs();
  if ('problem' in located) {
    it('has the Iglu Central schemas', () => {
      throw new Error(`${located.problem}: the conformance run did not run`);
    });
    return;
  }

  let collector: RunningCollector;
  before(async () => {
    collector = await startCollector({ schemaDirs: [...located.dirs, DEMO_SCHEMAS], builtinSchemas: false, out: null });
  });
  beforeEach(() => collector.reset());
  after(() => collector.close());

  it('tracks a sample of every event kind rxplow has', () => {
    const kinds = new Set([...EVENT_SAMPLES, ...MINIMAL_SAMPLES].map((s) => s.kind));
    expect([...kinds].sort()).to.deep.equal(Object.keys(EVENT_DEFINITIONS).sort());
  });

  const transports: { title: string; emitter: EmitterOptions; tracker: TrackerOptions }[] = [
    { title: 'GET, base64', emitter: { method: 'get' }, tracker: {} },
    { title: 'POST, base64', emitter: { method: 'post', bufferSize: 7 }, tracker: {} },
    { title: 'POST, raw JSON (ue_pr / co)', emitter: { method: 'post', bufferSize: 50 }, tracker: { encodeBase64: false } },
  ];
  for (const transport of transports) {
    it(`every event type is good: ${transport.title}`, async () => {
      const emitter = new Emitter(collector.url, { flushIntervalMs: 0, retry: 0, ...transport.emitter });
      const tracker = new Tracker(emitter, { namespace: 'conformance', appId: 'rxplow', ...transport.tracker });
      let expected = 0;
      for (const sample of EVENT_SAMPLES) {
        trackSample(tracker, sample, { context: SAMPLE_CONTEXT, subject: SAMPLE_SUBJECT, trueTimestamp: 1_700_000_000_000 });
        expected += sample.e.length;
      }
      for (const sample of MINIMAL_SAMPLES) {
        trackSample(tracker, sample);
        expected += sample.e.length;
      }
      tracker.trackSelfDescribingEvent(new SelfDescribingJson(CHECKOUT_STEP, { step: 3, option: null, cartValue: 0 }), {
        context: [
          { schema: CART, data: { items: 2, total: 59.9, currency: 'EUR', cartId: 'c-1' } },
          { schema: PRODUCT, data: { sku: 'A1', price: 0 } },
        ],
      });
      expected += 1;
      const report = await tracker.shutdown();
      expect(report).to.deep.equal({ sent: expected, failed: 0, dropped: 0, abandoned: 0 });
      await collector.idle();
      expect(describeBad(collector.bad())).to.equal('');
      expect(collector.summary()).to.deep.equal({ total: expected, good: expected, bad: 0 });
    });
  }

  describe('broken events are bad, with the right reason', () => {
    const event = (extra: Record<string, unknown>): Record<string, unknown> => ({
      e: 'pv',
      p: 'web',
      tv: 'hand-1',
      eid: EID,
      url: 'https://x.test/',
      ...extra,
    });
    const sdj = (schema: string, data: unknown) => base64UrlEncode(JSON.stringify({ schema: UNSTRUCT_EVENT, data: { schema, data } }));
    const cx = (...entities: object[]) => base64UrlEncode(JSON.stringify({ schema: CONTEXTS, data: entities }));
    const cases: { title: string; event: Record<string, unknown>; reasons: readonly string[]; postOnly?: true }[] = [
      // A query string holds only strings: a non-string value can only come in a POST body.
      {
        title: 'a non-string value in the payload',
        event: event({ dtm: 1_700_000_000_000 }),
        reasons: ['payload_data: /dtm must be string'],
        postOnly: true,
      },
      {
        title: 'a key payload_data does not allow',
        event: event({ cv: 'clj-1.0' }),
        reasons: ['payload_data: / must NOT have additional properties: "cv"'],
      },
      {
        title: 'a required payload field missing',
        event: { e: 'pv', p: 'web', eid: EID },
        reasons: ["payload_data: / must have required property 'tv'"],
      },
      { title: 'an unknown event type', event: event({ e: 'xx' }), reasons: ['e: unknown event type "xx"'] },
      { title: 'an event id that is not a UUID', event: event({ eid: '42' }), reasons: ['eid: "42" is not a UUID'] },
      {
        title: 'a self-describing event missing a required field',
        event: event({ e: 'ue', ue_px: sdj(`${SP}/link_click/jsonschema/1-0-1`, { elementId: 'a' }) }),
        reasons: [`event ${SP}/link_click/jsonschema/1-0-1: / must have required property 'targetUrl'`],
      },
      {
        title: 'a self-describing event with a wrong type',
        event: event({ e: 'ue', ue_px: sdj(`${SP}/add_to_cart/jsonschema/1-0-0`, { sku: 's', quantity: '2' }) }),
        reasons: [`event ${SP}/add_to_cart/jsonschema/1-0-0: /quantity must be number`],
      },
      {
        title: 'a self-describing event with an unknown schema',
        event: event({ e: 'ue', ue_px: sdj('iglu:com.acme/nowhere/jsonschema/1-0-0', { a: 1 }) }),
        reasons: [
          `event iglu:com.acme/nowhere/jsonschema/1-0-0: schema not found: iglu:com.acme/nowhere/jsonschema/1-0-0 (looked in ${[...located.dirs, DEMO_SCHEMAS].join(', ')})`,
        ],
      },
      {
        title: 'an extra key in the unstruct_event envelope',
        event: event({
          e: 'ue',
          ue_pr: JSON.stringify({ schema: UNSTRUCT_EVENT, data: { schema: CHECKOUT_STEP, data: { step: 1 }, extra: true } }),
        }),
        reasons: ['unstruct_event envelope: / must NOT have additional properties: "extra"'],
      },
      {
        title: 'an entity that breaks its schema',
        event: event({ cx: cx({ schema: `${SP}/web_page/jsonschema/1-0-0`, data: { id: 'not-a-uuid' } }) }),
        reasons: [
          `context[0] ${SP}/web_page/jsonschema/1-0-0: /id must match pattern "^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$"`,
        ],
      },
      {
        title: 'an empty contexts 1-0-0 array',
        event: event({ cx: cx() }),
        reasons: ['contexts envelope: / must NOT have fewer than 1 items'],
      },
      {
        title: 'bad base64 in ue_px',
        event: event({ e: 'ue', ue_px: 'a' }),
        reasons: ['ue_px: invalid base64: not base64 / base64url: impossible length'],
      },
      {
        title: 'a ue event without ue_px or ue_pr',
        event: event({ e: 'ue' }),
        reasons: ['ue: a self-describing event needs ue_px or ue_pr'],
      },
    ];
    for (const c of cases) {
      for (const method of c.postOnly ? (['POST'] as const) : (['POST', 'GET'] as const)) {
        it(`${c.title} (${method})`, async () => {
          const sent =
            method === 'POST'
              ? fetch(`${collector.url}${TP2}`, {
                  method,
                  headers: { 'Content-Type': 'application/json' },
                  body: JSON.stringify({ schema: PAYLOAD_DATA, data: [c.event] }),
                })
              : fetch(`${collector.url}/i?${new URLSearchParams(Object.entries(c.event).map(([k, v]) => [k, String(v)]))}`);
          expect((await sent).status).to.equal(200);
          await collector.idle();
          expect(collector.bad().map((b) => b.errors)).to.deep.equal([c.reasons]);
        });
      }
    }
  });
});
