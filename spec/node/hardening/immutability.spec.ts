// Issue 9, item 6: what an emitter sends is exactly what was built at track(). A payload handed to a subscriber — of
// tracker.payloads, or of another emitter's outcomes (e.g. a queue-full drop, a retrying attempt) — cannot change it:
// the mutation either throws (frozen, strict mode: caught here) or has no effect. Checked on the bytes a loopback
// collector received, against a reference emitter attached first.
import { expect } from 'chai';
import { Emitter, Tracker, type DeliveryOutcome, type Payload } from '../../../src/index.js';
import { LoopbackCollector, type Script } from '../../support/collector.js';
import { expectConservation, OutcomeLog, within, withoutStm } from '../../support/hardening.js';
import { incidentLines, watchHost } from './support.js';

const FAST = { retry: { limit: 2, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 2_000, flushIntervalMs: 5 } as const;

/** Tries to vandalise a payload; returns how many of the attempts threw (frozen objects throw in strict mode). */
function vandalise(payload: Payload): number {
  const target = payload as Record<string, string>;
  let threw = 0;
  const attempts: (() => void)[] = [
    () => (target['se_ac'] = 'HACKED'),
    () => (target['evil'] = '1'),
    () => delete target['se_ca'],
    () => Object.defineProperty(target, 'se_la', { value: 'HACKED', enumerable: true }),
    () => Object.setPrototypeOf(target, { inherited: 'HACKED' }),
  ];
  for (const attempt of attempts) {
    try {
      attempt();
    } catch {
      threw++;
    }
  }
  return threw;
}

/** The events a collector received, without stm, by eid. */
const receivedByEid = (collector: LoopbackCollector): Map<string, Record<string, unknown>> =>
  new Map(collector.requests.flatMap((r) => r.events).map((e) => [e['eid']!, withoutStm(e)]));

interface Scenario {
  readonly reference: LoopbackCollector;
  readonly target: LoopbackCollector;
  readonly close: () => Promise<void>;
}

/** Checks that the target collector received every event exactly as the reference collector did. */
function expectUntouched(s: Scenario, eids: readonly string[]): void {
  const reference = receivedByEid(s.reference);
  const target = receivedByEid(s.target);
  for (const eid of eids) {
    const sent = target.get(eid);
    expect(sent, `the target received ${eid}`).to.exist;
    expect(sent, `what the target emitter sent for ${eid}`).to.deep.equal(reference.get(eid));
    expect(sent).to.not.have.property('evil');
    expect(sent).to.not.have.property('inherited');
    expect(sent!['se_ac']).to.match(/^act \d$/);
    expect(sent!['se_ca']).to.equal('immutable');
    expect(sent!['se_la']).to.equal('label');
  }
}

async function collectors(targetScript?: Script) {
  const reference = await LoopbackCollector.start();
  const target = await LoopbackCollector.start(targetScript);
  const hanging = await LoopbackCollector.start(() => ({ hang: true }));
  return {
    reference,
    target,
    hanging,
    close: () => Promise.all([reference.close(), target.close(), hanging.close()]).then(() => undefined),
  };
}

describe('payloads handed to subscribers cannot change what an emitter sends', function () {
  this.timeout(10_000);

  it('an outcome subscriber of emitter A vandalising a queue-full drop does not change what emitter B sends', async () => {
    const c = await collectors();
    const reference = new Emitter(c.reference.url, { ...FAST, method: 'get', name: 'reference' });
    const a = new Emitter(c.hanging.url, { ...FAST, method: 'get', maxQueueSize: 1, name: 'A' });
    const b = new Emitter(c.target.url, { ...FAST, method: 'post', bufferSize: 3, name: 'B' });
    const tracker = new Tracker([reference, a, b], { namespace: 'h6', appId: 'queue-full' });
    const logB = new OutcomeLog(b.outcomes, tracker);
    let vandalised = 0;
    a.outcomes.subscribe((o: DeliveryOutcome) => {
      if (o.kind === 'dropped' && o.reason === 'queue-full') for (const p of o.events) (vandalise(p), vandalised++);
    });
    try {
      const { value: flushed, incidents } = await watchHost(async () => {
        for (let i = 0; i < 3; i++) tracker.trackStructEvent({ category: 'immutable', action: `act ${i}`, label: 'label' });
        return Promise.all([within(reference.flush(), 3_000), within(b.flush(), 3_000)]);
      });
      expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
      expect(flushed.every((f) => f.done)).to.be.true;
      expect(vandalised, 'A dropped two events as queue-full').to.equal(2);
      expectConservation(logB);
      expect(logB.tally()).to.deep.equal({ sent: 3 });
      expectUntouched(c, logB.tracked);
    } finally {
      await tracker.shutdown({ timeoutMs: 50 });
      await c.close();
    }
  });

  it('a tracker.payloads subscriber vandalising each payload does not change what a batching POST emitter sends', async () => {
    const c = await collectors();
    const reference = new Emitter(c.reference.url, { ...FAST, method: 'get', name: 'reference' });
    const b = new Emitter(c.target.url, { ...FAST, method: 'post', bufferSize: 3, name: 'B' });
    const tracker = new Tracker([reference, b], { namespace: 'h6', appId: 'payloads' });
    const logB = new OutcomeLog(b.outcomes, tracker);
    tracker.payloads.subscribe((p) => vandalise(p));
    try {
      const { value: flushed, incidents } = await watchHost(async () => {
        for (let i = 0; i < 3; i++) tracker.trackStructEvent({ category: 'immutable', action: `act ${i}`, label: 'label' });
        return within(tracker.flush(), 3_000);
      });
      expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
      expect(flushed.done).to.be.true;
      expectConservation(logB);
      expect(logB.tally()).to.deep.equal({ sent: 3 });
      expectUntouched(c, logB.tracked);
    } finally {
      await tracker.shutdown({ timeoutMs: 50 });
      await c.close();
    }
  });

  for (const method of ['get', 'post'] as const) {
    it(`${method.toUpperCase()}: an emitter added after a vandalising tracker.payloads subscriber still sends what was built`, async () => {
      const c = await collectors();
      const reference = new Emitter(c.reference.url, { ...FAST, method: 'get', name: 'reference' });
      const tracker = new Tracker(reference, { namespace: 'h6', appId: 'late' });
      tracker.payloads.subscribe((p) => vandalise(p));
      const b = new Emitter(c.target.url, { ...FAST, method, bufferSize: method === 'post' ? 3 : 1, name: 'B' });
      tracker.addEmitter(b);
      const logB = new OutcomeLog(b.outcomes, tracker);
      try {
        const { value: flushed, incidents } = await watchHost(async () => {
          for (let i = 0; i < 3; i++) tracker.trackStructEvent({ category: 'immutable', action: `act ${i}`, label: 'label' });
          return within(tracker.flush(), 3_000);
        });
        expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
        expect(flushed.done).to.be.true;
        expectConservation(logB);
        expect(logB.tally()).to.deep.equal({ sent: 3 });
        expectUntouched(c, logB.tracked);
      } finally {
        await tracker.shutdown({ timeoutMs: 50 });
        await c.close();
      }
    });

    it(`${method.toUpperCase()}: a subscriber vandalising a retrying outcome does not change what the retry sends`, async () => {
      const c = await collectors((request) => (request.index === 0 ? { status: 503 } : undefined));
      const reference = new Emitter(c.reference.url, { ...FAST, method: 'get', name: 'reference' });
      const b = new Emitter(c.target.url, { ...FAST, method, bufferSize: method === 'post' ? 2 : 1, name: 'B' });
      const tracker = new Tracker([reference, b], { namespace: 'h6', appId: 'retry' });
      const logB = new OutcomeLog(b.outcomes, tracker);
      b.outcomes.subscribe((o: DeliveryOutcome) => {
        if (o.kind === 'retrying') for (const p of o.events) vandalise(p);
      });
      try {
        const { value: flushed, incidents } = await watchHost(async () => {
          for (let i = 0; i < 2; i++) tracker.trackStructEvent({ category: 'immutable', action: `act ${i}`, label: 'label' });
          return within(tracker.flush(), 3_000);
        });
        expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
        expect(flushed.done).to.be.true;
        expect(
          logB.outcomes.some((o) => o.kind === 'retrying'),
          logB.describe(),
        ).to.be.true;
        expectConservation(logB);
        expect(logB.tally()).to.deep.equal({ sent: 2 });
        // The accepted request(s) came after the 503: check those.
        const accepted = new LoopbackCollectorView(c.target, 1);
        for (const eid of logB.tracked) expect(accepted.get(eid), `retry of ${eid}`).to.deep.equal(receivedByEid(c.reference).get(eid));
      } finally {
        await tracker.shutdown({ timeoutMs: 50 });
        await c.close();
      }
    });
  }
});

/** The events of a collector's requests from index `from` on, without stm, by eid. */
class LoopbackCollectorView extends Map<string, Record<string, unknown>> {
  constructor(collector: LoopbackCollector, from: number) {
    super(
      collector.requests
        .slice(from)
        .flatMap((r) => r.events)
        .map((e) => [e['eid']!, withoutStm(e)]),
    );
  }
}
