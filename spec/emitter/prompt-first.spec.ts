// Prompt first event (issue 21), on virtual time: rxplow/browser's promptFirst() in front of a real Emitter (a
// scripted transport on the TestScheduler's clock). The first event of an idle period is requested at once, alone;
// the events right after it wait for the batch timer and go together; after a quiet interval the next goes at once.
import { expect } from 'chai';
import { NEVER, Subject } from 'rxjs';
import { isIdle, promptFirst } from '../../src/browser/prompt.js';
import { Emitter } from '../../src/emitter/emitter.js';
import type { Admission, Sink } from '../../src/emitter/sink.js';
import { chaiTestScheduler, scriptedTransport } from '../support/transports.js';

const event = (eid: string): Admission => ({ kind: 'event', payload: { e: 'se', eid, tv: 'test', p: 'web', se_ca: 'c', se_ac: 'a' } });

describe('rxplow/browser promptFirst (virtual time)', () => {
  it('the decision: idle once no event came for the whole interval', () => {
    expect(isIdle(Infinity, 1000)).to.equal(true);
    expect(isIdle(1000, 1000)).to.equal(true);
    expect(isIdle(999, 1000)).to.equal(false);
  });

  it('first event at once; the burst after it at the batch timer; after a quiet interval, at once again', () => {
    const scheduler = chaiTestScheduler();
    scheduler.run(({ cold }) => {
      const { transport, requests } = scriptedTransport(cold, () => scheduler.now(), []);
      const emitter = new Emitter('https://c.test', { transport, scheduler, flushIntervalMs: 1000, bufferSize: 10 });
      const sink = promptFirst(emitter, () => scheduler.now(), 1000);
      const admissions = new Subject<Admission>();
      sink.connect(admissions);
      scheduler.schedule(() => admissions.next(event('a')), 0);
      scheduler.schedule(() => admissions.next(event('b')), 10);
      scheduler.schedule(() => admissions.next(event('c')), 20);
      scheduler.schedule(() => admissions.next(event('d')), 5000);
      scheduler.schedule(() => admissions.next(event('e')), 5500);
      scheduler.flush();
      const eids = (body: string | undefined) => (JSON.parse(body!) as { data: { eid: string }[] }).data.map((e) => e.eid);
      expect(requests.map((r) => [r.at, eids(r.request.body as string)])).to.deep.equal([
        [0, ['a']],
        [1010, ['b', 'c']],
        [5000, ['d']],
        [6500, ['e']],
      ]);
    });
  });

  it('before the outbox is ready (adopting earlier pages), the prompt flush waits for it; a failed adoption flushes too', async () => {
    let flushes = 0;
    const fake: Sink = {
      name: 'fake',
      outcomes: NEVER,
      connect: (admissions) => admissions.subscribe(),
      flush: () => {
        flushes++;
        return Promise.resolve();
      },
      shutdown: () => Promise.resolve({ sent: 0, failed: 0, dropped: 0, abandoned: 0 }),
    };
    for (const outcome of ['resolve', 'reject'] as const) {
      flushes = 0;
      let settle!: () => void;
      const ready = new Promise<void>(
        (resolve, reject) => (settle = outcome === 'resolve' ? resolve : () => reject(new Error('no storage'))),
      );
      const admissions = new Subject<Admission>();
      promptFirst(fake, () => 0, 1000, ready).connect(admissions);
      admissions.next(event('a'));
      expect(flushes, 'not before ready').to.equal(0);
      settle();
      await ready.catch(() => undefined);
      await Promise.resolve();
      expect(flushes, `after ready ${outcome}d`).to.equal(1);
    }
  });
});
