// Issue 9, item 5: data that cannot be sent faithfully — a toJSON returning undefined (or something unserialisable),
// throwing getters, a throwing toJSON, hostile Proxies, nesting deeper than the stack allows — is refused at the call
// with an InvalidEventError whose `field` names the path, and nothing is sent (no payload, no outcome, no request).
// Through `tracker.input`, the same becomes a `dropped` outcome with reason `invalid` at every emitter.
import { expect } from 'chai';
import { Emitter, InvalidEventError, selfDescribingEvent, Tracker, type TrackerEvent } from '../../../src/index.js';
import { LoopbackCollector } from '../../support/collector.js';
import { expectConservation, expectInvalidEvent, OutcomeLog, within } from '../../support/hardening.js';
import { incidentLines, watchHost } from './support.js';

const SCHEMA = 'iglu:com.acme/hardening/jsonschema/1-0-0';
const ENTITY = 'iglu:com.acme/entity/jsonschema/1-0-0';

const boom = (what: string) => (): never => {
  throw new Error(`hostile ${what}`);
};

/** Nested `levels` deep: { a: { a: … } } or [[[…]]]. */
function deep(levels: number, kind: 'object' | 'array'): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = kind === 'object' ? { a: value } : [value];
  return value;
}

/** Data that cannot be sent faithfully, made fresh per call; `at` is the path below `…data`, or a RegExp for it. */
const HOSTILE_DATA: readonly { readonly title: string; readonly make: () => Record<string, unknown>; readonly at: string | RegExp }[] = [
  { title: 'a toJSON returning undefined', make: () => ({ a: { toJSON: () => undefined } }), at: '.a' },
  { title: 'a toJSON returning undefined inside an array', make: () => ({ list: [1, { toJSON: () => undefined }] }), at: '.list[1]' },
  { title: 'a toJSON on the data itself returning undefined', make: () => ({ toJSON: () => undefined }), at: '' },
  { title: 'a toJSON returning a BigInt', make: () => ({ a: { toJSON: () => BigInt(1) } }), at: '.a' },
  {
    title: 'a toJSON returning a circular object',
    make: () => ({
      a: {
        toJSON: () => {
          const o: Record<string, unknown> = {};
          o['o'] = o;
          return o;
        },
      },
    }),
    at: /^\.a/,
  },
  { title: 'a throwing toJSON', make: () => ({ a: { toJSON: boom('toJSON') } }), at: '.a' },
  { title: 'a throwing getter', make: () => Object.defineProperty({ ok: 1 }, 'a', { get: boom('getter'), enumerable: true }), at: '.a' },
  {
    title: 'a throwing getter deep inside an array',
    make: () => ({ list: [{ x: 1 }, Object.defineProperty({}, 'b', { get: boom('getter'), enumerable: true })] }),
    at: '.list[1].b',
  },
  { title: 'a Proxy whose get trap throws', make: () => ({ p: new Proxy({ x: 1 }, { get: boom('get trap') }) }), at: '.p' },
  { title: 'a Proxy whose ownKeys trap throws', make: () => ({ p: new Proxy({ x: 1 }, { ownKeys: boom('ownKeys trap') }) }), at: '.p' },
  {
    title: 'a Proxy whose getPrototypeOf trap throws',
    make: () => ({ p: new Proxy({ x: 1 }, { getPrototypeOf: boom('getPrototypeOf trap') }) }),
    at: '.p',
  },
  {
    title: 'a Proxy as the data itself, every trap throwing',
    make: () =>
      new Proxy(
        {},
        {
          get: boom('get'),
          has: boom('has'),
          ownKeys: boom('ownKeys'),
          getPrototypeOf: boom('getPrototypeOf'),
          getOwnPropertyDescriptor: boom('descriptor'),
        },
      ),
    at: '',
  },
  { title: 'objects nested 100 000 levels deep', make: () => ({ a: deep(100_000, 'object') }), at: /^\.a/ },
  { title: 'arrays nested 100 000 levels deep', make: () => ({ a: deep(100_000, 'array') }), at: /^\.a/ },
];

const pathMatcher = (prefix: string, at: string | RegExp): string | RegExp =>
  typeof at === 'string' ? `${prefix}${at}` : new RegExp(`^${prefix.replace(/[.[\]]/g, '\\$&')}${at.source.slice(1)}`);

/** A tracker with a GET and a POST emitter to a loopback collector; everything it needs to check "nothing was sent". */
async function rig() {
  const collector = await LoopbackCollector.start();
  const options = { retry: 0, timeoutMs: 2_000, flushIntervalMs: 5 } as const;
  const get = new Emitter(collector.url, { ...options, method: 'get' });
  const post = new Emitter(collector.url, { ...options, method: 'post', bufferSize: 5 });
  // Refused at the call in production builds too: the spec runs in both modes (npm run test:production).
  const tracker = new Tracker([get, post], { namespace: 'h5', appId: 'bad-data', invalidEvents: 'throw' });
  const logs = [new OutcomeLog(get.outcomes, tracker), new OutcomeLog(post.outcomes, tracker)];
  const built: string[] = [];
  tracker.payloads.subscribe((p) => built.push(p['e']!));
  const close = async () => {
    await tracker.shutdown({ timeoutMs: 100 });
    await collector.close();
  };
  return { collector, tracker, logs, built, close };
}

type Rig = Awaited<ReturnType<typeof rig>>;

/** Runs `bad` (which must throw InvalidEventError for `field`), then tracks one good event: only that one is sent. */
async function expectRefusedAtTheCall(bad: (tracker: Tracker) => unknown, field: string | RegExp): Promise<void> {
  const r: Rig = await rig();
  try {
    const { value, incidents } = await watchHost(async () => {
      let thrown: unknown;
      try {
        bad(r.tracker);
      } catch (error) {
        thrown = error;
      }
      const builtByBadCall = r.built.length;
      r.tracker.trackStructEvent({ category: 'good', action: 'after' });
      const flushed = await within(r.tracker.flush(), 3_000);
      return { thrown, builtByBadCall, flushed };
    });
    expect(value.thrown, 'the call threw').to.exist;
    expectInvalidEvent(value.thrown, field);
    expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
    expect(value.builtByBadCall, 'no payload built for the bad call').to.equal(0);
    expect(value.flushed.done, 'flush() resolved').to.be.true;
    for (const log of r.logs) {
      expectConservation(log);
      expect(log.tally(), 'outcomes: the good event only').to.deep.equal({ sent: 1 });
    }
    expect(
      r.collector.requests.flatMap((q) => q.events.map((e) => e['se_ca'])),
      'the collector got the good event only, once per emitter',
    ).to.deep.equal(['good', 'good']);
  } finally {
    await r.close();
  }
}

describe('data that cannot be sent faithfully is refused with InvalidEventError', function () {
  this.timeout(10_000);

  describe('at the call: InvalidEventError naming the path, nothing sent', () => {
    for (const c of HOSTILE_DATA) {
      it(`${c.title}, in self-describing event data`, async () => {
        await expectRefusedAtTheCall(
          (t) => t.trackSelfDescribingEvent({ schema: SCHEMA, data: c.make() }),
          pathMatcher('event.data', c.at),
        );
      });

      it(`${c.title}, in a context entity`, async () => {
        await expectRefusedAtTheCall(
          (t) =>
            t.trackStructEvent(
              { category: 'c', action: 'a' },
              {
                context: [
                  { schema: ENTITY, data: { ok: true } },
                  { schema: ENTITY, data: c.make() },
                ],
              },
            ),
          pathMatcher('context[1].data', c.at),
        );
      });
    }

    it('a throwing getter on an event field (label)', async () => {
      const fields = Object.defineProperty({ category: 'c', action: 'a' }, 'label', { get: boom('label getter'), enumerable: true });
      await expectRefusedAtTheCall((t) => t.trackStructEvent(fields), 'label');
    });

    it('a throwing getter on a per-call option (context)', async () => {
      const options = Object.defineProperty({}, 'context', { get: boom('context getter'), enumerable: true });
      await expectRefusedAtTheCall((t) => t.trackStructEvent({ category: 'c', action: 'a' }, options), 'context');
    });

    it('a throwing getter on a subject field (setSubject)', async () => {
      const subject = Object.defineProperty({}, 'userId', { get: boom('userId getter'), enumerable: true });
      await expectRefusedAtTheCall((t) => t.setSubject(subject), 'userId');
    });
  });

  describe('through tracker.input: a dropped outcome, reason invalid, at every emitter', () => {
    const INPUTS: readonly { readonly title: string; readonly make: () => unknown }[] = [
      ...HOSTILE_DATA.map((c) => ({
        title: `${c.title} in the event data`,
        make: () => selfDescribingEvent({ schema: SCHEMA, data: c.make() }),
      })),
      ...HOSTILE_DATA.map((c) => ({
        title: `${c.title} in a context entity`,
        make: () => ({
          event: { kind: 'structEvent', category: 'c', action: 'a' },
          options: { context: [{ schema: ENTITY, data: c.make() }] },
        }),
      })),
      {
        title: 'a throwing getter on an event field',
        make: () =>
          Object.defineProperty({ kind: 'structEvent', category: 'c' }, 'action', { get: boom('action getter'), enumerable: true }),
      },
      {
        title: 'a Proxy as the whole item, every trap throwing',
        make: () =>
          new Proxy(
            {},
            {
              get: boom('get'),
              has: boom('has'),
              ownKeys: boom('ownKeys'),
              getPrototypeOf: boom('getPrototypeOf'),
              getOwnPropertyDescriptor: boom('descriptor'),
            },
          ),
      },
    ];

    for (const input of INPUTS) {
      it(input.title, async () => {
        const r = await rig();
        try {
          const { value, incidents } = await watchHost(async () => {
            let thrown: unknown;
            try {
              r.tracker.input.next(input.make() as TrackerEvent);
              r.tracker.input.next(selfDescribingEvent({ schema: SCHEMA, data: { good: true } }));
            } catch (error) {
              thrown = error;
            }
            return { thrown, flushed: await within(r.tracker.flush(), 3_000) };
          });
          expect(value.thrown, 'tracker.input.next() threw').to.equal(undefined);
          expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
          expect(value.flushed.done).to.be.true;
          expect(r.built, 'only the good event was built').to.deep.equal(['ue']);
          for (const log of r.logs) {
            const invalid = log.invalidDrops();
            expect(invalid, `one invalid drop at each emitter: ${log.describe()}`).to.have.length(1);
            const drop = invalid[0]!;
            expect(drop.kind === 'dropped' && drop.reason).to.equal('invalid');
            expect(drop.kind === 'dropped' && drop.error).to.be.instanceOf(InvalidEventError);
            expectConservation(log);
            expect(log.tally()).to.deep.equal({ sent: 1 });
          }
          expect(r.collector.requests.flatMap((q) => q.events.map((e) => e['e']))).to.deep.equal(['ue', 'ue']);
        } finally {
          await r.close();
        }
      });
    }
  });
});
