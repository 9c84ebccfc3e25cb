// Issue 9, item 3: the tracker never reads or buffers a collector's response body (it needs the status and
// Retry-After, and cancels the body), and `timeoutMs` bounds each attempt from start to final status on a timer the
// emitter owns, whether or not the fetch honours its AbortSignal.
import { expect } from 'chai';
import { Emitter, Tracker, type EmitterOptions } from '../../../src/index.js';
import { expectConservation, OutcomeLog, within } from '../../support/hardening.js';
import { childSummary, incidentLines, runChild, SlowServer, watchHost } from './support.js';

const TRICKLE_MS = 4_000;

describe('timeoutMs is the emitter’s own, and response bodies are never read', function () {
  this.timeout(12_000);

  for (const method of ['get', 'post'] as const) {
    it(`${method.toUpperCase()}: a 200 whose body trickles for ${TRICKLE_MS / 1000} s is sent as soon as the status is known; the body is cancelled`, async () => {
      const server = await SlowServer.start(() => ({ status: 200, trickleMs: TRICKLE_MS, chunkEveryMs: 50 }));
      const emitter = new Emitter(server.url, { method, bufferSize: 1, timeoutMs: 1_000, retry: { limit: 1, baseDelayMs: 5 } });
      const tracker = new Tracker(emitter);
      const log = new OutcomeLog(emitter.outcomes, tracker);
      try {
        const { value: flushed, incidents } = await watchHost(async () => {
          tracker.trackStructEvent({ category: 'trickle', action: method });
          return within(tracker.flush(), 3_000);
        });
        expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
        expect(flushed.done, log.describe()).to.be.true;
        expectConservation(log);
        expect(
          log.outcomes.map((o) => o.kind),
          log.describe(),
        ).to.deep.equal(['sent']);
        expect(log.at[0], `ms to the sent outcome (${log.describe()})`).to.be.below(700);
        const [request] = server.requests;
        expect(server.requests, 'one request').to.have.length(1);
        // The body was cancelled: the connection closed long before the server would have finished it.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(request!.closedAt, 'the connection was closed by the client').to.be.a('number');
        expect(request!.closedAt! - request!.headersAt!, 'ms from the headers to the connection closing').to.be.below(1_000);
        expect(request!.bodyEnded).to.be.false;
      } finally {
        await tracker.shutdown({ timeoutMs: 100 });
        await server.close();
      }
    });

    it(`${method.toUpperCase()}: headers held back for 3 s with timeoutMs 500 give a TimeoutError at ~0.5 s`, async () => {
      const server = await SlowServer.start(() => ({ status: 200, headersAfterMs: 3_000 }));
      const emitter = new Emitter(server.url, { method, bufferSize: 1, timeoutMs: 500, retry: { limit: 1, baseDelayMs: 5 } });
      const tracker = new Tracker(emitter);
      const log = new OutcomeLog(emitter.outcomes, tracker);
      try {
        const { value: flushed, incidents } = await watchHost(async () => {
          tracker.trackStructEvent({ category: 'late', action: method });
          return within(tracker.flush(), 3_000);
        });
        expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
        expect(flushed.done, log.describe()).to.be.true;
        expectConservation(log);
        expect(
          log.outcomes.map((o) => [o.kind, 'error' in o ? o.error?.code : undefined]),
          log.describe(),
        ).to.deep.equal([
          ['retrying', 'timeout'],
          ['failed', 'timeout'],
        ]);
        expect(log.at[0], `ms to the first timeout (${log.describe()})`).to.be.within(450, 900);
      } finally {
        await tracker.shutdown({ timeoutMs: 100 });
        await server.close();
      }
    });

    it(`${method.toUpperCase()}: a custom fetch that ignores its signal and never settles: every attempt times out, flush() resolves, nothing ends queue-full`, async () => {
      let calls = 0;
      const fetch = (() => {
        calls++;
        return new Promise<Response>(() => undefined);
      }) as typeof globalThis.fetch;
      const options: EmitterOptions = {
        method,
        fetch,
        bufferSize: 1,
        concurrency: 2,
        maxQueueSize: 4,
        timeoutMs: 150,
        retry: { limit: 1, baseDelayMs: 5 },
        flushIntervalMs: 5,
      };
      const emitter = new Emitter('http://127.0.0.1:9', options);
      const tracker = new Tracker(emitter);
      const log = new OutcomeLog(emitter.outcomes, tracker);
      try {
        const { value, incidents } = await watchHost(async () => {
          for (let i = 0; i < 4; i++) tracker.trackStructEvent({ category: 'hung', action: 'first', value: i });
          const first = await within(tracker.flush(), 2_000);
          // Slots are free again: 4 more fit in maxQueueSize 4.
          for (let i = 0; i < 4; i++) tracker.trackStructEvent({ category: 'hung', action: 'second', value: i });
          const second = await within(tracker.flush(), 2_000);
          const shutdown = await within(tracker.shutdown({ timeoutMs: 300 }), 1_000);
          return { first, second, shutdown };
        });
        expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
        expect(value.first.done, `first flush() resolved; ${log.describe()}`).to.be.true;
        expect(value.second.done, `second flush() resolved; ${log.describe()}`).to.be.true;
        expect(value.shutdown.done, 'shutdown() resolved').to.be.true;
        expect(log.tally(), log.describe()).to.deep.equal({ failed: 8 });
        for (const outcome of log.outcomes) expect('error' in outcome && outcome.error?.code, log.describe()).to.equal('timeout');
        expect(calls, 'two attempts per event').to.equal(16);
        expectConservation(log, value.shutdown.done ? value.shutdown.value : undefined);
      } finally {
        await tracker.shutdown({ timeoutMs: 50 });
      }
    });

    it(`${method.toUpperCase()}: a fetch that ignores its signal and answers 200 after the timeout: the attempt is a timeout, and the late answer changes nothing`, async () => {
      const fetch = (() =>
        new Promise<Response>((resolve) => setTimeout(() => resolve(new Response(null, { status: 200 })), 400))) as typeof globalThis.fetch;
      const emitter = new Emitter('http://127.0.0.1:9', { method, fetch, bufferSize: 1, timeoutMs: 100, retry: 0 });
      const tracker = new Tracker(emitter);
      const log = new OutcomeLog(emitter.outcomes, tracker);
      try {
        const { value: flushed, incidents } = await watchHost(async () => {
          tracker.trackStructEvent({ category: 'late', action: 'answer' });
          const result = await within(tracker.flush(), 1_000);
          await new Promise((resolve) => setTimeout(resolve, 500)); // the late answer arrives meanwhile
          return result;
        });
        expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
        expect(flushed.done, log.describe()).to.be.true;
        expect(
          log.outcomes.map((o) => [o.kind, 'error' in o ? o.error?.code : undefined]),
          log.describe(),
        ).to.deep.equal([['failed', 'timeout']]);
        expect(flushed.done && flushed.ms, 'ms to flush()').to.be.below(350);
        expectConservation(log);
      } finally {
        await tracker.shutdown({ timeoutMs: 50 });
      }
    });
  }

  it('a child process: with a body trickling, sent at once; shutdown() resolves and the process exits by itself long before the body would end', async () => {
    const server = await SlowServer.start(() => ({ status: 200, trickleMs: TRICKLE_MS, chunkEveryMs: 50 }));
    try {
      const result = await runChild('trickle-exit', [server.url], { killAfterMs: 10_000 });
      expect(result.killed, childSummary(result)).to.be.false;
      expect(result.code, childSummary(result)).to.equal(0);
      expect(result.stderr, childSummary(result)).to.equal('');
      const report = result.report as { flushed: boolean; flushedAtMs: number; report: Record<string, number>; outcomes: string[] };
      expect(report.flushed, childSummary(result)).to.be.true;
      expect(report.report, childSummary(result)).to.deep.equal({ sent: 2, failed: 0, dropped: 0, abandoned: 0 });
      expect(report.flushedAtMs, 'ms to flush() in the child').to.be.below(900);
      expect(result.exitAfterReportMs, 'ms from the report to exit').to.be.below(1_000);
      expect(
        server.requests.map((r) => r.bodyEnded),
        'the child exited before any trickling body ended',
      ).to.deep.equal([false, false]);
    } finally {
      await server.close();
    }
  });

  it('a child process: a fetch that drops its signal and never settles does not jam the emitter; the process exits by itself', async () => {
    const result = await runChild('hung-fetch', [], { killAfterMs: 10_000 });
    expect(result.killed, childSummary(result)).to.be.false;
    expect(result.code, childSummary(result)).to.equal(0);
    expect(result.stderr, childSummary(result)).to.equal('');
    const report = result.report as { flushed: boolean; report: Record<string, number>; finals: string[] };
    expect(report.flushed, childSummary(result)).to.be.true;
    expect(report.finals, 'final outcomes at both emitters').to.deep.equal(Array<string>(8).fill('failed:timeout'));
    expect(report.report).to.deep.equal({ sent: 0, failed: 8, dropped: 0, abandoned: 0 });
    expect(result.exitAfterReportMs, 'ms from the report to exit').to.be.below(1_000);
  });

  it('a child under --expose-gc, forcing gc() every 5 ms: the timeout still fires while headers are pending, and a trickling body does not delay `sent`', async function () {
    this.timeout(15_000);
    const server = await SlowServer.start((_index, request) =>
      request.url?.startsWith('/headers-late')
        ? { status: 200, headersAfterMs: 3_000 }
        : { status: 200, trickleMs: TRICKLE_MS, chunkEveryMs: 20 },
    );
    try {
      const result = await runChild('gc-timeout', [server.url], { nodeArgs: ['--expose-gc'], killAfterMs: 14_000 });
      expect(result.killed, childSummary(result)).to.be.false;
      expect(result.code, childSummary(result)).to.equal(0);
      expect(result.stderr, childSummary(result)).to.equal('');
      const report = result.report as Record<'pending' | 'trickle', { outcomes: string[]; flushed: boolean; firstAtMs: number }>;
      expect(report.pending.outcomes, 'headers held back 3 s, timeoutMs 500').to.deep.equal(['failed:timeout']);
      expect(report.pending.firstAtMs, 'ms to the timeout').to.be.within(450, 1_000);
      expect(report.trickle.outcomes, 'a 200 with a trickling body').to.deep.equal(['sent']);
      expect(report.trickle.firstAtMs, 'ms to sent').to.be.below(900);
    } finally {
      await server.close();
    }
  });
});
