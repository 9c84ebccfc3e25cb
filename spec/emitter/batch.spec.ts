// Batching: the pure decisions (decideAdd, fitsAlone) as properties, and the batchEvents operator on virtual time.
import { expect } from 'chai';
import fc from 'fast-check';
import { asyncScheduler, from, map, NEVER, type SchedulerLike, type Subscription } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { batchEvents, decideAdd, fitsAlone, splitToFit, type BatchLimits } from '../../src/emitter/batch.js';
import { ids, limits, queued } from '../support/queued.js';
import { chaiTestScheduler } from '../support/transports.js';

const limitsArb = fc.record({
  maxEvents: fc.integer({ min: 1, max: 20 }),
  maxBytes: fc.integer({ min: 50, max: 2_000 }),
  emptyBytes: fc.integer({ min: 0, max: 49 }),
});
const sizesArb = fc.array(fc.integer({ min: 1, max: 600 }), { maxLength: 80 });

/** Follows the decisions for a sequence of event sizes, as batchEvents does, and returns the batches (indexes). */
function simulate(sizes: readonly number[], l: BatchLimits): number[][] {
  const batches: number[][] = [];
  let batch: number[] = [];
  let bytes = l.emptyBytes;
  const send = (): void => {
    if (batch.length > 0) batches.push(batch);
    batch = [];
    bytes = l.emptyBytes;
  };
  sizes.forEach((size, index) => {
    if (!fitsAlone(size, l)) return;
    const { sendBefore, sendAfter } = decideAdd(batch.length, bytes, size, l);
    if (sendBefore) send();
    batch.push(index);
    bytes += size;
    if (sendAfter) send();
  });
  send();
  return batches;
}

const batchBytes = (batch: readonly number[], sizes: readonly number[], l: BatchLimits): number =>
  batch.reduce((sum, index) => sum + sizes[index]!, l.emptyBytes);

describe('emitter/batch', () => {
  describe('decideAdd and fitsAlone (properties)', () => {
    it('no batch exceeds maxEvents or maxBytes', () => {
      fc.assert(
        fc.property(sizesArb, limitsArb, (sizes, l) => {
          for (const batch of simulate(sizes, l)) {
            expect(batch.length).to.be.within(1, l.maxEvents);
            expect(batchBytes(batch, sizes, l)).to.be.at.most(l.maxBytes);
          }
        }),
      );
    });

    it('every event that fits alone lands in exactly one batch, in order; the others in none', () => {
      fc.assert(
        fc.property(sizesArb, limitsArb, (sizes, l) => {
          const fitting = sizes.map((_, index) => index).filter((index) => fitsAlone(sizes[index]!, l));
          expect(simulate(sizes, l).flat()).to.deep.equal(fitting);
        }),
      );
    });

    it('sends a batch only when it is full by count or the next event would overflow it', () => {
      fc.assert(
        fc.property(sizesArb, limitsArb, (sizes, l) => {
          const kept = sizes.filter((size) => fitsAlone(size, l));
          const batches = simulate(kept, l);
          batches.slice(0, -1).forEach((batch, i) => {
            const next = kept[batches[i + 1]![0]!]!;
            const full = batch.length === l.maxEvents;
            expect(full || batchBytes(batch, kept, l) + next > l.maxBytes, `batch ${i} sent early`).to.be.true;
          });
        }),
      );
    });

    it('fitsAlone is exactly "an empty request plus the event stays within maxBytes"', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 5_000 }), limitsArb, (size, l) => {
          expect(fitsAlone(size, l)).to.equal(l.emptyBytes + size <= l.maxBytes);
        }),
      );
    });

    it('never asks to send an empty batch first', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 5_000 }), limitsArb, (size, l) => {
          expect(decideAdd(0, l.emptyBytes, size, l).sendBefore).to.be.false;
        }),
      );
    });

    it('the operator makes the same batches as the decisions (synchronous source)', () => {
      fc.assert(
        fc.property(sizesArb, limitsArb, (sizes, l) => {
          const kept = sizes.filter((size) => fitsAlone(size, l));
          const items = kept.map((size, i) => queued(String(i), size, i));
          const batches: string[][] = [];
          from(items)
            .pipe(batchEvents({ limits: l, maxWaitMs: 1_000, flush: NEVER }))
            .subscribe((batch) => batches.push(ids(batch)));
          expect(batches).to.deep.equal(simulate(kept, l).map((batch) => batch.map(String)));
        }),
      );
    });
  });

  describe('batchEvents (marbles)', () => {
    let testScheduler: TestScheduler;
    beforeEach(() => {
      testScheduler = chaiTestScheduler();
    });

    const values = { a: queued('a'), b: queued('b'), c: queued('c'), d: queued('d') };

    it('emits a batch as soon as it is full by count', () => {
      testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const events = hot('  -a-b-c-d-|', values);
        const expected = '    ---x---y-|';
        const batches = events.pipe(batchEvents({ limits: limits({ maxEvents: 2 }), maxWaitMs: 100, flush: NEVER }));
        expectObservable(batches.pipe(map(ids))).toBe(expected, { x: ['a', 'b'], y: ['c', 'd'] });
        expectSubscriptions(events.subscriptions).toBe('^--------!');
      });
    });

    it('emits a partial batch maxWaitMs after its FIRST event, not its last', () => {
      testScheduler.run(({ hot, time, expectObservable }) => {
        const events = hot('  -a--b--------c-------|', values);
        const maxWaitMs = time('------|'); // 6 frames: from a (frame 1) to frame 7; b does not restart the clock
        const expected = '    -------x-----------y-|';
        const batches = events.pipe(batchEvents({ limits: limits(), maxWaitMs, flush: NEVER }));
        expectObservable(batches.pipe(map(ids))).toBe(expected, { x: ['a', 'b'], y: ['c'] });
      });
    });

    it('emits the partial batch on each flush signal, and nothing on a flush with nothing queued', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const events = hot('  -a-b-----c---|', values);
        const flush = hot('   ----f-f----f--');
        const expected = '    ----x------y-|';
        const batches = events.pipe(batchEvents({ limits: limits(), maxWaitMs: 100, flush }));
        expectObservable(batches.pipe(map(ids))).toBe(expected, { x: ['a', 'b'], y: ['c'] });
      });
    });

    it('emits the partial batch when the source completes, and before it errors', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        expectObservable(hot('-a-b|', values).pipe(batchEvents({ limits: limits(), maxWaitMs: 100, flush: NEVER }), map(ids))).toBe(
          '----(x|)',
          { x: ['a', 'b'] },
        );
        expectObservable(hot('-a-#', values).pipe(batchEvents({ limits: limits(), maxWaitMs: 100, flush: NEVER }), map(ids))).toBe(
          '---(x#)',
          { x: ['a'] },
        );
      });
    });

    it('sends the batch before an event that would overflow maxBytes', () => {
      testScheduler.run(({ hot, expectObservable }) => {
        const big = { a: queued('a', 400), b: queued('b', 400), c: queued('c', 400) };
        const events = hot('  -a-b-c---|', big);
        const expected = '    -----x---(y|)'; // at c: 100 + 400 + 400 + 400 > 1000, so [a, b] leaves first
        const batches = events.pipe(batchEvents({ limits: limits({ maxBytes: 1_000, emptyBytes: 100 }), maxWaitMs: 100, flush: NEVER }));
        expectObservable(batches.pipe(map(ids))).toBe(expected, { x: ['a', 'b'], y: ['c'] });
      });
    });

    it('runs a timer only while a partial batch waits', () => {
      const timers: Subscription[] = [];
      const spy: SchedulerLike = {
        now: () => asyncScheduler.now(),
        schedule: (work: never, delay?: number, state?: never) => {
          const timer = asyncScheduler.schedule(work, delay, state);
          timers.push(timer);
          return timer;
        },
      };
      testScheduler.run(({ hot, expectObservable }) => {
        // a+b fill a batch by count (no timer); c waits alone (one timer, cleared by the flush at frame 9); then idle.
        const events = hot('  -a-b-----c------------', values);
        const flush = hot('   -------------f--------');
        const expected = '    ---x---------y--------';
        const batches = events.pipe(batchEvents({ limits: limits({ maxEvents: 2 }), maxWaitMs: 100, flush, scheduler: spy }));
        expectObservable(batches.pipe(map(ids))).toBe(expected, { x: ['a', 'b'], y: ['c'] });
        testScheduler.schedule(() => expect(timers.filter((t) => !t.closed)).to.have.length(0), 14);
      });
      // a started a timer that b's full batch cleared; c started one that the flush cleared.
      expect(timers).to.have.length(2);
      expect(timers.every((t) => t.closed)).to.be.true;
    });
  });

  describe('splitToFit (POST bodies over maxPostBytes, cut when the request is built)', () => {
    const byteLimitsArb = limitsArb.map((l) => ({ ...l, maxEvents: Infinity }));

    it('keeps every event exactly once, in order: in a group that fits, or in oversize when it cannot fit alone', () => {
      fc.assert(
        fc.property(sizesArb, byteLimitsArb, (sizes, l) => {
          const indexes = sizes.map((_, i) => i);
          const { groups, oversize } = splitToFit(indexes, (i) => sizes[i]!, l);
          expect(groups.flat()).to.deep.equal(indexes.filter((i) => fitsAlone(sizes[i]!, l)));
          expect(oversize).to.deep.equal(indexes.filter((i) => !fitsAlone(sizes[i]!, l)));
          for (const group of groups) {
            expect(group).to.not.be.empty;
            expect(batchBytes(group, sizes, l)).to.be.at.most(l.maxBytes);
          }
        }),
      );
    });

    it('makes the same groups as the batching decisions would (a group closes only when the next event would overflow it)', () => {
      fc.assert(
        fc.property(sizesArb, byteLimitsArb, (sizes, l) => {
          const { groups } = splitToFit(
            sizes.map((_, i) => i),
            (i) => sizes[i]!,
            l,
          );
          expect(groups).to.deep.equal(simulate(sizes, l));
        }),
      );
    });
  });
});
