// The worker's logic on virtual time: a fake Redis (spec/support/fake-redis.ts) and a fake collector transport, every
// clock on one VirtualTimeScheduler. Long outages, lost groups, trimmed pending entries, dead consumers and a stop
// with Redis down, in milliseconds of wall time. The real redis-server runs the same scenarios in faults.spec.ts.
import { expect } from 'chai';
import { Observable, of } from 'rxjs';
import type { Transport } from '../../../src/emitter/transport.js';
import {
  createRedisWorker,
  type DeadLetter,
  type RedisWorker,
  type RedisWorkerOptions,
  type RedisWorkerStatus,
} from '../../../src/redis/index.js';
import { FakeRedis } from '../../support/fake-redis.js';
import { VirtualClock } from '../../support/virtual-clock.js';

const STREAM = 's';
const payload = (i: number): string =>
  JSON.stringify({ e: 'se', eid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, tv: 't', p: 'srv' });
const eidOf = (i: number): string => (JSON.parse(payload(i)) as { eid: string }).eid;

/** A collector behind a transport: up or down (connection refused), and what it accepted. */
class FakeCollector {
  up = true;
  requests = 0;
  readonly accepted = new Map<string, number>();
  refuse = new Set<string>();
  /** Requests holding one of these never answer (a worker "crashes" on them). */
  hang = new Set<string>();
  readonly transport: Transport = (request) =>
    new Observable((subscriber) => {
      this.requests++;
      if (!this.up) return subscriber.error(new TypeError('fetch failed: ECONNREFUSED'));
      const events = (JSON.parse(String(request.body)) as { data: { eid: string }[] }).data;
      if (events.some((e) => this.refuse.has(e.eid))) return of({ status: 400, retryAfter: null }).subscribe(subscriber);
      if (events.some((e) => this.hang.has(e.eid))) return undefined;
      for (const e of events) this.accepted.set(e.eid, (this.accepted.get(e.eid) ?? 0) + 1);
      return of({ status: 200, retryAfter: null }).subscribe(subscriber);
    });
}

function rig(extra: Partial<RedisWorkerOptions> = {}) {
  const clock = new VirtualClock();
  const redis = new FakeRedis(clock.scheduler);
  const collector = new FakeCollector();
  const started: RedisWorker[] = [];
  const start = (consumer = 'w', more: Partial<RedisWorkerOptions> = {}) => {
    const worker = createRedisWorker({
      redis: redis.client(),
      stream: STREAM,
      group: 'g',
      consumer,
      collector: 'http://collector.test',
      emitter: { transport: collector.transport },
      scheduler: clock.scheduler,
      ...extra,
      ...more,
    });
    const status: RedisWorkerStatus[] = [];
    const dead: DeadLetter[] = [];
    worker.status.subscribe((s) => status.push(s));
    worker.deadLetters.subscribe((d) => dead.push(d));
    started.push(worker);
    return { worker, status, dead };
  };
  const produce = (from: number, count: number): void => {
    for (let i = from; i < from + count; i++) redis.add(STREAM, payload(i));
  };
  /** One entry holding a producer's batch of events `from`…: their JSONs, one per line. */
  const produceBatch = (from: number, count: number): void => {
    redis.add(STREAM, Array.from({ length: count }, (_, i) => payload(from + i)).join('\n'));
    redis.strings.set(`${STREAM}:count`, String(Number(redis.strings.get(`${STREAM}:count`) ?? 0) + count));
  };
  /** Each produced event delivered exactly once or dead-lettered, nothing else. */
  const expectAccounted = (count: number, dead: readonly DeadLetter[] = []): void => {
    const deadEids = new Set(dead.flatMap((d) => (d.eid === undefined ? [] : [d.eid])));
    for (let i = 0; i < count; i++) {
      const eid = eidOf(i);
      const delivered = collector.accepted.get(eid) ?? 0;
      expect(delivered + (deadEids.has(eid) ? 1 : 0), `event ${i}: delivered ${delivered}×, dead ${deadEids.has(eid)}`).to.equal(1);
    }
    expect(collector.accepted.size + deadEids.size).to.equal(count);
  };
  return { clock, redis, collector, start, produce, produceBatch, expectAccounted, started };
}

describe('redis worker logic (fake Redis, virtual time)', () => {
  it('the collector down for 10 minutes: reading pauses at once, retries back off to at most 10 s, 0 dead letters, then it drains with one drained status', async () => {
    const { clock, redis, collector, start, produce, expectAccounted } = rig();
    const { worker, status, dead } = start();
    await clock.until('ready', () => status.some((s) => s.kind === 'reading'));
    produce(0, 100);
    await clock.until('100 delivered', () => collector.accepted.size === 100);
    collector.up = false;
    produce(100, 5_000);
    await clock.advance(60_000);
    const requestsAtOneMinute = collector.requests;
    await clock.advance(540_000);
    // Reading paused while failing: the worker holds one read's worth; the rest waits, unread, in the stream.
    expect(redis.streams.get(STREAM)!.groups.get('g')!.pel.size, 'pending at the worker').to.be.at.most(1_000);
    expect(redis.streams.get(STREAM)!.entries.size).to.be.at.least(5_000);
    // Unlimited retries with capped backoff: a handful per batch in flight, per 10 s.
    const perTenSeconds = (collector.requests - requestsAtOneMinute) / 54;
    expect(perTenSeconds, 'attempts per 10 s while down').to.be.within(1, 16);
    expect(dead).to.deep.equal([]);
    expect(status.filter((s) => s.kind === 'collector-down')).to.have.length(1);
    collector.up = true;
    const backAt = clock.now();
    await clock.until('all delivered', () => collector.accepted.size === 5_100);
    expect(clock.now() - backAt, 'drained within a backoff (10 s) and a few reads').to.be.below(15_000);
    await clock.until('drained status', () => status.some((s) => s.kind === 'drained'));
    const drained = status.find((s) => s.kind === 'drained')!;
    expect(drained.kind === 'drained' && drained.delivered).to.equal(5_000);
    expect(status.map((s) => s.kind)).to.deep.equal(['reading', 'collector-down', 'collector-up', 'drained']);
    expectAccounted(5_100, dead);
    const stopping = worker.stop();
    await clock.advance(1_000);
    expect(await stopping).to.deep.equal({ delivered: 5_100, deadLettered: 0, reclaimed: 0, released: 0 });
    expect(clock.pending, 'no timer left').to.equal(0);
  });

  it('a lost group (FLUSHALL, or Redis restarted empty): recreated from the start of what is in the stream, and everything in it delivered', async () => {
    const { clock, redis, collector, start, produce, expectAccounted } = rig({ blockMs: 100 });
    const { status, dead } = start();
    produce(0, 50);
    await clock.until('50 delivered', () => collector.accepted.size === 50);
    redis.lose();
    produce(50, 70);
    await clock.until('120 delivered', () => collector.accepted.size === 120, 10_000);
    expect(status.map((s) => s.kind)).to.include('group-recreated');
    expectAccounted(120, dead);
  });

  it('a restarted consumer whose first pending entries were deleted meanwhile: no stall, the rest delivered at once, the gone ones acknowledged away', async () => {
    const { clock, redis, collector, start, produce } = rig({ blockMs: 100 });
    collector.up = false;
    produce(0, 20);
    const first = start('w');
    await clock.until('20 pending at w', () => redis.streams.get(STREAM)!.groups.get('g')?.pel.size === 20);
    void first.worker.stop({ timeoutMs: 0 });
    await clock.advance(10);
    // Its first 10 entries disappear (XDEL by an operator).
    const ids = [...redis.streams.get(STREAM)!.entries.keys()].slice(0, 10);
    await redis.command(['XDEL', STREAM, ...ids]);
    collector.up = true;
    const second = start('w');
    const startedAt = clock.now();
    await clock.until('the other 10 delivered', () => collector.accepted.size === 10, 5_000, 10);
    expect(clock.now() - startedAt, 'long before claimIdleMs (60 s)').to.be.below(1_000);
    await clock.until('nothing pending', () => redis.streams.get(STREAM)!.groups.get('g')!.pel.size === 0, 5_000, 10);
    const seen: number[] = [];
    second.worker.metrics.subscribe((m) => seen.push(m.trimmed));
    await clock.advance(10);
    expect(seen[0], 'gone entries counted').to.equal(10);
  });

  it('graceful stops during an outage never count as deliveries: restarted 5 times while the collector is down, nothing is poison', async () => {
    const { clock, redis, collector, start, produce, expectAccounted } = rig({ blockMs: 100 });
    collector.up = false;
    produce(0, 30);
    for (let restart = 0; restart < 5; restart++) {
      const { worker } = start('w');
      await clock.until('entries held', () => redis.streams.get(STREAM)!.groups.get('g')?.pel.size === 30);
      await clock.advance(20_000);
      const stopping = worker.stop({ timeoutMs: 1_000 });
      await clock.advance(1_000);
      expect((await stopping).released).to.be.at.least(1);
      const counts = [...redis.streams.get(STREAM)!.groups.get('g')!.pel.values()].map((p) => p.deliveries);
      expect(Math.max(...counts), 'counters never grow with graceful stops').to.be.at.most(1);
    }
    collector.up = true;
    const { dead } = start('w');
    await clock.until('30 delivered', () => collector.accepted.size === 30, 60_000);
    expect(dead).to.deep.equal([]);
    expectAccounted(30, dead);
  });

  it('a dead consumer: its entries taken over after claimIdleMs, and the consumer removed after consumerIdleMs once it has nothing pending', async () => {
    const { clock, redis, collector, start, produce, expectAccounted } = rig({
      blockMs: 100,
      claimIdleMs: 30_000,
      consumerIdleMs: 120_000,
    });
    collector.up = false;
    produce(0, 30);
    const dying = start('dying');
    await clock.until('30 pending at dying', () => redis.streams.get(STREAM)!.groups.get('g')?.pel.size === 30);
    // It dies: no stop, no heartbeat any more (its timers are gone with it).
    redis.down = true;
    void dying.worker.stop({ timeoutMs: 0 });
    await clock.advance(10);
    redis.down = false;
    collector.up = true;
    const { worker, dead } = start('alive');
    await clock.until('30 delivered by the other', () => collector.accepted.size === 30, 120_000);
    const consumers = () => [...redis.streams.get(STREAM)!.groups.get('g')!.consumers.keys()];
    expect(consumers()).to.include('dying');
    await clock.until('dying removed', () => !consumers().includes('dying'), 300_000, 1_000);
    expect(consumers()).to.deep.equal(['alive']);
    expectAccounted(30, dead);
    const stopping = worker.stop();
    await clock.advance(100);
    expect((await stopping).reclaimed).to.equal(30);
  });

  it('entries holding batches: each event delivered once, the stream and its event count empty after', async () => {
    const { clock, redis, collector, start, produceBatch, expectAccounted } = rig({ blockMs: 100 });
    for (let b = 0; b < 30; b++) produceBatch(b * 100, 100);
    expect(redis.strings.get(`${STREAM}:count`)).to.equal('3000');
    const { worker, dead } = start();
    await clock.until('3 000 delivered', () => collector.accepted.size === 3_000);
    await clock.until('stream empty', () => redis.streams.get(STREAM)!.entries.size === 0);
    expect(redis.strings.has(`${STREAM}:count`), 'the count goes with the last entry').to.equal(false);
    expectAccounted(3_000, dead);
    const stopping = worker.stop();
    await clock.advance(100);
    expect(await stopping).to.deep.equal({ delivered: 3_000, deadLettered: 0, reclaimed: 0, released: 0 });
  });

  it('maxInFlight counts events: reads size themselves by the entries they find, singles first then batches', async () => {
    const { clock, redis, collector, start, produce, produceBatch } = rig({ blockMs: 100 });
    produce(0, 5);
    redis.strings.set(`${STREAM}:count`, '5');
    for (let b = 0; b < 50; b++) produceBatch(5 + b * 100, 100);
    // Every request hangs (no outcome yet, so not failing): the worker reads until maxInFlight (1 000) is reached.
    for (let i = 0; i < 5_005; i++) collector.hang.add(eidOf(i));
    const { worker } = start();
    await clock.advance(1_000);
    const stream = redis.streams.get(STREAM)!;
    const heldEvents = [...stream.groups.get('g')!.pel.keys()].reduce(
      (sum, id) => sum + stream.entries.get(id)!.fields[1]!.split('\n').length,
      0,
    );
    expect(heldEvents, 'at most maxInFlight events, give or take the last entry read').to.be.within(900, 1_100);
    const stopping = worker.stop({ timeoutMs: 0 });
    await clock.advance(10);
    expect((await stopping).released).to.equal(heldEvents);
  });

  it('maxInFlight holds for a worker started on an empty stream: its first read takes one entry, then reads size themselves', async () => {
    const { clock, redis, collector, start, produceBatch } = rig({ blockMs: 100 });
    // Every request hangs (no outcome yet, so not failing): the worker reads until maxInFlight is reached.
    for (let i = 0; i < 5_000; i++) collector.hang.add(eidOf(i));
    // The backlog (50 batches of 100) arrives after the worker sized its reads on an empty stream, before its first read.
    const command = redis.command.bind(redis);
    const counts: number[] = [];
    redis.command = (args, connection) => {
      if (args[0] === 'XREADGROUP' && args.at(-1) === '>') {
        if (counts.length === 0) for (let b = 0; b < 50; b++) produceBatch(b * 100, 100);
        counts.push(Number(args[args.indexOf('COUNT') + 1]));
      }
      return command(args, connection);
    };
    const { worker } = start();
    await clock.advance(1_000);
    const stream = redis.streams.get(STREAM)!;
    const heldEvents = [...stream.groups.get('g')!.pel.keys()].reduce(
      (sum, id) => sum + stream.entries.get(id)!.fields[1]!.split('\n').length,
      0,
    );
    expect(counts[0], 'the first read: one entry, its size unknown').to.equal(1);
    expect(counts[1], 'then about readCount (500) events: 5 entries of 100').to.equal(5);
    expect(heldEvents, 'at most maxInFlight (1 000) events').to.equal(1_000);
    const stopping = worker.stop({ timeoutMs: 0 });
    await clock.advance(10);
    expect((await stopping).released).to.equal(1_000);
  });

  it('a batch a worker crashes on: split into one entry per event, the reads before the split still count, only the crashing event is poison', async () => {
    const { clock, redis, collector, start, produceBatch, expectAccounted } = rig({ blockMs: 100 });
    produceBatch(0, 3);
    collector.hang.add(eidOf(1));
    let crashes = 0;
    for (; crashes < 6; crashes++) {
      const requests = collector.requests;
      const { worker, dead } = start('w');
      await clock.until('a request, or a dead letter', () => collector.requests > requests || dead.length > 0);
      if (dead.length > 0) {
        expect(dead).to.have.length(1);
        expect(dead[0]).to.include({ eid: eidOf(1), kind: 'poison' });
        expect(dead[0]!.reason).to.match(/^read 4 times without an outcome \(maxDeliveries 3\)/);
        await clock.until('the other two delivered', () => collector.accepted.size === 2);
        expectAccounted(3, dead);
        break;
      }
      await clock.advance(10);
      // The process dies: nothing is written back, no stop resets the counters.
      redis.down = true;
      void worker.stop({ timeoutMs: 0 });
      await clock.advance(10);
      redis.down = false;
    }
    expect(crashes, 'as often as with one entry per event: maxDeliveries').to.equal(3);
    const entries = [...redis.streams.get(STREAM)!.entries.values()];
    expect(entries, 'nothing left but the dead letter').to.deep.equal([]);
  });

  it('entries older than maxAgeMs when read and entries that are no payload are dead-lettered with their reasons; the rest is delivered', async () => {
    const { clock, redis, collector, start, expectAccounted } = rig({ maxAgeMs: 3_600_000 });
    redis.add(STREAM, payload(0), clock.now() - 7_200_000);
    redis.add(STREAM, 'not json');
    redis.add(STREAM, payload(1));
    const { dead } = start();
    await clock.until('one delivered, two dead', () => collector.accepted.size === 1 && dead.length === 2);
    expect(dead.map((d) => d.kind)).to.deep.equal(['expired', 'malformed']);
    expect(dead[0]!.reason).to.match(/^7200000 ms old \(maxAgeMs 3600000\)$/);
    const letters = redis.streams.get(`${STREAM}:dead`)!.entries.size;
    expect(letters).to.equal(2);
    expectAccounted(2, dead);
  });

  it('stop with Redis down, deliveries retrying and acknowledgements failing: resolves at its deadline, releases the entries, leaves no timer', async () => {
    const { clock, redis, collector, start, produce } = rig();
    produce(0, 40);
    collector.up = false;
    const { worker } = start();
    await clock.until('40 held', () => redis.streams.get(STREAM)!.groups.get('g')?.pel.size === 40);
    redis.down = true;
    collector.up = true;
    let report: unknown;
    void worker.stop({ timeoutMs: 3_000 }).then((r) => (report = r));
    await clock.advance(2_999);
    expect(report, 'still draining before the deadline').to.equal(undefined);
    await clock.advance(1);
    expect(report).to.deep.equal({ delivered: 0, deadLettered: 0, reclaimed: 0, released: 40 });
    expect(clock.pending, 'no timer or retry left').to.equal(0);
    expect(collector.accepted.size, 'delivered, not acknowledged: read again later (a duplicate at worst, never a loss)').to.equal(40);
  });

  it('stop before Redis was ever reachable: resolves at its deadline with nothing left behind', async () => {
    const { clock, redis, start } = rig();
    redis.down = true;
    const { worker } = start();
    await clock.advance(5_000);
    let report: unknown;
    void worker.stop({ timeoutMs: 1_000 }).then((r) => (report = r));
    await clock.advance(1_000);
    expect(report).to.deep.equal({ delivered: 0, deadLettered: 0, reclaimed: 0, released: 0 });
    expect(clock.pending).to.equal(0);
  });

  it('metrics read on the scheduler: `at` is virtual time', async () => {
    const { clock, start } = rig({ metricsIntervalMs: 1_000 });
    const { worker } = start();
    const at: number[] = [];
    const sub = worker.metrics.subscribe((m) => at.push(m.at));
    const t0 = clock.now();
    await clock.advance(2_500);
    sub.unsubscribe();
    expect(at).to.deep.equal([t0, t0 + 1_000, t0 + 2_000]);
  });

  it('refuses the old API (an Emitter instance as `emitter`) and retry limits, naming the field', () => {
    const { redis } = rig();
    const base = { redis: redis.client(), stream: 's', group: 'g', consumer: 'c', collector: 'http://c.test' };
    expect(() => createRedisWorker({ ...base, emitter: { connect: () => undefined } as never })).to.throw(/emitter.*Emitter options/);
    expect(() => createRedisWorker({ ...base, emitter: { retry: { limit: 5 } as never } })).to.throw(/emitter\.retry\.limit/);
    expect(() => createRedisWorker({ ...base, collector: undefined as never })).to.throw(/collector/);
    expect(() => createRedisWorker({ ...base, maxDeliveries: 0 })).to.throw(/maxDeliveries/);
  });
});
