// batchEvents with a re-entrant source: a subscriber that pushes events while a batch is being emitted (as a sink's
// outcome handler tracking another event would) never makes a batch exceed its byte or count limit.
import { expect } from 'chai';
import fc from 'fast-check';
import { NEVER, Subject } from 'rxjs';
import { batchEvents, type BatchLimits, type QueuedEvent } from '../../src/emitter/batch.js';
import { ids, limits, queued } from '../support/queued.js';
import { chaiTestScheduler } from '../support/transports.js';

/** Runs items through batchEvents; on each emitted batch, pushes the next `pushes[i]` items re-entrantly. */
function runReentrant(sizes: readonly number[], pushes: readonly number[], l: BatchLimits): QueuedEvent[][] {
  const source = new Subject<QueuedEvent>();
  const batches: QueuedEvent[][] = [];
  const all = sizes.map((bytes, i) => queued(`e${i}`, bytes, i));
  let next = 0;
  let emissions = 0;
  const push = (): void => {
    if (next < all.length) source.next(all[next++]!);
  };
  const scheduler = chaiTestScheduler();
  scheduler.run(() => {
    source.pipe(batchEvents({ limits: l, maxWaitMs: 10, flush: NEVER, scheduler })).subscribe((batch) => {
      batches.push(batch);
      const extra = pushes[emissions++ % Math.max(1, pushes.length)] ?? 0;
      for (let k = 0; k < extra; k++) push();
    });
    while (next < all.length) push();
    source.complete();
  });
  return batches;
}

describe('emitter/batch: re-entrant sources', () => {
  it('an event pushed during the emission of a byte-limited batch does not overflow the next batch (the reported 110 B under 100 B)', () => {
    const l = limits({ maxEvents: 10, maxBytes: 100, emptyBytes: 0 });
    // e0 (60 B) waits; e1 (50 B) would overflow: e0 is sent, and while it is emitted the subscriber pushes e2 (60 B).
    const batches = runReentrant([60, 50, 60], [1, 0, 0], l);
    for (const batch of batches) expect(batch.reduce((sum, item) => sum + item.bytes, 0)).to.be.at.most(100);
    expect(batches.map(ids)).to.deep.equal([['e0'], ['e1'], ['e2']]);
  });

  it('property: with any re-entrant pushes, every batch respects both limits and every event is emitted once, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 90 }), { maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 10 }),
        fc.integer({ min: 1, max: 8 }),
        (sizes, pushes, maxEvents) => {
          const l = limits({ maxEvents, maxBytes: 100, emptyBytes: 5 });
          const batches = runReentrant(sizes, pushes, l);
          for (const batch of batches) {
            expect(batch.length).to.be.within(1, maxEvents);
            expect(5 + batch.reduce((sum, item) => sum + item.bytes, 0)).to.be.at.most(100);
          }
          expect(batches.flatMap(ids)).to.deep.equal(sizes.map((_, i) => `e${i}`));
        },
      ),
    );
  });
});
