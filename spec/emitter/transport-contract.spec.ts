// The transport contract, held by the attempt engine: a transport's first response settles the attempt, completing
// without one is a failed (retryable) attempt, and values after the first are ignored.
import { expect } from 'chai';
import { EMPTY, of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Emitter } from '../../src/emitter/emitter.js';
import type { DeliveryOutcome } from '../../src/emitter/outcome.js';
import type { TransportResponse } from '../../src/emitter/transport.js';
import { Tracker } from '../../src/tracker/tracker.js';

function rig(answers: (() => Observable<TransportResponse>)[]) {
  const scheduler = new TestScheduler(() => undefined);
  scheduler.maxFrames = Infinity;
  let calls = 0;
  const emitter = new Emitter('https://c.test', {
    flushIntervalMs: 10,
    retry: { baseDelayMs: 100, jitter: false },
    scheduler,
    transport: () => (answers[calls++] ?? (() => of({ status: 200, retryAfter: null })))(),
  });
  const outcomes: DeliveryOutcome[] = [];
  emitter.outcomes.subscribe((o) => outcomes.push(o));
  const tracker = new Tracker(emitter);
  return { scheduler, emitter, tracker, outcomes, calls: () => calls };
}

describe('emitter/transport contract', () => {
  it('a transport that completes without a response: a failed attempt, retried, then sent (not left unsettled)', async () => {
    const { scheduler, tracker, emitter, outcomes, calls } = rig([() => EMPTY]);
    tracker.trackPageView({ pageUrl: 'https://a.test/' });
    scheduler.flush();
    expect(outcomes.map((o) => o.kind)).to.deep.equal(['retrying', 'sent']);
    const retrying = outcomes[0]!;
    expect(retrying.kind === 'retrying' && retrying.error.code).to.equal('network');
    expect(calls()).to.equal(2);
    await emitter.flush();
  });

  it('a transport that emits two responses settles the event once (the first response wins)', async () => {
    const twice = (): Observable<TransportResponse> =>
      of({ status: 200, retryAfter: null }, { status: 200, retryAfter: null }, { status: 500, retryAfter: null });
    const { scheduler, tracker, emitter, outcomes } = rig([twice]);
    tracker.trackPageView({ pageUrl: 'https://a.test/' });
    scheduler.flush();
    expect(outcomes.map((o) => o.kind)).to.deep.equal(['sent']);
    const report = emitter.shutdown({ timeoutMs: 0 });
    scheduler.flush();
    expect(await report).to.deep.equal({ sent: 1, failed: 0, dropped: 0, abandoned: 0 });
  });

  it('with no retries left, a transport that never answers anything but completes: failed with a network error', () => {
    const { scheduler, tracker, outcomes } = rig([() => EMPTY, () => EMPTY, () => EMPTY, () => EMPTY, () => EMPTY, () => EMPTY]);
    tracker.trackPageView({ pageUrl: 'https://a.test/' });
    scheduler.flush();
    expect(outcomes.map((o) => o.kind)).to.deep.equal(['retrying', 'retrying', 'retrying', 'retrying', 'retrying', 'failed']);
  });
});
