// The durable queue under real faults (issue 18), with real parts: a redis-server of our own, `rxplow worker` as it
// ships (defaults unless a flag is the point), producers with RedisQueueEmitter, a loopback collector. Every spec
// checks the conservation law at the producer (one final outcome per tracked event, the report agrees) and at the
// worker (every event reported `sent` is accepted by the collector or dead-lettered with its reason; nothing else).
import { expect } from 'chai';
import { Tracker, type DeliveryOutcome } from '../../../src/index.js';
import { createRedisWorker, RedisQueueEmitter, type RedisWorkerStatus } from '../../../src/redis/index.js';
import { LoopbackCollector } from '../../support/collector.js';
import { expectConservation, OutcomeLog } from '../../support/conservation.js';
import { CliWorker, client, fieldsOf, RedisServer, sleep, streamEids, waitFor } from './support.js';

type Redis = Awaited<ReturnType<typeof client>>;

/** A producer: a tracker on a RedisQueueEmitter, its outcome log, and when each event was reported `sent`. */
function producer(redis: Redis, stream: string, maxLen = 100_000) {
  const emitter = new RedisQueueEmitter({ redis, stream, maxLen, retry: { limit: 50, baseDelayMs: 50, maxDelayMs: 500 } });
  const tracker = new Tracker(emitter, { appId: 'faults' });
  const log = new OutcomeLog(emitter.outcomes, tracker);
  const sentAt = new Map<string, number>();
  emitter.outcomes.subscribe((o: DeliveryOutcome) => {
    if (o.kind === 'sent') for (const e of o.events) sentAt.set(e['eid']!, Date.now());
  });
  const track = (count: number, action = 'a'): void => {
    for (let i = 0; i < count; i++) tracker.trackStructEvent({ category: 'faults', action, value: i });
  };
  return { emitter, tracker, log, sentAt, track };
}

async function deadLetters(redis: Redis, stream: string): Promise<Record<string, string>[]> {
  const entries = (await redis.sendCommand(['XRANGE', stream, '-', '+'])) as [string, string[]][];
  return entries.map(([, flat]) => fieldsOf(flat));
}

/** The worker side of the law: each `sent` eid is accepted or dead-lettered (not both), and nothing else arrives. */
function expectAllAccounted(sent: Iterable<string>, accepted: Map<string, number>, dead: readonly Record<string, string>[]): void {
  const deadEids = new Set(dead.map((d) => d['eid']));
  const sentSet = new Set(sent);
  const missing = [...sentSet].filter((eid) => !accepted.has(eid) && !deadEids.has(eid));
  expect(missing, 'reported sent, neither delivered nor dead-lettered').to.deep.equal([]);
  expect(
    [...deadEids].filter((eid) => eid !== undefined && accepted.has(eid)),
    'delivered and dead-lettered',
  ).to.deep.equal([]);
  expect(
    [...accepted.keys()].filter((eid) => !sentSet.has(eid)),
    'delivered, never reported sent',
  ).to.deep.equal([]);
}

describe('rxplow/redis under faults (real redis-server, rxplow worker as it ships)', function () {
  this.timeout(150_000);
  let server: RedisServer;
  let redis: Redis;
  let collector: LoopbackCollector;
  const children: CliWorker[] = [];

  beforeEach(async () => {
    server = await RedisServer.start();
    redis = await client(server.url);
    collector = await LoopbackCollector.start();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill();
    redis.destroy();
    await collector.close().catch(() => undefined);
    await server.stop();
  });

  const cli = (...args: string[]): CliWorker => {
    const child = new CliWorker(['--redis', server.url, '--collector', collector.url, ...args]);
    children.push(child);
    return child;
  };

  it('the collector down for 60 s with the CLI defaults: 0 dead letters, 0 lost, reading pauses, one log line per state or interval, then it drains', async () => {
    const p = producer(redis, 'rxplow:events');
    const worker = cli();
    p.track(200);
    await waitFor(`first 200 delivered (stderr: ${worker.err})`, () => collector.acceptedPerEid().size === 200, 30_000);
    await collector.close();
    for (let second = 0; second < 60; second++) {
      p.track(40);
      await sleep(1_000);
    }
    await p.tracker.flush();
    expect(await redis.sendCommand(['XLEN', 'rxplow:events:dead']), 'no dead letter during the outage').to.equal(0);
    const backlog = await streamEids(redis, 'rxplow:events');
    expect(backlog.length, 'the backlog waits in the stream').to.be.at.least(2_400);
    expect(Number(await redis.sendCommand(['GET', 'rxplow:events:count'])), 'and is counted').to.equal(backlog.length);
    expect(worker.out).to.match(/collector down since \S+Z: /);
    expect(worker.out).to.match(/collector down since \S+Z, [\d ]+ pending/);
    await collector.listen();
    await waitFor('all 2 600 delivered', () => collector.acceptedPerEid().size === 2_600, 60_000);
    await waitFor('the log says it drained', () => /resumed, drained [\d ]+ in [\d.]+ s/.test(worker.out), 30_000);
    expect(worker.out).to.match(/collector back after [\d.]+ s/);
    expect(worker.lines().length, `a line per state change or interval, never per event:\n${worker.out}`).to.be.below(20);
    expect(await deadLetters(redis, 'rxplow:events:dead')).to.deep.equal([]);
    expectAllAccounted(p.sentAt.keys(), collector.acceptedPerEid(), []);
    const report = await p.tracker.shutdown();
    expectConservation(p.log, report);
    expect(report).to.deep.equal({ sent: 2_600, failed: 0, dropped: 0, abandoned: 0 });
    worker.kill('SIGTERM');
    expect(await worker.exited).to.equal(0);
  });

  it('Redis restarted without persistence while producers and workers run: the group is recreated, every event reported sent after the restart arrives', async () => {
    const p = producer(redis, 'restart:events');
    const workerRedis = await client(server.url);
    const worker = createRedisWorker({
      redis: workerRedis,
      stream: 'restart:events',
      group: 'g',
      consumer: 'w',
      collector: collector.url,
      emitter: { flushIntervalMs: 20 },
      blockMs: 100,
    });
    const status: RedisWorkerStatus[] = [];
    worker.status.subscribe((s) => status.push(s));
    await worker.ready;
    let running = true;
    const producing = (async () => {
      while (running) {
        p.track(20);
        await sleep(50);
      }
    })();
    await sleep(1_000);
    await server.kill();
    await sleep(300);
    await server.launch();
    const restartedAt = Date.now();
    await sleep(2_000);
    running = false;
    await producing;
    await p.tracker.flush();
    const after = [...p.sentAt].filter(([, at]) => at >= restartedAt).map(([eid]) => eid);
    expect(after.length, 'events reported sent after the restart').to.be.greaterThan(200);
    await waitFor('every event sent after the restart delivered', () => after.every((eid) => collector.acceptedPerEid().has(eid)), 30_000);
    expect(status.map((s) => s.kind)).to.include('group-recreated');
    const report = await p.tracker.shutdown();
    expectConservation(p.log, report);
    expect(report.failed + report.dropped).to.equal(0);
    const stopped = await worker.stop({ timeoutMs: 5_000 });
    expect(stopped.deadLettered).to.equal(0);
    workerRedis.destroy();
  });

  it('a full stream refuses new events at the producer (dropped, queue-full), trims nothing; the dead-letter stream counts and reports its trimming', async () => {
    // The bound counts events, exactly, though an entry holds a batch: 100 in the first, 30 of the next 50.
    const p = producer(redis, 'full:events', 130);
    p.track(150);
    await p.tracker.flush();
    const tally = p.log.tally();
    expect(tally).to.deep.equal({ sent: 130, 'dropped:queue-full': 20 });
    const entries = (await redis.sendCommand(['XRANGE', 'full:events', '-', '+'])) as [string, string[]][];
    expect(
      entries.map(([, flat]) => fieldsOf(flat)['p']!.split('\n').length),
      'one entry per batch',
    ).to.deep.equal([100, 30]);
    expect(await redis.sendCommand(['GET', 'full:events:count']), 'the events counted beside the stream').to.equal('130');
    const inStream = entries.flatMap(([, flat]) =>
      fieldsOf(flat)
        ['p']!.split('\n')
        .map((json) => (JSON.parse(json) as Record<string, string>)['eid']),
    );
    expect(inStream, 'every event reported sent is in the stream, in order: nothing trimmed').to.deep.equal([...p.sentAt.keys()]);
    // Five of them the collector refuses for good, into a dead-letter stream bounded at 2.
    const refused = new Set([...p.sentAt.keys()].slice(10, 15));
    collector.script = (request) => (request.events.some((e) => refused.has(e['eid']!)) ? { status: 400 } : undefined);
    const worker = createRedisWorker({
      redis,
      stream: 'full:events',
      group: 'g',
      consumer: 'w',
      collector: collector.url,
      deadLetterMaxLen: 2,
      blockMs: 100,
    });
    const status: RedisWorkerStatus[] = [];
    worker.status.subscribe((s) => status.push(s));
    await waitFor('125 delivered', () => collector.acceptedPerEid().size === 125);
    await waitFor('stream empty', async () => Number(await redis.sendCommand(['XLEN', 'full:events'])) === 0);
    expect(await redis.sendCommand(['GET', 'full:events:count']), 'no count left behind an empty stream').to.equal(null);
    const report = await worker.stop();
    expect(report).to.include({ delivered: 125, deadLettered: 5 });
    const dead = await deadLetters(redis, 'full:events:dead');
    expect(dead).to.have.length(2);
    expect(dead.every((d) => d['kind'] === 'refused' && d['status'] === '400' && /400/.test(d['reason']!))).to.equal(true);
    const trimmed = status
      .filter((s) => s.kind === 'dead-letters-trimmed')
      .reduce((n, s) => n + (s.kind === 'dead-letters-trimmed' ? s.count : 0), 0);
    expect(trimmed, 'the 3 trimmed dead letters are counted and reported').to.equal(3);
    expectAllAccounted(
      p.sentAt.keys(),
      collector.acceptedPerEid(),
      [...refused].map((eid) => ({ eid })),
    );
    expectConservation(p.log, await p.tracker.shutdown());
    // The producer's stream has room again.
    p.track(1);
    await p.tracker.flush().catch(() => undefined);
  });

  it('rxplow worker --redis redis://127.0.0.1:1 (a closed port): exits 1 with "cannot connect to Redis at …" within the connect timeout', async () => {
    const child = new CliWorker(['--redis', 'redis://127.0.0.1:1', '--collector', collector.url]);
    children.push(child);
    const code = await child.exited;
    const elapsed = Date.now() - child.startedAt;
    expect(code).to.equal(1);
    expect(child.err).to.match(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:1: /);
    // The default connect timeout (5 s), plus the process's start (tsx compiles the CLI on the fly).
    expect(elapsed).to.be.below(5_000 + 4_000);
    expect(child.out).to.equal('');
  });

  it('stop with Redis down and deliveries in flight: the worker process exits 0 within its stop deadline', async () => {
    collector.script = () => ({ hang: true });
    const p = producer(redis, 'rxplow:events');
    p.track(300);
    await p.tracker.flush();
    const worker = cli('--stop-timeout-ms', '2000');
    await waitFor('requests in flight', () => collector.requests.length > 0, 20_000);
    await server.kill();
    await sleep(200);
    const stopAt = Date.now();
    worker.kill('SIGTERM');
    expect(await worker.exited, worker.err).to.equal(0);
    expect(Date.now() - stopAt, 'within the stop deadline (2 s) and well before the forced exit').to.be.below(4_000);
    expect(worker.out).to.match(/stopped on SIGTERM: \{"delivered":0,"deadLettered":0,"reclaimed":0,"released":300\}/);
    expectConservation(p.log, await p.tracker.shutdown());
  });

  it('a worker crashing on an entry 3 times: that entry is dead-lettered (poison) with its reason, the rest flows', async () => {
    const p = producer(redis, 'rxplow:events');
    p.track(150);
    p.track(1, 'crash');
    p.track(149);
    await p.tracker.flush();
    const crash = [...p.sentAt.keys()][150]!;
    let crashes = 0;
    let current: CliWorker | undefined;
    // Whoever sends the crashing event dies at once (as a worker whose process the event brings down).
    collector.script = (request) => {
      if (!request.events.some((e) => e['eid'] === crash)) return undefined;
      crashes++;
      current?.kill('SIGKILL');
      return { hang: true };
    };
    let done = false;
    // A supervisor: restarts the worker under the same name whenever it dies.
    const supervise = (async () => {
      while (!done && crashes < 10) {
        current = cli('--consumer', 'crashy', '--block-ms', '100');
        await current.exited;
      }
    })();
    await waitFor(
      '299 delivered and one dead letter',
      async () => {
        return collector.acceptedPerEid().size === 299 && Number(await redis.sendCommand(['XLEN', 'rxplow:events:dead'])) === 1;
      },
      60_000,
    );
    expect(crashes).to.equal(3);
    const [letter] = await deadLetters(redis, 'rxplow:events:dead');
    expect(letter).to.include({ eid: crash, kind: 'poison', consumer: 'crashy' });
    expect(letter!['reason']).to.match(/read 4 times without an outcome \(maxDeliveries 3\)/);
    expectAllAccounted(p.sentAt.keys(), collector.acceptedPerEid(), [letter!]);
    expectConservation(p.log, await p.tracker.shutdown());
    done = true;
    current!.kill('SIGTERM');
    await supervise;
  });
});
