// The `scheduler` option: the batch timer and retry delays run on the scheduler given (e.g. one outside Angular's
// NgZone), not on a global timer. Proven with a TestScheduler instance used as a plain scheduler, outside run mode.
import { expect } from 'chai';
import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Emitter } from '../../src/emitter/emitter.js';
import type { Transport } from '../../src/emitter/transport.js';
import type { DeliveryOutcome } from '../../src/emitter/outcome.js';
import { Tracker } from '../../src/tracker/tracker.js';

describe('emitter/scheduler option', () => {
  function rig(replies: number[]) {
    const scheduler = new TestScheduler(() => undefined);
    const sentAt: number[] = [];
    const transport: Transport = () => {
      sentAt.push(scheduler.now());
      return of({ status: replies[sentAt.length - 1] ?? 200, retryAfter: null });
    };
    const emitter = new Emitter('https://c.test', {
      bufferSize: 10,
      flushIntervalMs: 100,
      retry: { baseDelayMs: 40, jitter: () => 0.999 },
      scheduler,
      transport,
    });
    const outcomes: DeliveryOutcome['kind'][] = [];
    emitter.outcomes.subscribe((o) => outcomes.push(o.kind));
    const tracker = new Tracker(emitter);
    return { scheduler, sentAt, outcomes, tracker };
  }

  it('runs the batch timer on the given scheduler', () => {
    const { scheduler, sentAt, outcomes, tracker } = rig([]);
    tracker.trackPageView({ pageUrl: 'https://example.com/' });
    expect(sentAt, 'nothing sent before the scheduler advances').to.deep.equal([]);
    scheduler.flush();
    expect(sentAt).to.deep.equal([100]);
    expect(outcomes).to.deep.equal(['sent']);
  });

  it('runs retry delays on the given scheduler, and stamps attempts with its clock', () => {
    const { scheduler, sentAt, outcomes, tracker } = rig([503]);
    tracker.trackPageView({ pageUrl: 'https://example.com/' });
    scheduler.flush();
    // 100 ms batch timer, then a backoff of ~40 ms (jitter fixed near its top) on the same scheduler.
    expect(sentAt).to.have.length(2);
    expect(sentAt[1]! - sentAt[0]!).to.be.within(20, 40);
    expect(outcomes).to.deep.equal(['retrying', 'sent']);
  });

  it('rejects something that is not a scheduler', () => {
    expect(() => new Emitter('https://c.test', { scheduler: {} as never })).to.throw(/scheduler/);
  });
});
