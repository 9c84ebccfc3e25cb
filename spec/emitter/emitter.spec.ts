// The Emitter on virtual time: a cold-Observable transport (the `transport` option) under TestScheduler for retries,
// backoff, Retry-After and batching timers; a hand-answered transport for flush and shutdown.
import { expect } from 'chai';
import { map, of, Subject, type Observable } from 'rxjs';
import type { RunHelpers, TestScheduler } from 'rxjs/testing';
import { Emitter } from '../../src/emitter/emitter.js';
import type { EmitterOptions } from '../../src/emitter/options.js';
import type { DeliveryOutcome } from '../../src/emitter/outcome.js';
import { AbortedError, NetworkError, TimeoutError } from '../../src/errors.js';
import type { Payload } from '../../src/payload/payload.js';
import { chaiTestScheduler, connectPayloads, manualTransport, scriptedTransport, type Reply } from '../support/transports.js';

const event = (eid: string, extra: Record<string, string> = {}): Payload => ({ e: 'se', eid, tv: 'test', p: 'srv', ...extra });
const events = { a: event('a'), b: event('b'), c: event('c'), d: event('d'), e: event('e') };

/** What a marble compares of an outcome. */
const summary = (o: DeliveryOutcome) => ({
  kind: o.kind,
  attempt: o.attempt,
  willRetry: o.willRetry,
  eids: o.events.map((p) => p['eid']),
  ...(o.kind === 'retrying' ? { delayMs: o.delayMs } : {}),
  ...(o.kind === 'dropped' ? { reason: o.reason } : {}),
});
const sent = (attempt: number, ...eids: string[]) => ({ kind: 'sent', attempt, willRetry: false, eids });
const retrying = (attempt: number, delayMs: number, ...eids: string[]) => ({ kind: 'retrying', attempt, willRetry: true, eids, delayMs });
const failed = (attempt: number, ...eids: string[]) => ({ kind: 'failed', attempt, willRetry: false, eids });
const dropped = (reason: string, ...eids: string[]) => ({ kind: 'dropped', attempt: 0, willRetry: false, eids, reason });

/** The `stm` of each event a request carries. */
const stmsOf = (body: string | undefined): string[] => (JSON.parse(body!) as { data: Payload[] }).data.map((p) => p['stm']!);

const BASE_OPTIONS: EmitterOptions = { bufferSize: 1, retry: { baseDelayMs: 10, maxDelayMs: 1_000 } };

describe('Emitter on virtual time', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = chaiTestScheduler();
  });

  /** An emitter whose n-th request gets replies[n] two frames later; jitter fixed at 0 (delays are ½ the backoff). */
  function virtualEmitter(helpers: RunHelpers, replies: readonly Reply[], options: EmitterOptions = {}, latency = 2) {
    const now = (): number => testScheduler.now();
    const { transport, requests } = scriptedTransport(helpers.cold, now, replies, latency);
    const emitter = new Emitter('http://c.test', {
      ...BASE_OPTIONS,
      ...options,
      retry: { ...(BASE_OPTIONS.retry as object), jitter: () => 0, ...(options.retry as object) },
      transport,
    });
    const outcomes: Observable<ReturnType<typeof summary>> = emitter.outcomes.pipe(map(summary));
    return { emitter, requests, outcomes };
  }

  it('retries after exponential backoff with jitter, with a new stm per attempt, then reports sent', () => {
    testScheduler.run((helpers) => {
      const { emitter, requests, outcomes } = virtualEmitter(helpers, [503, 503, 200]);
      connectPayloads(emitter, helpers.hot('-a', events));
      // a at 1; 503 at 3, wait 5 (½ of 10); 503 at 10, wait 10 (½ of 20); 200 at 22.
      helpers.expectObservable(outcomes).toBe('---r 6ms R 11ms s', { r: retrying(1, 5, 'a'), R: retrying(2, 10, 'a'), s: sent(3, 'a') });
      helpers.flush();
      expect(requests.map((r) => r.at)).to.deep.equal([1, 8, 20]);
      expect(requests.map((r) => stmsOf(r.request.body)[0])).to.deep.equal(['1', '8', '20']);
    });
  });

  it('reports each retrying outcome with its own attempt and delay', () => {
    const seen: DeliveryOutcome[] = [];
    testScheduler.run((helpers) => {
      const { emitter } = virtualEmitter(helpers, [503, 500, 502, 200]);
      emitter.outcomes.subscribe((o) => seen.push(o));
      connectPayloads(emitter, helpers.hot('-a', events));
    });
    expect(seen.map(summary)).to.deep.equal([retrying(1, 5, 'a'), retrying(2, 10, 'a'), retrying(3, 20, 'a'), sent(4, 'a')]);
    expect(seen.slice(0, 3).map((o) => (o.kind === 'retrying' ? o.status : 0))).to.deep.equal([503, 500, 502]);
  });

  it('waits as long as Retry-After says, in seconds or as an HTTP date', () => {
    testScheduler.run((helpers) => {
      const date = new Date(2_000).toUTCString(); // 995 ms after the 503 at frame 1005
      const { emitter, requests } = virtualEmitter(
        helpers,
        [
          { status: 429, retryAfter: '1' },
          { status: 503, retryAfter: date },
        ],
        {
          retry: { maxDelayMs: 5_000 },
        },
      );
      connectPayloads(emitter, helpers.hot('-a', events));
      helpers
        .expectObservable(emitter.outcomes.pipe(map((o) => (o.kind === 'retrying' ? o.delayMs : o.kind))))
        .toBe('---x 1001ms y 996ms s', {
          x: 1_000,
          y: 995,
          s: 'sent',
        });
      helpers.flush();
      expect(requests.map((r) => r.at)).to.deep.equal([1, 1_003, 2_000]);
    });
  });

  it('caps Retry-After at maxDelayMs', () => {
    testScheduler.run((helpers) => {
      const { emitter, requests } = virtualEmitter(helpers, [{ status: 503, retryAfter: '3600' }], { retry: { maxDelayMs: 50 } });
      connectPayloads(emitter, helpers.hot('-a', events));
      helpers.flush();
      expect(requests.map((r) => r.at)).to.deep.equal([1, 53]);
    });
  });

  it('reports failed, willRetry false, once limit retries are used up', () => {
    testScheduler.run((helpers) => {
      const { emitter, requests, outcomes } = virtualEmitter(helpers, [503, 503, 503, 200], { retry: { limit: 2, baseDelayMs: 10 } });
      connectPayloads(emitter, helpers.hot('-a', events));
      helpers.expectObservable(outcomes).toBe('---r 6ms R 11ms f', { r: retrying(1, 5, 'a'), R: retrying(2, 10, 'a'), f: failed(3, 'a') });
      helpers.flush();
      expect(requests).to.have.length(3);
    });
  });

  for (const reply of [400, 401, 403, 410, 422, new AbortedError('gone')]) {
    it(`fails at once on ${typeof reply === 'number' ? reply : 'an aborted request'}: one attempt, no retry`, () => {
      testScheduler.run((helpers) => {
        const { emitter, requests, outcomes } = virtualEmitter(helpers, [reply]);
        connectPayloads(emitter, helpers.hot('-a', events));
        helpers.expectObservable(outcomes).toBe('---f', { f: failed(1, 'a') });
        helpers.flush();
        expect(requests).to.have.length(1);
      });
    });
  }

  it('retries network errors and timeouts, reporting the typed error', () => {
    const seen: DeliveryOutcome[] = [];
    testScheduler.run((helpers) => {
      const { emitter } = virtualEmitter(helpers, [new NetworkError('http://c.test'), new TimeoutError('http://c.test', 5), 200]);
      emitter.outcomes.subscribe((o) => seen.push(o));
      connectPayloads(emitter, helpers.hot('-a', events));
    });
    expect(seen.map((o) => (o.kind === 'retrying' ? [o.error.code, o.status] : [o.kind, o.attempt]))).to.deep.equal([
      ['network', undefined],
      ['timeout', undefined],
      ['sent', 3],
    ]);
  });

  it('splits a batch the collector answers 413 into halves, each sent once, one after the other', () => {
    testScheduler.run((helpers) => {
      const { emitter, requests, outcomes } = virtualEmitter(helpers, [413], { bufferSize: 4 });
      connectPayloads(emitter, helpers.hot('-(abcd)', events));
      // The second half goes when the first is answered: a split stays within the batch's concurrency slot.
      helpers.expectObservable(outcomes).toBe('-----x-y', { x: sent(2, 'a', 'b'), y: sent(2, 'c', 'd') });
      helpers.flush();
      expect(requests.map((r) => stmsOf(r.request.body).length)).to.deep.equal([4, 2, 2]);
    });
  });

  it('sends a partial batch flushIntervalMs after its first event', () => {
    testScheduler.run((helpers) => {
      const { emitter, requests, outcomes } = virtualEmitter(helpers, [], { bufferSize: 10, flushIntervalMs: 100 });
      connectPayloads(emitter, helpers.hot('-a 48ms b', events));
      helpers.expectObservable(outcomes).toBe('- 100ms --s', { s: sent(1, 'a', 'b') });
      helpers.flush();
      expect(requests.map((r) => r.at)).to.deep.equal([101]);
    });
  });

  it('keeps at most `concurrency` requests in flight', () => {
    testScheduler.run((helpers) => {
      const { emitter, requests } = virtualEmitter(helpers, [], { concurrency: 2 }, 10);
      connectPayloads(emitter, helpers.hot('-(abcde)', events));
      helpers.flush();
      expect(requests.map((r) => r.at)).to.deep.equal([1, 1, 11, 11, 21]);
    });
  });

  it('drops what does not fit in maxQueueSize as queue-full, at once, and delivers the rest', () => {
    testScheduler.run((helpers) => {
      const { emitter, outcomes } = virtualEmitter(helpers, [], { concurrency: 1, maxQueueSize: 2 }, 10);
      connectPayloads(emitter, helpers.hot('-(abcd)', events));
      helpers.expectObservable(outcomes).toBe('-(xy) 6ms a 9ms b', {
        x: dropped('queue-full', 'c'),
        y: dropped('queue-full', 'd'),
        a: sent(1, 'a'),
        b: sent(1, 'b'),
      });
    });
  });

  it('drops an event too large for maxPostBytes as oversize and never sends it', () => {
    testScheduler.run((helpers) => {
      const { emitter, requests, outcomes } = virtualEmitter(helpers, [], { maxPostBytes: 300 });
      connectPayloads(emitter, helpers.hot('-ab', { a: event('a', { se_la: 'x'.repeat(300) }), b: event('b') }));
      helpers.expectObservable(outcomes).toBe('-x--s', { x: dropped('oversize', 'a'), s: sent(1, 'b') });
      helpers.flush();
      expect(requests).to.have.length(1);
    });
  });

  it('never delays another emitter: each has its own pipeline', () => {
    testScheduler.run((helpers) => {
      const slow = virtualEmitter(helpers, [503, 503, 503], {}, 50);
      const fast = virtualEmitter(helpers, []);
      const source = helpers.hot('-ab', events);
      connectPayloads(slow.emitter, source);
      connectPayloads(fast.emitter, source);
      helpers.expectObservable(fast.outcomes).toBe('---xy', { x: sent(1, 'a'), y: sent(1, 'b') });
      helpers.flush();
      expect(fast.requests).to.have.length(2);
    });
  });
});

describe('Emitter flush and shutdown (hand-answered transport)', () => {
  function manualEmitter(options: EmitterOptions = {}) {
    const manual = manualTransport();
    const emitter = new Emitter('http://c.test', {
      bufferSize: 10,
      flushIntervalMs: 60_000,
      retry: { baseDelayMs: 0 },
      ...options,
      transport: manual.transport,
    });
    const outcomes: DeliveryOutcome[] = [];
    emitter.outcomes.subscribe((o) => outcomes.push(o));
    return { ...manual, emitter, outcomes };
  }
  /** Whether `promise` has resolved yet: read after an explicit signal (a transport call, an outcome), never after a wait. */
  function watch(promise: Promise<unknown>): { readonly settled: boolean } {
    const state = { settled: false };
    void promise.then(() => (state.settled = true));
    return state;
  }

  it('resolves flush only when a retried event has its final outcome', async () => {
    const { emitter, call, outcomes } = manualEmitter();
    connectPayloads(emitter, of(events.a));
    const flushed = emitter.flush();
    const flush = watch(flushed);
    (await call(0)).respond(503);
    // The retry is asked for after the `retrying` outcome was published: a flush resolved by it would be settled now.
    const retry = await call(1);
    expect(flush.settled).to.be.false;
    expect(outcomes.map((o) => o.kind)).to.deep.equal(['retrying']);
    retry.respond(200);
    await flushed;
    expect(outcomes.map((o) => o.kind)).to.deep.equal(['retrying', 'sent']);
  });

  it('resolves a flush with nothing queued, sending nothing', async () => {
    const { emitter, calls } = manualEmitter();
    await emitter.flush();
    expect(calls).to.have.length(0);
  });

  it('resolves overlapping flushes each when the events before it are final', async () => {
    const { emitter, call, outcomes } = manualEmitter();
    const source = new Subject<Payload>();
    connectPayloads(emitter, source);
    source.next(events.a);
    const first = emitter.flush();
    source.next(events.b);
    const second = emitter.flush();
    const [firstState, secondState] = [watch(first), watch(second)];
    const [forA, forB] = [await call(0), await call(1)];
    forB.respond(200);
    forA.respond(500);
    // a's retry is asked for after b was sent and a failed: a flush resolved by either would be settled now.
    const retry = await call(2);
    expect(outcomes.map((o) => o.kind)).to.deep.equal(['sent', 'retrying']);
    expect([firstState.settled, secondState.settled]).to.deep.equal([false, false]);
    retry.respond(204);
    await Promise.all([first, second]);
  });

  it('at the shutdown deadline aborts the request in flight and the pending retry: dropped abandoned, counted', async () => {
    const { emitter, call, calls, outcomes } = manualEmitter({ bufferSize: 1, retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    const source = new Subject<Payload>();
    connectPayloads(emitter, source);
    source.next(events.a);
    source.next(events.b);
    (await call(0)).respond(503); // a waits a minute to retry
    const inFlight = await call(1); // b is never answered
    const report = await emitter.shutdown({ timeoutMs: 20 });
    expect(report).to.deep.equal({ sent: 0, failed: 0, dropped: 0, abandoned: 2 });
    expect(inFlight.aborted).to.be.true;
    const last = outcomes.at(-1)!;
    expect(summary(last)).to.deep.equal(dropped('abandoned', 'a', 'b'));
    expect(last.kind === 'dropped' && last.error?.code).to.equal('aborted');
    source.next(events.c);
    expect(summary(outcomes.at(-1)!)).to.deep.equal(dropped('shutdown', 'c'));
    expect(await emitter.shutdown()).to.equal(report);
    expect(calls).to.have.length(2);
  });
});
