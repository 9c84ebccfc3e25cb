// The tracker's seams (issue 17): one enrichment step, entities snapshotted at the check, a shutdown deadline that
// holds for any sink, ids from the environment, and constructors that call nothing overridable. Node and Chromium.
import { expect } from 'chai';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { CoreTracker } from '../../src/tracker/core.js';
import {
  createTracker,
  ecommerceTransaction,
  eachValueFrom,
  pageView,
  SelfDescribingJson,
  structEvent,
  type DeliveryReport,
  type Enricher,
  type Payload,
  type Sink,
} from '../../src/index.js';
import { payloadsOf, recordingSink } from '../support/recording-sink.js';

const CTX = 'iglu:com.acme/ctx/jsonschema/1-0-0';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A sink that records every admission and answers at once; `shutdown` as given. */
const contextsOf = (payload: Payload): { schema: string; data: Record<string, unknown> }[] =>
  (JSON.parse(payload['co']!) as { data: { schema: string; data: Record<string, unknown> }[] }).data;

describe('tracker seams: one enrichment step', () => {
  it('runs the enrichers once per payload, in declared order (enrichers, eventFields, global contexts), each seeing the fields before it', () => {
    const sink = recordingSink();
    const calls: string[] = [];
    const first: Enricher = ({ payload }) => {
      calls.push(`first:${payload['e']}`);
      return {
        fields: { url: 'https://enriched.example/', aid: 'from-enricher', eid: 'ignored', xx: 'x' },
        entities: [{ schema: CTX, data: { by: 'first' } }],
      };
    };
    const second: Enricher = ({ payload }) => {
      calls.push(`second:${payload['e']}:${payload['xx']}`);
      return { entities: [new SelfDescribingJson(CTX, { by: 'second' })] };
    };
    const tracker = createTracker(sink, {
      appId: 'shop',
      encodeBase64: false,
      enrichers: [first, second],
      eventFields: () => (calls.push('eventFields'), { yy: 'y' }),
      globalContexts: [() => (calls.push('global'), { schema: CTX, data: { by: 'global' } })],
    });
    tracker.track(pageView({ pageUrl: 'https://own.example/' }), { context: [{ schema: CTX, data: { by: 'call' } }] });
    tracker.track(ecommerceTransaction({ orderId: 'o', total: 1, items: [{ sku: 's', price: 1, quantity: 1 }] }));
    expect(calls).to.deep.equal([
      'first:pv',
      'second:pv:x',
      'eventFields',
      'global',
      'first:tr',
      'second:tr:x',
      'eventFields',
      'global',
      'first:ti',
      'second:ti:x',
      'eventFields',
      'global',
    ]);
    const [pv, tr] = payloadsOf(sink);
    expect(pv).to.include({ url: 'https://own.example/', aid: 'from-enricher', xx: 'x', yy: 'y' }); // the event's own url wins
    expect(pv!['eid']).to.match(UUID);
    expect(tr).to.include({ url: 'https://enriched.example/' });
    expect(contextsOf(pv!).map((c) => c.data['by'])).to.deep.equal(['call', 'first', 'second', 'global']);
  });

  it('an enricher that throws drops the event (error) at every sink; one giving a bad entity drops it (invalid); track() never throws', () => {
    const sink = recordingSink();
    let mode: 'throw' | 'bad' | 'ok' = 'throw';
    const tracker = createTracker(sink, {
      enrichers: [
        () =>
          mode === 'throw'
            ? (() => {
                throw new Error('boom');
              })()
            : mode === 'bad'
              ? { entities: [{ schema: 'nope', data: {} }] }
              : undefined,
      ],
    });
    tracker.track(structEvent({ category: 'c', action: 'a' }));
    mode = 'bad';
    tracker.track(structEvent({ category: 'c', action: 'a' }));
    mode = 'ok';
    tracker.track(structEvent({ category: 'c', action: 'a' }));
    expect(sink.admissions.map((a) => (a.kind === 'rejected' ? `${a.reason}:${a.error?.message}` : a.kind))).to.deep.equal([
      'error:an enricher threw: boom',
      'invalid:enrichers[0].entities[0].schema: not an Iglu URI (iglu:vendor/name/format/M-R-A): "nope" (RXP0213, see docs/errors.md#rxp0213)',
      'event',
    ]);
  });
});

describe('tracker seams: entities are snapshotted at the check', () => {
  it('a stateful schema getter is read once: what was checked is what goes into co (valid JSON), outcome sent', () => {
    const sink = recordingSink();
    let reads = 0;
    const sly = {
      get schema() {
        return reads++ === 0 ? CTX : 'iglu:com.acme/x/jsonschema/1-0-0","data":{}},{"oops';
      },
      data: { n: 1 },
    };
    createTracker(sink, { encodeBase64: false }).track(structEvent({ category: 'c', action: 'a' }), { context: [sly] });
    expect(reads).to.equal(1);
    expect(contextsOf(payloadsOf(sink)[0]!)).to.deep.equal([{ schema: CTX, data: { n: 1 } }]);
  });

  it('a generator whose entity changes on a later read neither makes track() throw nor changes what is sent', () => {
    const sink = recordingSink();
    let reads = 0;
    const entity = {
      schema: CTX,
      get data(): unknown {
        return reads++ === 0 ? { n: 1 } : { n: BigInt(10) };
      },
    };
    const tracker = createTracker(sink, { encodeBase64: false, globalContexts: [() => entity] });
    expect(() => tracker.track(structEvent({ category: 'c', action: 'a' }))).to.not.throw();
    expect(reads).to.equal(1);
    expect(sink.admissions.map((a) => a.kind)).to.deep.equal(['event']);
    expect(contextsOf(payloadsOf(sink)[0]!)).to.deep.equal([{ schema: CTX, data: { n: 1 } }]);
  });
});

describe('tracker seams: the shutdown deadline holds for every sink', () => {
  it('shutdown({ timeoutMs: 100 }) with a custom sink that never settles resolves at the deadline, the sink reported abandoned', async () => {
    const scheduler = new VirtualTimeScheduler(VirtualAction, 99);
    const hung = recordingSink('hung', () => new Promise<DeliveryReport>(() => undefined));
    const fine = recordingSink('fine', () => Promise.resolve({ sent: 1, failed: 0, dropped: 0, abandoned: 0 }));
    const tracker = createTracker([hung, fine], { scheduler });
    tracker.track(structEvent({ category: 'c', action: 'a' }));
    let report: DeliveryReport | undefined;
    const done = tracker.shutdown({ timeoutMs: 100 }).then((r) => (report = r));
    scheduler.flush(); // up to 99: the deadline is not there yet
    await Promise.resolve(fine.shutdown());
    expect(report, 'resolved before the deadline').to.equal(undefined);
    scheduler.maxFrames = Infinity;
    scheduler.flush();
    expect(scheduler.frame).to.equal(100);
    expect(await done).to.deep.equal({ sent: 1, failed: 0, dropped: 0, abandoned: 0, abandonedSinks: ['hung'] });
    expect(await tracker.shutdown()).to.equal(report);
  });

  it('a sink that settles in time is not reported, and no deadline timer is left behind', async () => {
    const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
    const tracker = createTracker(recordingSink(), { scheduler });
    expect(await tracker.shutdown({ timeoutMs: 100 })).to.deep.equal({ sent: 0, failed: 0, dropped: 0, abandoned: 0 });
    expect(scheduler.actions).to.have.length(0);
  });
});

describe('tracker seams: ids from the environment', () => {
  it('the newId option makes every id: event ids, and the ids of a transaction items', () => {
    const sink = recordingSink();
    let n = 0;
    const newId = (): string => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    const tracker = createTracker(sink, { newId });
    tracker.track(pageView({ pageUrl: 'https://a.example/' }));
    tracker.track(ecommerceTransaction({ orderId: 'o', total: 1, items: [{ sku: 's', price: 1, quantity: 1 }] }));
    const expected = [1, 2, 3].map((i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    expect(payloadsOf(sink).map((p) => p['eid'])).to.deep.equal(expected);
  });
});

describe('tracker seams: constructors call nothing overridable; outcomes stay async-iterable', () => {
  it('a subclass override is not called while the base constructor runs', () => {
    const called: string[] = [];
    class Probe extends CoreTracker {
      override addEmitter(sink: Sink): this {
        called.push('addEmitter');
        return super.addEmitter(sink);
      }
      override addGlobalContexts(entries: Parameters<CoreTracker['addGlobalContexts']>[0]): this {
        called.push('addGlobalContexts');
        return super.addGlobalContexts(entries);
      }
      override setSubject(fields: Parameters<CoreTracker['setSubject']>[0]): this {
        called.push('setSubject');
        return super.setSubject(fields);
      }
    }
    const sink = recordingSink();
    new Probe(sink, { globalContexts: [{ schema: CTX, data: {} }], subject: { userId: 'u' } }).track(
      structEvent({ category: 'c', action: 'a' }),
    );
    expect(called).to.deep.equal([]);
    expect(sink.admissions).to.have.length(1);
  });

  it('outcomes can be read with for await (eachValueFrom)', async () => {
    const tracker = createTracker(recordingSink());
    const kinds: string[] = [];
    const reading = (async () => {
      for await (const outcome of eachValueFrom(tracker.outcomes)) {
        kinds.push(outcome.kind);
        if (kinds.length === 2) break;
      }
    })();
    await Promise.resolve();
    tracker.track(structEvent({ category: 'c', action: 'a' })).track(structEvent({ category: 'c', action: 'b' }));
    await reading;
    expect(kinds).to.deep.equal(['sent', 'sent']);
  });
});
