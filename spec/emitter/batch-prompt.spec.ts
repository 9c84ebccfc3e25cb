// Prompt first event (issue 21): an event that finds the queue idle goes out at once, alone; batching applies to the
// events after it; after a quiet `maxWaitMs` the next one goes at once again. On virtual time (marbles), and through
// a real Emitter on the TestScheduler's clock.
import { expect } from 'chai';
import { map, NEVER } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { batchEvents, decideAdd, isIdle } from '../../src/emitter/batch.js';
import { Emitter } from '../../src/emitter/emitter.js';
import { resolveEmitterOptions } from '../../src/emitter/options.js';
import { ids, limits, queued } from '../support/queued.js';
import { chaiTestScheduler } from '../support/transports.js';

describe('emitter/batch: prompt first event', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = chaiTestScheduler();
  });
  const values = { a: queued('a'), b: queued('b'), c: queued('c'), d: queued('d'), e: queued('e') };

  it('the decision: idle only with nothing waiting and no event for maxWaitMs; an idle event is sent on its own', () => {
    expect(isIdle(0, Infinity, 1000)).to.equal(true);
    expect(isIdle(0, 1000, 1000)).to.equal(true);
    expect(isIdle(0, 999, 1000)).to.equal(false);
    expect(isIdle(1, 5000, 1000)).to.equal(false);
    expect(decideAdd(0, 0, 10, limits(), true)).to.deep.equal({ sendBefore: false, sendAfter: true });
    expect(decideAdd(0, 0, 10, limits(), false)).to.deep.equal({ sendBefore: false, sendAfter: false });
  });

  it('the first event goes at once, the burst after it waits for the timer, a later event after a quiet period goes at once', () => {
    testScheduler.run(({ hot, time, expectObservable }) => {
      const events = hot('  a-b-c------------------d-e-|', values);
      const maxWaitMs = time('------|'); // 6 frames
      const expected = '    x-------y--------------z---(w|)';
      const batches = events.pipe(batchEvents({ limits: limits(), maxWaitMs, flush: NEVER, promptFirst: true }));
      // a: idle, sent at 0. b (frame 2) starts the batch timer: sent at 8 with c. d comes 15 frames after c: idle, at once.
      // e: within maxWaitMs of d, batched; the source completes at 27 and the partial batch goes with it.
      expectObservable(batches.pipe(map(ids))).toBe(expected, {
        x: ['a'],
        y: ['b', 'c'],
        z: ['d'],
        w: ['e'],
      });
    });
  });

  it('without promptFirst (the Emitter default) the first event waits for the timer as before', () => {
    testScheduler.run(({ hot, time, expectObservable }) => {
      const events = hot('  a-b-|', values);
      const maxWaitMs = time('--|');
      const expected = '    --x-|';
      const batches = events.pipe(batchEvents({ limits: limits(), maxWaitMs, flush: NEVER }));
      expectObservable(batches.pipe(map(ids))).toBe(expected, { x: ['a', 'b'] });
    });
  });

  it('Emitter option promptFirstEvent: default false, checked, resolved', () => {
    expect(resolveEmitterOptions('c.test').promptFirstEvent).to.equal(false);
    expect(resolveEmitterOptions('c.test', { promptFirstEvent: true }).promptFirstEvent).to.equal(true);
    expect(() => new Emitter('c.test', { promptFirstEvent: 'yes' as unknown as boolean })).to.throw(/promptFirstEvent/);
  });
});
