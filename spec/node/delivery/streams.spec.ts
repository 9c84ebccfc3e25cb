// Outcome streams over real HTTP: async iteration, subscribers that throw, and tracker.input fed by Observables.
import { expect } from 'chai';
import { concat, config, of, throwError } from 'rxjs';
import { eachValueFrom, structEvent, type DeliveryOutcome } from '../../../src/index.js';
import { expectConservation } from '../../support/conservation.js';
import { inTurn } from '../../support/collector.js';
import { rigPerTest, until } from '../../support/node-rig.js';

describe('delivery over HTTP: outcome streams and input', function () {
  this.timeout(10_000);
  const startRig = rigPerTest();

  it('gives outcomes as an async iterable (rxjs-for-await) in for await', async () => {
    const rig = await startRig('post', inTurn(503), { bufferSize: 1 });
    const seen: DeliveryOutcome[] = [];
    setTimeout(() => rig.track(3), 0);
    for await (const outcome of eachValueFrom(rig.emitter.outcomes)) {
      seen.push(outcome);
      if (seen.filter((o) => o.kind === 'sent').length === 3) break;
    }
    expect(seen.map((o) => o.kind).sort()).to.deep.equal(['retrying', 'sent', 'sent', 'sent']);
    expectConservation(rig.log);
  });

  it('iterates tracker.outcomes and emitter.successes the same way', async () => {
    const rig = await startRig('get');
    setTimeout(() => rig.track(2), 0);
    const sent: string[] = [];
    for await (const outcome of eachValueFrom(rig.emitter.successes)) if (sent.push(outcome.events[0]!['eid']!) === 2) break;
    expect(sent).to.have.members(rig.log.tracked);
    setTimeout(() => rig.track(1), 0);
    for await (const outcome of eachValueFrom(rig.tracker.outcomes)) {
      expect(outcome.kind).to.equal('sent');
      break;
    }
  });

  describe('a subscriber that throws', () => {
    const original = config.onUnhandledError;
    const reported: unknown[] = [];
    beforeEach(() => {
      reported.length = 0;
      // RxJS reports a subscriber's throw asynchronously; in Node that would be an uncaught exception.
      config.onUnhandledError = (error) => reported.push(error);
    });
    afterEach(() => {
      config.onUnhandledError = original;
    });

    it('disturbs neither delivery nor the other subscribers', async () => {
      const rig = await startRig('post', inTurn(503), { bufferSize: 2 });
      rig.emitter.outcomes.subscribe(() => {
        throw new Error('emitter subscriber');
      });
      rig.tracker.outcomes.subscribe(() => {
        throw new Error('tracker subscriber');
      });
      rig.emitter.failures.subscribe(() => {
        throw new Error('failures subscriber');
      });
      const others: DeliveryOutcome[] = [];
      rig.tracker.outcomes.subscribe((o) => others.push(o));
      rig.track(6);
      await rig.tracker.flush();
      expect(rig.log.tally()).to.deep.equal({ sent: 6 });
      expect(others.map((o) => o.kind)).to.deep.equal(rig.log.outcomes.map((o) => o.kind));
      const outcomes = rig.log.outcomes.length; // 1 retrying + 3 sent
      await until(() => reported.length === 2 * outcomes + 1);
      expect(reported.map((e) => (e as Error).message).sort()[0]).to.equal('emitter subscriber');
      expectConservation(rig.log);
    });
  });

  describe('tracker.input', () => {
    it('keeps the tracker working after a source errors or completes', async () => {
      const rig = await startRig('get');
      concat(
        of(structEvent({ category: 'input', action: 'first' })),
        throwError(() => new Error('source failed')),
      ).subscribe(rig.tracker.input);
      of(structEvent({ category: 'input', action: 'second' })).subscribe(rig.tracker.input);
      rig.tracker.trackStructEvent({ category: 'input', action: 'after' });
      of({
        event: structEvent({ category: 'input', action: 'request' }),
        options: { eventId: '11111111-1111-4111-8111-111111111111' },
      }).subscribe(rig.tracker.input);
      await rig.tracker.flush();
      expect(rig.collector.requests.map((r) => r.events[0]!['se_ac'])).to.have.members(['first', 'second', 'after', 'request']);
      expect(rig.log.finals().get('11111111-1111-4111-8111-111111111111')?.kind).to.equal('sent');
    });

    it('reports invalid events as dropped invalid, with the error, and sends nothing for them', async () => {
      const rig = await startRig('post', undefined, { bufferSize: 1 });
      of(
        { kind: 'structEvent', category: '', action: 'x' },
        { kind: 'no-such-kind' },
        null,
        structEvent({ category: 'ok', action: 'ok' }),
      ).subscribe(rig.tracker.input as never);
      await rig.tracker.flush();
      const invalid = rig.log.outcomes.filter((o) => o.kind === 'dropped' && o.reason === 'invalid');
      expect(invalid).to.have.length(3);
      for (const o of invalid) expect(o.kind === 'dropped' && o.error?.code).to.equal('invalid-event');
      expect(rig.collector.requests).to.have.length(1);
      const report = await rig.tracker.shutdown({ timeoutMs: 50 });
      expect(report).to.deep.equal({ sent: 1, failed: 0, dropped: 3, abandoned: 0 });
    });
  });
});
