// Bad input gets a typed error at the call, naming the field, and nothing at all is emitted for that call.
// Runs in Node and in the browser.
import { expect } from 'chai';
import { InvalidEventError, InvalidOptionsError } from '../../src/errors.js';
import type { TrackerEvent } from '../../src/events/index.js';
import { SelfDescribingJson } from '../../src/payload/self-describing-json.js';
import type { TrackOptions } from '../../src/tracker/options.js';
import { Tracker } from '../../src/tracker/tracker.js';
import { EVENT_SAMPLES, SP, constructSample, sampleTitled, trackSample, type EventSample } from '../fixtures/events.js';
import { createCapturingTracker, createRecordingEmitter } from '../helpers/capture.js';

const GOOD_URI = `${SP}/web_page/jsonschema/1-0-0`;

/** Fresh values that cannot become JSON (made per call, so no test shares a mutable object). */
const UNSERIALISABLE: readonly { readonly title: string; readonly make: () => Record<string, unknown>; readonly at: string }[] = [
  {
    title: 'circular data',
    make: () => {
      const o: Record<string, unknown> = {};
      o['self'] = o;
      return o;
    },
    at: '.self',
  },
  { title: 'a BigInt', make: () => ({ n: BigInt(1) }), at: '.n' },
  { title: 'a function', make: () => ({ fn: () => 1 }), at: '.fn' },
  { title: 'a symbol', make: () => ({ s: Symbol('s') }), at: '.s' },
  { title: 'a Map', make: () => ({ m: new Map([['a', 1]]) }), at: '.m' },
  { title: 'undefined inside an array', make: () => ({ list: [1, undefined, 3] }), at: '.list[1]' },
  { title: 'NaN', make: () => ({ x: NaN }), at: '.x' },
  { title: 'Infinity deep inside', make: () => ({ a: [{ b: -Infinity }] }), at: '.a[0].b' },
];

/**
 * Runs `call` on a fresh tracker and expects an InvalidEventError naming `field`, with nothing emitted.
 * Afterwards the tracker must still work.
 */
function expectRejected(call: (tracker: Tracker) => unknown, field: string): void {
  const { tracker, payloads } = createCapturingTracker();
  const error = catchError(() => call(tracker));
  expect(error).to.be.instanceOf(InvalidEventError);
  const invalid = error as InvalidEventError;
  expect(invalid).to.include({ code: 'invalid-event', name: 'InvalidEventError', field });
  expect(invalid.problem).to.be.a('string').and.not.equal('');
  expect(invalid.message).to.contain(field);
  expect(payloads, 'nothing emitted').to.deep.equal([]);
  tracker.trackPageView({ pageUrl: 'https://still-works' });
  expect(payloads).to.have.length(1);
}

function catchError(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

interface FieldCase {
  readonly sample: string;
  readonly title: string;
  /** Replaces fields of the sample; `undefined` removes the field. */
  readonly override: Readonly<Record<string, unknown>>;
  readonly field: string;
}

const missing = undefined;
const FIELD_CASES: readonly FieldCase[] = [
  { sample: 'page view', title: 'an empty pageUrl', override: { pageUrl: '' }, field: 'pageUrl' },
  { sample: 'page view', title: 'a blank pageUrl', override: { pageUrl: '  ' }, field: 'pageUrl' },
  { sample: 'page view', title: 'no pageUrl', override: { pageUrl: missing }, field: 'pageUrl' },
  { sample: 'page view', title: 'a number as pageTitle', override: { pageTitle: 42 }, field: 'pageTitle' },
  { sample: 'page ping', title: 'an empty pageUrl', override: { pageUrl: '' }, field: 'pageUrl' },
  { sample: 'page ping', title: 'a NaN offset', override: { minXOffset: NaN }, field: 'minXOffset' },
  { sample: 'page ping', title: 'an Infinity offset', override: { maxYOffset: Infinity }, field: 'maxYOffset' },
  { sample: 'page ping', title: 'a fractional offset', override: { minYOffset: 1.5 }, field: 'minYOffset' },
  { sample: 'page ping', title: 'a string offset', override: { maxXOffset: '10' }, field: 'maxXOffset' },
  { sample: 'structured event', title: 'an empty category', override: { category: '' }, field: 'category' },
  { sample: 'consent granted', title: 'an id over 36 characters', override: { id: 'x'.repeat(37) }, field: 'id' },
  { sample: 'consent withdrawn', title: 'a name over 60 characters', override: { name: 'n'.repeat(61) }, field: 'name' },
  { sample: 'form change', title: 'a formId over 4096 characters', override: { formId: 'f'.repeat(4097) }, field: 'formId' },
  { sample: 'form change', title: 'a value over 65535 characters', override: { value: 'v'.repeat(65_536) }, field: 'value' },
  { sample: 'application error', title: 'a fileName over 1024 characters', override: { fileName: 'f'.repeat(1025) }, field: 'fileName' },
  { sample: 'application error', title: 'a lineNumber over 2^31 − 1', override: { lineNumber: 2 ** 31 }, field: 'lineNumber' },
  { sample: 'structured event', title: 'no action', override: { action: missing }, field: 'action' },
  { sample: 'structured event', title: 'a NaN value', override: { value: NaN }, field: 'value' },
  { sample: 'structured event', title: 'an Infinity value', override: { value: Infinity }, field: 'value' },
  { sample: 'structured event', title: 'a BigInt value', override: { value: BigInt(1) }, field: 'value' },
  { sample: 'screen view', title: 'neither name nor id', override: { name: missing, id: missing }, field: 'name' },
  { sample: 'mobile screen view', title: 'an empty name', override: { name: '' }, field: 'name' },
  { sample: 'mobile screen view', title: 'an id that is not a UUID', override: { id: 'screen-1' }, field: 'id' },
  { sample: 'mobile screen view', title: 'a previousId that is not a UUID', override: { previousId: 'x' }, field: 'previousId' },
  { sample: 'ecommerce transaction', title: 'an empty orderId', override: { orderId: '' }, field: 'orderId' },
  { sample: 'ecommerce transaction', title: 'a NaN total', override: { total: NaN }, field: 'total' },
  { sample: 'ecommerce transaction', title: 'no total', override: { total: missing }, field: 'total' },
  { sample: 'ecommerce transaction', title: 'an Infinity tax', override: { tax: Infinity }, field: 'tax' },
  {
    sample: 'ecommerce transaction',
    title: 'a second item without sku',
    override: {
      items: [
        { sku: 'a', price: 1 },
        { sku: '', price: 1 },
      ],
    },
    field: 'items[1].sku',
  },
  {
    sample: 'ecommerce transaction',
    title: 'a second item with an Infinity price',
    override: {
      items: [
        { sku: 'a', price: 1 },
        { sku: 'b', price: Infinity },
      ],
    },
    field: 'items[1].price',
  },
  {
    sample: 'ecommerce transaction',
    title: 'a second item with a misspelt field',
    override: {
      items: [
        { sku: 'a', price: 1 },
        { sku: 'b', price: 1, qty: 2 },
      ],
    },
    field: 'items[1].qty',
  },
  {
    sample: 'ecommerce transaction',
    title: 'undefined inside items',
    override: { items: [{ sku: 'a', price: 1 }, undefined] },
    field: 'items[1]',
  },
  { sample: 'link click', title: 'an empty targetUrl', override: { targetUrl: '' }, field: 'targetUrl' },
  { sample: 'link click', title: 'a number among elementClasses', override: { elementClasses: ['a', 1] }, field: 'elementClasses[1]' },
  {
    sample: 'link click',
    title: 'undefined inside elementClasses',
    override: { elementClasses: ['a', undefined] },
    field: 'elementClasses[1]',
  },
  { sample: 'add to cart', title: 'an empty sku', override: { sku: '' }, field: 'sku' },
  { sample: 'add to cart', title: 'a NaN quantity', override: { quantity: NaN }, field: 'quantity' },
  { sample: 'remove from cart', title: 'no quantity', override: { quantity: missing }, field: 'quantity' },
  { sample: 'remove from cart', title: 'an Infinity unitPrice', override: { unitPrice: Infinity }, field: 'unitPrice' },
  { sample: 'form change', title: 'an unknown schema', override: { schema: 'blur_form' }, field: 'schema' },
  { sample: 'form change', title: 'a nodeName outside the schema’s list', override: { nodeName: 'DIV' }, field: 'nodeName' },
  { sample: 'form focus', title: 'a type outside the schema’s list', override: { type: 'bogus' }, field: 'type' },
  { sample: 'form focus', title: 'no formId', override: { formId: missing }, field: 'formId' },
  {
    sample: 'form submission',
    title: 'an element with a bad nodeName',
    override: { elements: [{ name: 'a', value: null, nodeName: 'DIV' }] },
    field: 'elements[0].nodeName',
  },
  { sample: 'form submission', title: 'a Map as elements', override: { elements: new Map() }, field: 'elements' },
  { sample: 'site search', title: 'no terms', override: { terms: missing }, field: 'terms' },
  { sample: 'site search', title: 'an empty terms array', override: { terms: [] }, field: 'terms' },
  { sample: 'site search', title: 'a negative totalResults', override: { totalResults: -1 }, field: 'totalResults' },
  { sample: 'site search', title: 'a number as a filter value', override: { filters: { a: 1 } }, field: 'filters.a' },
  { sample: 'ad impression', title: 'a NaN cost', override: { cost: NaN }, field: 'cost' },
  { sample: 'ad impression', title: 'an unknown costModel', override: { costModel: 'cpx' }, field: 'costModel' },
  { sample: 'ad impression', title: 'a cost without costModel', override: { costModel: missing }, field: 'costModel' },
  { sample: 'ad click', title: 'an empty targetUrl', override: { targetUrl: '' }, field: 'targetUrl' },
  { sample: 'ad click', title: 'a negative cost', override: { cost: -0.5 }, field: 'cost' },
  { sample: 'ad click', title: 'a cost without costModel', override: { costModel: missing }, field: 'costModel' },
  { sample: 'ad conversion', title: 'a negative initialValue', override: { initialValue: -1 }, field: 'initialValue' },
  { sample: 'ad conversion', title: 'a cost without costModel', override: { costModel: missing }, field: 'costModel' },
  { sample: 'ad conversion', title: 'an Infinity initialValue', override: { initialValue: Infinity }, field: 'initialValue' },
  { sample: 'social interaction', title: 'an empty network', override: { network: '' }, field: 'network' },
  { sample: 'social interaction', title: 'no action', override: { action: missing }, field: 'action' },
  { sample: 'consent granted', title: 'an empty id', override: { id: '' }, field: 'id' },
  { sample: 'consent granted', title: 'an expiry that is not an ISO date-time', override: { expiry: 'tomorrow' }, field: 'expiry' },
  { sample: 'consent withdrawn', title: 'no version', override: { version: missing }, field: 'version' },
  { sample: 'consent withdrawn', title: 'a string as all', override: { all: 'yes' }, field: 'all' },
  { sample: 'timing', title: 'an Infinity timing', override: { timing: Infinity }, field: 'timing' },
  { sample: 'timing', title: 'an empty category', override: { category: '' }, field: 'category' },
  { sample: 'application error', title: 'an empty message', override: { message: '' }, field: 'message' },
  { sample: 'application error', title: 'a negative lineNumber', override: { lineNumber: -1 }, field: 'lineNumber' },
  {
    sample: 'application error',
    title: 'an unknown programmingLanguage',
    override: { programmingLanguage: 'COBOL' },
    field: 'programmingLanguage',
  },
];

const withOverride = (sample: EventSample, override: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const fields: Record<string, unknown> = { ...(sample.fields as object), ...override };
  for (const key of Object.keys(override)) if (override[key] === undefined) delete fields[key];
  return fields;
};

/** Options that are wrong for any event. */
const OPTION_CASES: readonly { readonly title: string; readonly options: () => TrackOptions; readonly field: string }[] = [
  {
    title: 'a context entity with a malformed Iglu URI',
    options: () => ({ context: [{ schema: 'iglu:com.acme/ctx/1-0-0', data: {} }] }),
    field: 'context[0].schema',
  },
  {
    title: 'a context entity with a non-jsonschema-shaped URI',
    options: () => ({ context: [{ schema: 'com.acme/ctx/jsonschema/1-0-0', data: {} }] }),
    field: 'context[0].schema',
  },
  {
    title: 'a context entity whose data is null',
    options: () => ({ context: [{ schema: GOOD_URI, data: null }] }),
    field: 'context[0].data',
  },
  {
    title: 'a second context entity with circular data',
    options: () => ({
      context: [
        { schema: GOOD_URI, data: {} },
        { schema: GOOD_URI, data: UNSERIALISABLE[0]!.make() },
      ],
    }),
    field: 'context[1].data.self',
  },
  { title: 'a NaN trueTimestamp', options: () => ({ trueTimestamp: NaN }), field: 'trueTimestamp' },
  { title: 'an Infinity deviceTimestamp', options: () => ({ deviceTimestamp: Infinity }), field: 'deviceTimestamp' },
  { title: 'an eventId that is not a UUID', options: () => ({ eventId: 'event-1' }), field: 'eventId' },
  { title: 'a subject sessionId that is not a UUID', options: () => ({ subject: { sessionId: 'session-1' } }), field: 'subject.sessionId' },
  {
    title: 'a subject platform outside the protocol’s list',
    options: () => ({ subject: { platform: 'desktop' as never } }),
    field: 'subject.platform',
  },
  {
    title: 'a subject screenResolution not WxH',
    options: () => ({ subject: { screenResolution: '1920*1080' } }),
    field: 'subject.screenResolution',
  },
  { title: 'a fractional subject sessionIndex', options: () => ({ subject: { sessionIndex: 1.5 } }), field: 'subject.sessionIndex' },
  { title: 'a misspelt option', options: () => ({ contexts: [] }) as TrackOptions, field: 'contexts' },
];

describe('bad input', () => {
  describe('event fields', () => {
    for (const c of FIELD_CASES) {
      it(`${c.sample} with ${c.title}: InvalidEventError for ${c.field}, nothing emitted`, () => {
        expectRejected((t) => trackSample(t, sampleTitled(c.sample), undefined, withOverride(sampleTitled(c.sample), c.override)), c.field);
      });
    }
  });

  describe('every event type', () => {
    for (const sample of EVENT_SAMPLES) {
      it(`${sample.title} with a misspelt field: InvalidEventError naming it`, () => {
        expectRejected((t) => t.track({ ...constructSample(sample), colour: 'red' } as unknown as TrackerEvent), 'colour');
      });

      it(`${sample.title} given something that is not an object: InvalidEventError`, () => {
        expectRejected(
          (t) => trackSample(t, sample, undefined, sample.kind === 'selfDescribingEvent' ? { event: 'x' } : 'x'),
          sample.kind === 'selfDescribingEvent' ? 'event' : 'fields',
        );
      });

      for (const c of OPTION_CASES) {
        it(`${sample.title} with ${c.title}: InvalidEventError for ${c.field}, nothing emitted`, () => {
          expectRejected((t) => trackSample(t, sample, c.options()), c.field);
        });
      }
    }
  });

  describe('self-describing event data', () => {
    for (const c of UNSERIALISABLE) {
      it(`rejects ${c.title} in the event data`, () => {
        expectRejected((t) => t.trackSelfDescribingEvent({ schema: GOOD_URI, data: c.make() }), `event.data${c.at}`);
      });

      it(`rejects ${c.title} in a context entity`, () => {
        expectRejected(
          (t) => t.trackPageView({ pageUrl: 'https://x' }, { context: [{ schema: GOOD_URI, data: c.make() }] }),
          `context[0].data${c.at}`,
        );
      });
    }

    it('rejects a malformed Iglu URI in the event', () => {
      expectRejected((t) => t.trackSelfDescribingEvent({ schema: 'iglu:com.acme/event/jsonschema/1-0', data: {} }), 'event.schema');
    });

    it('rejects a class instance that is not plain data', () => {
      class Point {
        x = 1;
      }
      expectRejected((t) => t.trackSelfDescribingEvent({ schema: GOOD_URI, data: { p: new Point() } }), 'event.data.p');
    });

    it('rejects an invalid Date', () => {
      expectRejected((t) => t.trackSelfDescribingEvent({ schema: GOOD_URI, data: { at: new Date(NaN) } }), 'event.data.at');
    });

    it('rejects an unserialisable value in a consent event’s caller context, without sending the event', () => {
      expectRejected(
        (t) => trackSample(t, sampleTitled('consent granted'), { context: [{ schema: GOOD_URI, data: { n: BigInt(2) } }] }),
        'context[0].data.n',
      );
    });
  });

  describe('SelfDescribingJson', () => {
    it('throws InvalidEventError for schema when the Iglu URI is malformed', () => {
      const error = catchError(() => new SelfDescribingJson('iglu:com.acme/x/jsonschema/1.0.0', {}));
      expect(error).to.be.instanceOf(InvalidEventError).and.include({ field: 'schema' });
    });

    it('throws InvalidEventError for data when data is not an object', () => {
      const error = catchError(() => new SelfDescribingJson(GOOD_URI, null as never));
      expect(error).to.be.instanceOf(InvalidEventError).and.include({ field: 'data' });
    });
  });

  describe('track() and tracker.input', () => {
    it('rejects an unknown kind', () => {
      expectRejected((t) => t.track({ kind: 'pageViewed', pageUrl: 'https://x' } as never), 'kind');
    });

    it('does not throw for a bad event fed through input: the emitters get it as invalid, nothing is emitted', () => {
      const { emitter, received, invalid } = createRecordingEmitter();
      const tracker = new Tracker(emitter);
      tracker.input.next(constructSample(sampleTitled('page view')));
      expect(() => tracker.input.next({ event: { kind: 'pageView', pageUrl: '' }, options: {} })).not.to.throw();
      expect(received).to.have.length(1);
      expect(invalid.map((e) => e.field)).to.deep.equal(['pageUrl']);
    });
  });

  describe('subject setters', () => {
    const SETTER_CASES: readonly { readonly title: string; readonly call: (t: Tracker) => unknown; readonly field: string }[] = [
      { title: 'setSessionId with a non-UUID', call: (t) => t.setSessionId('abc'), field: 'sessionId' },
      { title: 'setPlatform outside the list', call: (t) => t.setPlatform('desktop' as never), field: 'platform' },
      { title: 'setScreenResolution with NaN', call: (t) => t.setScreenResolution(NaN, 5), field: 'screenResolution' },
      { title: 'setViewport with a fraction', call: (t) => t.setViewport(1.5, 5), field: 'viewport' },
      { title: 'setColorDepth with Infinity', call: (t) => t.setColorDepth(Infinity), field: 'colorDepth' },
      { title: 'setSessionIndex with -1', call: (t) => t.setSessionIndex(-1), field: 'sessionIndex' },
      { title: 'setSubject with a misspelt field', call: (t) => t.setSubject({ userID: 'u' } as never), field: 'userID' },
    ];
    for (const c of SETTER_CASES) {
      it(`${c.title}: InvalidEventError for ${c.field}, and the tracker keeps working`, () => {
        expectRejected(c.call, c.field);
      });
    }
  });

  describe('tracker options', () => {
    const OPTIONS_CASES: readonly { readonly title: string; readonly make: () => unknown; readonly option: string }[] = [
      { title: 'encodeBase64 given as a string', make: () => new Tracker([], { encodeBase64: 'yes' as never }), option: 'encodeBase64' },
      {
        title: 'a subject platform outside the list',
        make: () => new Tracker([], { subject: { platform: 'desktop' as never } }),
        option: 'subject.platform',
      },
      { title: 'a misspelt option', make: () => new Tracker([], { namepsace: 'cf' } as never), option: 'namepsace' },
      { title: 'a non-emitter among the emitters', make: () => new Tracker([{}] as never), option: 'emitters' },
    ];
    for (const c of OPTIONS_CASES) {
      it(`throws InvalidOptionsError for ${c.title}`, () => {
        const error = catchError(c.make);
        expect(error).to.be.instanceOf(InvalidOptionsError).and.include({ code: 'invalid-options', option: c.option });
      });
    }
  });
});
