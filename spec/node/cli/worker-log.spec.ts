// `rxplow worker`'s log on virtual time: a line per state change and one summary per interval, never one per event.
import { expect } from 'chai';
import { Subject } from 'rxjs';
import { count, logWorker } from '../../../src/cli/worker-log.js';
import type { DeliveryOutcome } from '../../../src/index.js';
import type { DeadLetter, RedisWorkerStatus } from '../../../src/redis/index.js';
import { VirtualClock } from '../../support/virtual-clock.js';

describe('rxplow worker log (virtual time)', () => {
  function rig(verbose = false) {
    const clock = new VirtualClock();
    const worker = {
      status: new Subject<RedisWorkerStatus>(),
      deadLetters: new Subject<DeadLetter>(),
      errors: new Subject<Error>(),
      outcomes: new Subject<DeliveryOutcome>(),
    };
    const lines: string[] = [];
    const log = logWorker(worker, 'rxplow', {
      write: (line) => lines.push(line),
      intervalMs: 10_000,
      verbose,
      backlog: () => Promise.resolve(2_400),
      scheduler: clock.scheduler,
    });
    return { clock, worker, lines, log };
  }

  it('collector down for a minute with 1 000 dead letters: a handful of lines, the backlog per interval, then back and drained', async () => {
    const { clock, worker, lines, log } = rig();
    const at = clock.now();
    worker.status.next({ kind: 'collector-down', at, error: 'fetch failed', inFlight: 500 });
    for (let i = 0; i < 1_000; i++)
      worker.deadLetters.next({ id: `1-${i}`, eid: `e${i}`, kind: 'refused', reason: 'refused: 400', status: 400 });
    await clock.advance(60_000);
    worker.status.next({ kind: 'collector-up', at: at + 61_200, downMs: 61_200 });
    worker.status.next({ kind: 'drained', at: at + 62_400, delivered: 2_400, ms: 1_200 });
    log.unsubscribe();
    expect(lines[0]).to.equal(`collector down since ${new Date(at).toISOString()}: fetch failed (500 in flight; reading paused, retrying)`);
    expect(lines.filter((l) => l === `collector down since ${new Date(at).toISOString()}, 2 400 pending`)).to.have.length(6);
    expect(
      lines.filter((l) => l.startsWith('dead-lettered 1 000 in the last 10.0 s (last: 1-999 (eid e999, refused): refused: 400)')),
    ).to.have.length(1);
    expect(lines.slice(-2)).to.deep.equal(['collector back after 61.2 s', 'resumed, drained 2 400 in 1.2 s']);
    expect(lines.length, lines.join('\n')).to.equal(10);
    expect(clock.pending, 'no timer after unsubscribe').to.equal(0);
  });

  it('--verbose: a line per batch and per dead letter', async () => {
    const { worker, lines, log } = rig(true);
    worker.outcomes.next({
      kind: 'sent',
      emitter: 'POST x',
      events: [{}, {}],
      attempt: 1,
      status: 200,
      willRetry: false,
    } as DeliveryOutcome);
    worker.deadLetters.next({ id: '1-0', eid: 'e', kind: 'poison', reason: 'read 4 times', status: undefined });
    log.unsubscribe();
    expect(lines).to.deep.equal([
      '✔ POST x   sent     2 event(s) [,] status 200, attempt 1',
      'dead letter 1-0 (eid e, poison): read 4 times',
    ]);
  });

  it('groups thousands with a space', () => {
    expect([0, 999, 2_400, 1_000_000].map(count)).to.deep.equal(['0', '999', '2 400', '1 000 000']);
  });
});
