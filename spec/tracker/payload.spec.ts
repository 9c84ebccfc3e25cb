// What the tracker puts on the wire for each event type: common fields, subject, timestamps, ids, encoding,
// envelopes. Runs in Node and in the browser.
import { expect } from 'chai';
import { validate as isUuid, version as uuidVersion } from 'uuid';
import { EVENT_DEFINITIONS } from '../../src/events/registry.js';
import { base64UrlDecode } from '../../src/payload/base64.js';
import type { Payload } from '../../src/payload/payload.js';
import { SelfDescribingJson } from '../../src/payload/self-describing-json.js';
import { Tracker } from '../../src/tracker/tracker.js';
import { VERSION } from '../../src/version.js';
import {
  EVENT_SAMPLES,
  SAMPLE_CONTEXT,
  SAMPLE_SUBJECT,
  SAMPLE_SUBJECT_WIRE,
  SP,
  UNICODE,
  UUIDS,
  constructSample,
  sampleTitled,
  trackSample,
} from '../fixtures/events.js';
import { createCapturingTracker, createRecordingEmitter } from '../helpers/capture.js';
import { decodePayload, type WireSelfDescribing } from '../helpers/decode.js';

const CONTEXTS_SCHEMA = `${SP}/contexts/jsonschema/1-0-1`;
const UNSTRUCT_SCHEMA = `${SP}/unstruct_event/jsonschema/1-0-0`;
const BASE64URL_UNPADDED = /^[A-Za-z0-9_-]+$/;
const FIXED = { eventId: '9f0e1d2c-3b4a-4c5d-8e6f-708192a3b4c5', deviceTimestamp: 1_700_000_000_123 } as const;

/** The entities as JSON, the way they are serialised. */
const asJson = (entities: readonly SelfDescribingJson[]): WireSelfDescribing[] =>
  JSON.parse(JSON.stringify(entities)) as WireSelfDescribing[];

/** The payload without what differs between two calls with the same input (ids of later events, timestamps). */
const comparable = (p: Payload) => {
  const { eid: _eid, ...rest } = decodePayload(p).fields;
  return { ...decodePayload(p), fields: rest };
};

describe('tracker payloads', () => {
  it('has a sample of every event kind in the fixture table', () => {
    expect([...new Set(EVENT_SAMPLES.map((s) => s.kind))].sort()).to.deep.equal(Object.keys(EVENT_DEFINITIONS).sort());
  });

  for (const sample of EVENT_SAMPLES) {
    describe(sample.title, () => {
      it(`emits ${sample.e.join(' + ')} with eid (uuid v4), dtm, tv, tna, aid and the default platform srv`, () => {
        const { tracker, payloads } = createCapturingTracker();
        const before = Date.now();
        trackSample(tracker, sample);
        const after = Date.now();

        expect(payloads.map((p) => p['e'])).to.deep.equal(sample.e);
        for (const p of payloads) {
          expect(isUuid(p['eid']!) && uuidVersion(p['eid']!)).to.equal(4);
          expect(Number(p['dtm'])).to.be.within(before, after);
          expect(p).to.include({ tv: `rxplow-${VERSION}`, tna: 'cf', aid: 'app', p: 'srv' });
          expect(p).not.to.have.any.keys('ttm', 'stm');
        }
      });

      it('sends every value as a string', () => {
        const { tracker, payloads } = createCapturingTracker({ subject: SAMPLE_SUBJECT });
        trackSample(tracker, sample, { context: SAMPLE_CONTEXT, trueTimestamp: 0 });
        for (const p of payloads) for (const value of Object.values(p)) expect(value).to.be.a('string');
      });

      if (sample.schema !== undefined) {
        it(`double-wraps the event: unstruct_event 1-0-0 around ${sample.schema.replace('iglu:', '')}`, () => {
          const { tracker, payloads } = createCapturingTracker();
          trackSample(tracker, sample);
          const ue = decodePayload(payloads[0]!).unstructEvent!;
          expect(Object.keys(ue)).to.have.members(['schema', 'data']);
          expect(ue.schema).to.equal(UNSTRUCT_SCHEMA);
          expect(Object.keys(ue.data)).to.have.members(['schema', 'data']);
          expect(ue.data.schema).to.equal(sample.schema);
        });
      }

      it('builds the same payloads through track(constructor(fields)) as through its track method', () => {
        const viaMethod = createCapturingTracker();
        const viaTrack = createCapturingTracker();
        trackSample(viaMethod.tracker, sample, { ...FIXED, context: SAMPLE_CONTEXT });
        viaTrack.tracker.track(constructSample(sample), { ...FIXED, context: SAMPLE_CONTEXT });
        expect(viaTrack.payloads.map(comparable)).to.deep.equal(viaMethod.payloads.map(comparable));
      });

      it('wraps the caller’s entities in contexts 1-0-1, and sends no cx/co without entities', () => {
        const { tracker, payloads } = createCapturingTracker();
        trackSample(tracker, sample, { context: SAMPLE_CONTEXT });
        trackSample(tracker, sample, { context: [] });
        const [withContext, withoutContext] = [payloads.slice(0, sample.e.length), payloads.slice(sample.e.length)];
        for (const p of withContext) {
          const contexts = decodePayload(p).contexts!;
          expect(contexts.schema).to.equal(CONTEXTS_SCHEMA);
          expect(contexts.data.slice(-SAMPLE_CONTEXT.length)).to.deep.equal(asJson(SAMPLE_CONTEXT));
        }
        for (const p of withoutContext) {
          if (sample.kind === 'consentGranted' || sample.kind === 'consentWithdrawn') continue; // they carry their document
          expect(p).not.to.have.any.keys('cx', 'co');
        }
      });

      it('returns the tracker, so calls chain', () => {
        const { tracker } = createCapturingTracker();
        expect(trackSample(tracker, sample)).to.equal(tracker);
        expect(tracker.track(constructSample(sample))).to.equal(tracker);
      });
    });
  }

  describe('subject', () => {
    it('sends every subject field under its wire key (tnuid for networkUserId, sid, vid, res, vp, …)', () => {
      const { tracker, payloads } = createCapturingTracker({ subject: SAMPLE_SUBJECT });
      tracker.trackPageView({ pageUrl: 'https://x' });
      expect(payloads[0]).to.include(SAMPLE_SUBJECT_WIRE);
      expect(payloads[0]).not.to.have.any.keys('nuid');
    });

    it('merges a per-call subject over the tracker’s for that call only', () => {
      const { tracker, payloads } = createCapturingTracker({ subject: { userId: 'u1', timezone: 'Europe/London' } });
      tracker.trackPageView({ pageUrl: 'https://x' }, { subject: { userId: 'u2', platform: 'web' } });
      tracker.trackPageView({ pageUrl: 'https://x' });
      expect(payloads[0]).to.include({ uid: 'u2', tz: 'Europe/London', p: 'web' });
      expect(payloads[1]).to.include({ uid: 'u1', tz: 'Europe/London', p: 'srv' });
    });

    it('applies setSubject and the chainable setters to later events', () => {
      const { tracker, payloads } = createCapturingTracker();
      const returned = tracker
        .setPlatform('pc')
        .setUserId('u')
        .setScreenResolution(1920, 1080)
        .setViewport(800, 600)
        .setColorDepth(0)
        .setTimezone('Asia/Tokyo')
        .setLanguage('ja')
        .setIpAddress('198.51.100.1')
        .setUseragent('ua/1')
        .setDomainUserId('d')
        .setNetworkUserId('n')
        .setSessionId(UUIDS.session)
        .setSessionIndex(0)
        .setSubject({ userId: 'u-merged' });
      tracker.trackPageView({ pageUrl: 'https://x' });
      expect(returned).to.equal(tracker);
      expect(payloads[0]).to.include({
        p: 'pc',
        uid: 'u-merged',
        res: '1920x1080',
        vp: '800x600',
        cd: '0',
        tz: 'Asia/Tokyo',
        lang: 'ja',
        ip: '198.51.100.1',
        ua: 'ua/1',
        duid: 'd',
        tnuid: 'n',
        sid: UUIDS.session,
        vid: '0',
      });
    });
  });

  describe('timestamps and ids', () => {
    it('sends ttm for a true timestamp and still sends dtm', () => {
      const { tracker, payloads } = createCapturingTracker();
      const before = Date.now();
      tracker.trackStructEvent({ category: 'c', action: 'a' }, { trueTimestamp: 1_600_000_000_000 });
      expect(payloads[0]!['ttm']).to.equal('1600000000000');
      expect(Number(payloads[0]!['dtm'])).to.be.at.least(before);
    });

    it('uses the given device timestamp as dtm', () => {
      const { tracker, payloads } = createCapturingTracker();
      tracker.trackStructEvent({ category: 'c', action: 'a' }, { deviceTimestamp: 1_500_000_000_000, trueTimestamp: 0 });
      expect(payloads[0]).to.include({ dtm: '1500000000000', ttm: '0' });
    });

    it('uses the caller’s event id as eid', () => {
      const { tracker, payloads } = createCapturingTracker();
      tracker.trackPageView({ pageUrl: 'https://x' }, { eventId: FIXED.eventId });
      expect(payloads[0]!['eid']).to.equal(FIXED.eventId);
    });

    it('gives every event its own eid', () => {
      const { tracker, payloads } = createCapturingTracker();
      tracker.trackPageView({ pageUrl: 'https://x' }).trackPageView({ pageUrl: 'https://x' });
      expect(payloads[0]!['eid']).not.to.equal(payloads[1]!['eid']);
    });
  });

  describe('encoding', () => {
    const selfDescribing = sampleTitled('self-describing event');

    it('with encodeBase64 true (the default) sends ue_px and cx as unpadded base64url', () => {
      const { tracker, payloads } = createCapturingTracker();
      trackSample(tracker, selfDescribing, { context: SAMPLE_CONTEXT });
      expect(payloads[0]).to.have.keys('e', 'eid', 'dtm', 'tv', 'tna', 'aid', 'p', 'ue_px', 'cx');
      expect(payloads[0]!['ue_px']).to.match(BASE64URL_UNPADDED);
      expect(payloads[0]!['cx']).to.match(BASE64URL_UNPADDED);
    });

    it('with encodeBase64 false sends the same JSON raw in ue_pr and co', () => {
      const encoded = createCapturingTracker({ encodeBase64: true });
      const raw = createCapturingTracker({ encodeBase64: false });
      trackSample(encoded.tracker, selfDescribing, { context: SAMPLE_CONTEXT });
      trackSample(raw.tracker, selfDescribing, { context: SAMPLE_CONTEXT });
      expect(raw.payloads[0]).to.include.keys('ue_pr', 'co');
      expect(raw.payloads[0]).not.to.have.any.keys('ue_px', 'cx');
      expect(JSON.parse(raw.payloads[0]!['ue_pr']!)).to.deep.equal(decodePayload(encoded.payloads[0]!).unstructEvent);
      expect(JSON.parse(raw.payloads[0]!['co']!)).to.deep.equal(decodePayload(encoded.payloads[0]!).contexts);
    });

    it('encodes UTF-8, so accents, CJK and emoji round-trip through base64url', () => {
      const { tracker, payloads } = createCapturingTracker();
      tracker.trackSelfDescribingEvent(new SelfDescribingJson(`${SP}/screen_view/jsonschema/1-0-0`, { name: UNICODE }), {
        context: [new SelfDescribingJson(`${SP}/screen_view/jsonschema/1-0-0`, { name: UNICODE })],
      });
      const ue = JSON.parse(base64UrlDecode(payloads[0]!['ue_px']!)) as { data: { data: { name: string } } };
      const cx = JSON.parse(base64UrlDecode(payloads[0]!['cx']!)) as { data: [{ data: { name: string } }] };
      expect(ue.data.data.name).to.equal(UNICODE);
      expect(cx.data[0].data.name).to.equal(UNICODE);
    });
  });

  describe('empty values and 0', () => {
    it('leaves out empty and undefined fields', () => {
      const { tracker, payloads } = createCapturingTracker({ appId: '', subject: { userId: '', timezone: undefined } });
      tracker.trackPageView({ pageUrl: 'https://x', pageTitle: '', referrer: undefined });
      tracker.trackStructEvent({ category: 'c', action: 'a', label: '', property: undefined });
      expect(payloads[0]).not.to.have.any.keys('page', 'refr', 'aid', 'uid', 'tz');
      expect(payloads[1]).not.to.have.any.keys('se_la', 'se_pr', 'se_va');
    });

    it('leaves undefined properties out of self-describing data', () => {
      const { tracker, payloads } = createCapturingTracker();
      tracker.trackLinkClick({ targetUrl: 'https://x', elementId: undefined });
      expect(decodePayload(payloads[0]!).unstructEvent!.data.data).to.deep.equal({ targetUrl: 'https://x' });
    });

    it('sends 0 as "0": se_va, page-ping offsets, vid', () => {
      const { tracker, payloads } = createCapturingTracker({ subject: { sessionIndex: 0 } });
      tracker.trackStructEvent({ category: 'c', action: 'a', value: 0 });
      tracker.trackPagePing({ pageUrl: 'https://x', minXOffset: 0, maxXOffset: 0, minYOffset: 0, maxYOffset: 0 });
      expect(payloads[0]).to.include({ se_va: '0', vid: '0' });
      expect(payloads[1]).to.include({ pp_mix: '0', pp_max: '0', pp_miy: '0', pp_may: '0' });
    });

    it('keeps 0 in self-describing data', () => {
      const { tracker, payloads } = createCapturingTracker();
      tracker.trackTiming({ category: 'c', variable: 'v', timing: 0 });
      expect(decodePayload(payloads[0]!).unstructEvent!.data.data).to.deep.equal({ category: 'c', variable: 'v', timing: 0 });
    });
  });

  describe('ecommerce transaction', () => {
    const transaction = sampleTitled('ecommerce transaction');

    it('emits one tr and one ti per item, sharing order id, currency, timestamps and context, with distinct eids', () => {
      const { tracker, payloads } = createCapturingTracker();
      trackSample(tracker, transaction, { eventId: FIXED.eventId, trueTimestamp: 1, context: SAMPLE_CONTEXT });
      const [tr, ...items] = payloads;
      expect(tr).to.include({
        e: 'tr',
        eid: FIXED.eventId,
        tr_id: 'order-ü-42',
        tr_tt: '99.5',
        tr_af: 'Boutique Zoë',
        tr_tx: '0',
        tr_sh: '4.99',
        tr_ci: 'Zürich',
        tr_st: 'ZH',
        tr_co: 'Schweiz 🇨🇭',
        tr_cu: 'CHF',
      });
      const common = decodePayload(tr!).fields;
      expect(items.map((p) => decodePayload(p).fields)).to.deep.equal(
        [
          {
            ...common,
            e: 'ti',
            eid: items[0]!['eid'],
            ti_id: 'order-ü-42',
            ti_sk: 'sku-1',
            ti_pr: '45',
            ti_qu: '2',
            ti_nm: 'Tasse ☕',
            ti_ca: 'Küche',
            ti_cu: 'CHF',
          },
          {
            ...common,
            e: 'ti',
            eid: items[1]!['eid'],
            ti_id: 'order-ü-42',
            ti_sk: 'sku-東京',
            ti_pr: '0',
            ti_qu: '0',
            ti_nm: 'Cadeau 🎁',
            ti_ca: '贈り物',
            ti_cu: 'CHF',
          },
        ].map(withoutTransactionFields),
      );
      expect(new Set(payloads.map((p) => p['eid'])).size).to.equal(3);
      for (const p of payloads) expect(p).to.include({ dtm: tr!['dtm'], ttm: '1', cx: tr!['cx'] });
    });

    it('emits only tr for a transaction without items', () => {
      const { tracker, payloads } = createCapturingTracker();
      tracker.trackEcommerceTransaction({ orderId: 'o', total: 0 });
      expect(payloads.map((p) => p['e'])).to.deep.equal(['tr']);
      expect(payloads[0]).to.include({ tr_tt: '0' });
    });
  });

  describe('event-specific rules', () => {
    it('puts the consent_document entity before the caller’s context', () => {
      for (const title of ['consent granted', 'consent withdrawn']) {
        const sample = sampleTitled(title);
        const { tracker, payloads } = createCapturingTracker();
        trackSample(tracker, sample, { context: SAMPLE_CONTEXT });
        const fields = sample.fields as { id: string; version: string; name: string; description: string };
        expect(decodePayload(payloads[0]!).contexts!.data).to.deep.equal([
          {
            schema: `${SP}/consent_document/jsonschema/1-0-0`,
            data: { id: fields.id, version: fields.version, name: fields.name, description: fields.description },
          },
          ...asJson(SAMPLE_CONTEXT),
        ]);
      }
    });

    it('sends consent_withdrawn all: false when all is not given (the schema requires it)', () => {
      const { tracker, payloads } = createCapturingTracker();
      tracker.trackConsentWithdrawn({ id: 'd', version: '1' });
      expect(decodePayload(payloads[0]!).unstructEvent!.data.data).to.deep.equal({ all: false });
    });

    it('generates a v4 uuid as the mobile screen view id when absent, a new one per event', () => {
      const { tracker, payloads } = createCapturingTracker();
      tracker.trackMobileScreenView({ name: 'a' }).trackMobileScreenView({ name: 'a' });
      const ids = payloads.map((p) => (decodePayload(p).unstructEvent!.data.data as { id: string }).id);
      for (const id of ids) expect(isUuid(id) && uuidVersion(id)).to.equal(4);
      expect(ids[0]).not.to.equal(ids[1]);
    });

    it('sends the focus_form input type as elementType and the change_form one as type', () => {
      const { tracker, payloads } = createCapturingTracker();
      const common = { formId: 'f', elementId: 'e', nodeName: 'INPUT', type: 'text', value: 'v' } as const;
      tracker.trackFormFocusOrChange({ schema: 'focus_form', ...common }).trackFormFocusOrChange({ schema: 'change_form', ...common });
      const [focus, change] = payloads.map((p) => decodePayload(p).unstructEvent!.data.data);
      expect(focus).to.deep.equal({ formId: 'f', elementId: 'e', nodeName: 'INPUT', elementType: 'text', value: 'v' });
      expect(change).to.deep.equal({ formId: 'f', elementId: 'e', nodeName: 'INPUT', type: 'text', value: 'v' });
    });

    it('sends a form value of null when none is given (the schemas require the key)', () => {
      const { tracker, payloads } = createCapturingTracker();
      tracker.trackFormFocusOrChange({ schema: 'change_form', formId: '', elementId: '', nodeName: 'SELECT' });
      expect(decodePayload(payloads[0]!).unstructEvent!.data.data).to.deep.equal({
        formId: '',
        elementId: '',
        nodeName: 'SELECT',
        value: null,
      });
    });

    it('defaults application_error programmingLanguage to JAVASCRIPT and cuts message and stack trace to the schema limits', () => {
      const { tracker, payloads } = createCapturingTracker();
      tracker.trackApplicationError({ message: 'm'.repeat(3000), stackTrace: 's'.repeat(9000) });
      const data = decodePayload(payloads[0]!).unstructEvent!.data.data as {
        programmingLanguage: string;
        message: string;
        stackTrace: string;
      };
      expect(data.programmingLanguage).to.equal('JAVASCRIPT');
      expect(data.message).to.have.length(2048);
      expect(data.stackTrace).to.have.length(8192);
    });
  });

  describe('emitters', () => {
    it('hands an emitter added later only the events tracked after it was added', () => {
      const { tracker, payloads } = createCapturingTracker();
      const { emitter, received } = createRecordingEmitter();
      tracker.trackPageView({ pageUrl: 'https://before' });
      expect(tracker.addEmitter(emitter)).to.equal(tracker);
      tracker.trackPageView({ pageUrl: 'https://after' });
      expect(received).to.deep.equal([payloads[1]]);
    });

    it('hands every payload to every emitter given to the constructor', () => {
      const [a, b] = [createRecordingEmitter(), createRecordingEmitter()];
      const tracker = new Tracker([a.emitter, b.emitter]);
      const payloads: Payload[] = [];
      tracker.payloads.subscribe((p) => payloads.push(p));
      tracker.trackEcommerceTransaction({ orderId: 'o', total: 1, items: [{ sku: 's', price: 1 }] });
      expect(a.received).to.deep.equal(payloads);
      expect(b.received).to.deep.equal(payloads);
    });
  });
});

/** A ti event carries the common fields of its tr, but none of the tr_* fields. */
function withoutTransactionFields(fields: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (!key.startsWith('tr_') && value !== undefined) out[key] = value;
  return out;
}
