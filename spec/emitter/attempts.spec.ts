// The attempt engine on its own (virtual time): parts settled separately, the deadline with what is known by then,
// permanent errors, 413 splits, retryNow, and a throwing attempt.
import { expect } from 'chai';
import { NEVER, Observable, of, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { runAttempts, type Attempt, type AttemptEngine, type Settlement } from '../../src/emitter/attempts.js';
import type { QueuedEvent } from '../../src/emitter/batch.js';
import { EMITTER_DEFAULTS, type ResolvedRetryOptions } from '../../src/emitter/options.js';
import { NetworkError } from '../../src/errors.js';
import { ids, queued } from '../support/queued.js';

const retry: ResolvedRetryOptions = { ...EMITTER_DEFAULTS.retry, baseDelayMs: 100, jitter: false } as ResolvedRetryOptions;

function run(
  attempt: (items: readonly QueuedEvent[], n: number) => Attempt,
  overrides: Partial<AttemptEngine> = {},
  setup: (scheduler: TestScheduler) => void = () => undefined,
) {
  const scheduler = new TestScheduler(() => undefined);
  scheduler.maxFrames = Infinity;
  setup(scheduler);
  const engine: AttemptEngine = {
    name: 'test',
    where: 'test://',
    scheduler,
    timeoutMs: 1000,
    retry,
    isSuccess: (status) => status === 200,
    random: () => 0.999,
    attempt,
    ...overrides,
  };
  const settlements: (Settlement & { at: number })[] = [];
  const batch = [queued('a', 10, 0), queued('b', 10, 1), queued('c', 10, 2)];
  runAttempts(batch, { ...engine, scheduler }).subscribe((s) => settlements.push({ ...s, at: scheduler.now() }));
  scheduler.flush();
  const summary = settlements.map((s) => `${s.at} ${s.outcome.kind} ${ids(s.items).join('')} #${s.outcome.attempt}`);
  return { settlements, summary };
}

const response = (status: number) => ({ kind: 'response', status, retryAfter: null }) as const;

describe('emitter/attempts: the attempt engine', () => {
  it('settles each part of an attempt on its own: the queued part is sent, the failed part retried alone', () => {
    const { summary } = run((items, n) => ({
      answer: of(
        n === 1
          ? [
              { items: items.slice(0, 2), events: [], result: response(200) },
              { items: items.slice(2), events: [], result: { kind: 'error', error: new NetworkError('x') } },
            ]
          : [{ items, events: [], result: response(200) }],
      ),
    }));
    expect(summary).to.deep.equal(['0 sent ab #1', '0 retrying c #1', '100 sent c #2']);
  });

  it('at the deadline, uses what the attempt knew by then (timedOut), and unsubscribes the answer', () => {
    let unsubscribed = 0;
    const { summary } = run((items, n) =>
      n === 1
        ? {
            answer: new Observable(() => () => unsubscribed++),
            timedOut: () => [{ items: items.slice(0, 1), events: [], result: response(200) }, ...rest(items)],
          }
        : { answer: of([{ items, events: [], result: response(200) }]) },
    );
    function rest(items: readonly QueuedEvent[]) {
      return [{ items: items.slice(1), events: [], result: { kind: 'error', error: new NetworkError('timeout') } } as const];
    }
    expect(summary).to.deep.equal(['1000 sent a #1', '1000 retrying bc #1', '1100 sent bc #2']);
    expect(unsubscribed).to.equal(1);
  });

  it('without timedOut, the whole attempt times out', () => {
    const { settlements } = run(() => ({ answer: NEVER }), { retry: { ...retry, limit: 0 } });
    expect(settlements.map((s) => [s.at, s.outcome.kind, s.outcome.kind === 'failed' && s.outcome.error.code])).to.deep.equal([
      [1000, 'failed', 'timeout'],
    ]);
  });

  it('a permanent error is not retried', () => {
    const { summary } = run((items) => ({
      answer: of([{ items, events: [], result: { kind: 'error', error: new NetworkError('x'), permanent: true } as const }]),
    }));
    expect(summary).to.deep.equal(['0 failed abc #1']);
  });

  it('413 on several events splits the batch: each half attempted after the other', () => {
    const { summary } = run((items) => ({ answer: of([{ items, events: [], result: response(items.length > 1 ? 413 : 200) }]) }));
    expect(summary).to.deep.equal(['0 sent a #3', '0 sent b #3', '0 sent c #2']);
  });

  it('retryNow ends the backoff at once', () => {
    const retryNow = new Subject<void>();
    let n = 0;
    const { summary } = run(
      (items) => ({ answer: of([{ items, events: [], result: response(++n === 1 ? 503 : 200) }]) }),
      { retryNow },
      (scheduler) => scheduler.schedule(() => retryNow.next(), 30),
    );
    expect(summary).to.deep.equal(['0 retrying abc #1', '30 sent abc #2']);
  });

  it('an attempt that throws settles its items as dropped (error); the Observable never errors', () => {
    const { settlements } = run(() => {
      throw new Error('boom');
    });
    expect(settlements.map((s) => [s.outcome.kind, s.outcome.kind === 'dropped' && s.outcome.reason])).to.deep.equal([
      ['dropped', 'error'],
    ]);
  });
});
