// Issue 9, item 1 (second half): no code reachable from the emitter's pipeline may throw into a subscriber. Whatever a
// custom `fetch` or `isSuccess` does (throw synchronously, throw a non-Error or a hostile Proxy, resolve to garbage),
// every event still gets exactly one final outcome (`failed`, or `dropped` with reason `error` and the error set),
// flush() resolves, the host sees nothing, and the emitter goes on sending afterwards.
import { expect } from 'chai';
import { Emitter, isRxplowError, Tracker, type DeliveryOutcome, type EmitterOptions } from '../../../src/index.js';
import { LoopbackCollector } from '../../support/collector.js';
import { expectConservation, OutcomeLog, within } from '../../support/hardening.js';
import { incidentLines, watchHost } from './support.js';

/** A Proxy on which every operation throws, even `instanceof` and `String()`. */
function poisoned(): object {
  const boom = (): never => {
    throw new Error('poisoned proxy');
  };
  return new Proxy(
    {},
    { get: boom, has: boom, ownKeys: boom, getPrototypeOf: boom, getOwnPropertyDescriptor: boom, set: boom, apply: boom },
  );
}

type Hostile = (input: RequestInfo | URL, init?: RequestInit) => unknown;

const HOSTILE: readonly { readonly title: string; readonly fetch: Hostile }[] = [
  {
    title: 'throws an Error synchronously',
    fetch: () => {
      throw new Error('sync failure');
    },
  },
  {
    title: 'throws a string synchronously',
    fetch: () => {
      throw 'a string';
    },
  },
  {
    title: 'throws undefined synchronously',
    fetch: () => {
      throw undefined;
    },
  },
  {
    title: 'throws a Proxy on which every operation throws',
    fetch: () => {
      throw poisoned();
    },
  },
  { title: 'rejects with a Proxy on which every operation throws', fetch: () => Promise.reject(poisoned()) },
  {
    title: 'rejects with an error whose message getter throws',
    fetch: () =>
      Promise.reject(
        Object.defineProperty(new Error('x'), 'message', {
          get: () => {
            throw new Error('getter');
          },
        }),
      ),
  },
  { title: 'resolves to null', fetch: () => Promise.resolve(null) },
  { title: 'resolves to a Proxy on which every operation throws', fetch: () => Promise.resolve(poisoned()) },
  {
    title: 'resolves to a response whose status getter throws',
    fetch: () =>
      Promise.resolve({
        get status(): number {
          throw new Error('status');
        },
        headers: new Headers(),
        body: null,
        ok: true,
      }),
  },
  {
    title: 'resolves to a response whose headers.get throws',
    fetch: () =>
      Promise.resolve({
        status: 503,
        ok: false,
        body: null,
        headers: {
          get: () => {
            throw new Error('headers');
          },
        },
      }),
  },
  {
    title: 'returns a thenable whose then throws',
    fetch: () => ({
      then: () => {
        throw new Error('then');
      },
    }),
  },
  { title: 'returns a non-promise (a number)', fetch: () => 42 },
];

const FAST: EmitterOptions = { retry: { limit: 1, baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 1_000, flushIntervalMs: 5 };

/** Checks a final outcome of a hostile attempt: `failed` with an rxplow error, or `dropped` for reason `error`. */
function expectSettledByError(outcome: DeliveryOutcome, describe: string): void {
  if (outcome.kind === 'failed') {
    expect(isRxplowError(outcome.error), `failed outcome carries an rxplow error: ${describe}`).to.be.true;
  } else {
    expect(outcome.kind, describe).to.equal('dropped');
    // 'error' may not be in the DropReason type yet: compare as a string.
    expect(outcome.kind === 'dropped' && (outcome.reason as string), describe).to.equal('error');
    expect(outcome.kind === 'dropped' && outcome.error, `dropped for 'error' carries the error: ${describe}`).to.exist;
  }
}

describe('an unexpected exception in the emitter pipeline becomes a final outcome', function () {
  this.timeout(10_000);

  for (const method of ['get', 'post'] as const) {
    for (const hostile of HOSTILE) {
      it(`${method.toUpperCase()}: a custom fetch that ${hostile.title}: every event settles once, flush resolves, the emitter goes on`, async () => {
        const collector = await LoopbackCollector.start();
        let hostileMode = true;
        const fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
          hostileMode ? hostile.fetch(input, init) : globalThis.fetch(input, init)) as typeof globalThis.fetch;
        const emitter = new Emitter(collector.url, { ...FAST, method, bufferSize: method === 'post' ? 2 : 1, fetch });
        const tracker = new Tracker(emitter, { namespace: 'h1', appId: 'pipeline' });
        const log = new OutcomeLog(emitter.outcomes, tracker);
        try {
          const { value, incidents } = await watchHost(async () => {
            for (let i = 0; i < 3; i++) tracker.trackStructEvent({ category: 'hostile', action: 'fetch', value: i });
            const first = await within(tracker.flush(), 1_500);
            hostileMode = false;
            for (let i = 0; i < 2; i++) tracker.trackStructEvent({ category: 'after', action: 'fetch', value: i });
            const second = first.done ? await within(tracker.flush(), 1_500) : first;
            return { first, second };
          });
          expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
          expect(value.first.done, `flush() with the hostile fetch settled; outcomes: ${log.describe()}`).to.be.true;
          expect(value.second.done, `flush() after it settled; outcomes: ${log.describe()}`).to.be.true;
          expectConservation(log);
          const finals = log.finals();
          for (const eid of log.tracked.slice(0, 3)) expectSettledByError(finals.get(eid)!, log.describe());
          for (const eid of log.tracked.slice(3))
            expect(finals.get(eid)?.kind, `an event tracked after: ${log.describe()}`).to.equal('sent');
          expect(collector.requests.flatMap((r) => r.events.map((e) => e['se_ca']))).to.deep.equal(['after', 'after']);
        } finally {
          hostileMode = false;
          await tracker.shutdown({ timeoutMs: 100 });
          await collector.close();
        }
      });
    }
  }

  for (const method of ['get', 'post'] as const) {
    it(`${method.toUpperCase()}: an isSuccess that throws counts as a failed attempt, not a crash`, async () => {
      const collector = await LoopbackCollector.start();
      const isSuccess = (): boolean => {
        throw new Error('isSuccess exploded');
      };
      const emitter = new Emitter(collector.url, { ...FAST, method, bufferSize: 1, isSuccess });
      const tracker = new Tracker(emitter);
      const log = new OutcomeLog(emitter.outcomes, tracker);
      try {
        const { value, incidents } = await watchHost(async () => {
          tracker.trackStructEvent({ category: 'c', action: 'a' });
          return within(tracker.flush(), 3_000);
        });
        expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
        expect(value.done, log.describe()).to.be.true;
        expectConservation(log);
        expectSettledByError(log.finals().get(log.tracked[0]!)!, log.describe());
      } finally {
        await tracker.shutdown({ timeoutMs: 100 });
        await collector.close();
      }
    });
  }
});
