// rxplow/redis in one process, with real parts: a redis-server of our own, node-redis, RedisQueueEmitter, workers
// delivering through a real HTTP Emitter to a loopback collector.
import { expect } from 'chai';
import { createTracker, structEvent, type DeliveryOutcome } from '../../../src/index.js';
import {
  createRedisWorker,
  RedisQueueEmitter,
  readStreamMetrics,
  type DeadLetter,
  type RedisWorker,
  type RedisWorkerMetrics,
} from '../../../src/redis/index.js';
import { LoopbackCollector } from '../../support/collector.js';
import { client, RedisServer, streamEids, waitFor } from './support.js';

describe('rxplow/redis in one process (real redis-server, loopback collector)', function () {
  this.timeout(60_000);
  let server: RedisServer;
  let redis: Awaited<ReturnType<typeof client>>;
  let collector: LoopbackCollector;
  const workers: RedisWorker[] = [];
  let n = 0;
  const names = () => ({ stream: `flow:${++n}`, group: 'delivery' });

  before(async () => {
    server = await RedisServer.start();
    redis = await client(server.url);
  });
  after(async () => {
    redis?.destroy();
    await server?.stop();
  });
  beforeEach(async () => {
    collector = await LoopbackCollector.start();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop({ timeoutMs: 2_000 })));
    await collector.close();
  });

  const fastEmitter = (name: string) => ({
    name,
    bufferSize: 50,
    flushIntervalMs: 10,
    timeoutMs: 5_000,
    retry: { baseDelayMs: 20, maxDelayMs: 250 },
  });

  function startWorker(stream: string, group: string, consumer: string, extra: { claimIdleMs?: number } = {}): RedisWorker {
    const w = createRedisWorker({
      redis,
      stream,
      group,
      consumer,
      collector: collector.url,
      emitter: fastEmitter(consumer),
      blockMs: 100,
      claimIntervalMs: 200,
      claimIdleMs: extra.claimIdleMs ?? 5_000,
    });
    workers.push(w);
    return w;
  }

  function producer(stream: string, maxLen = 100_000) {
    const emitter = new RedisQueueEmitter({ redis, stream, maxLen });
    const tracker = createTracker(emitter, { appId: 'flow' });
    const outcomes: DeliveryOutcome[] = [];
    emitter.outcomes.subscribe((o) => outcomes.push(o));
    const track = (count: number, action = 'a'): string[] => {
      const eids: string[] = [];
      const sub = tracker.payloads.subscribe((p) => eids.push(p['eid']!));
      for (let i = 0; i < count; i++) tracker.track(structEvent({ category: 'flow', action, value: i }));
      sub.unsubscribe();
      return eids;
    };
    return { emitter, tracker, outcomes, track };
  }

  it('RedisQueueEmitter: `sent` means the entry is in the stream (one bounded append per batch)', async () => {
    const { stream } = names();
    const p = producer(stream);
    const eids = p.track(250);
    await p.tracker.flush();
    expect(p.emitter.maxLen).to.equal(100_000);
    const sent = p.outcomes.filter((o) => o.kind === 'sent');
    expect(sent.flatMap((o) => o.events.map((e) => e['eid']))).to.have.members(eids);
    expect(sent.every((o) => o.kind === 'sent' && o.status === 0 && o.emitter === `redis ${stream}`)).to.equal(true);
    expect(await streamEids(redis, stream), 'every event in the stream, in order').to.deep.equal(eids);
    const entries = (await redis.sendCommand(['XRANGE', stream, '-', '+'])) as [string, string[]][];
    expect(
      entries.map(([, fields]) => fields[0]),
      'one field, p',
    ).to.deep.equal(entries.map(() => 'p'));
    expect(entries.length, 'one entry per batch (100 events at most), not per event').to.be.within(3, 10);
    expect(await redis.sendCommand(['GET', `${stream}:count`]), 'the events counted beside the stream').to.equal('250');
    const report = await p.tracker.shutdown();
    expect(report).to.deep.equal({ sent: 250, failed: 0, dropped: 0, abandoned: 0 });
  });

  it("the stream's event count heals: lost, the bound still counts an event per entry; an empty stream counts 0", async () => {
    const { stream } = names();
    const count = async () => Number(await redis.sendCommand(['GET', `${stream}:count`]));
    const p = producer(stream, 250);
    p.track(200);
    await p.tracker.flush();
    expect(await count()).to.equal(200);
    // Lost (an eviction, a restart that kept the stream but not the key, a DEL by hand): an event per entry at least.
    await redis.sendCommand(['DEL', `${stream}:count`]);
    p.track(100);
    await p.tracker.flush();
    expect(await count(), '2 entries counted as 2 events, then 100 more').to.equal(102);
    // Left high (entries deleted behind the workers' back): right again once the stream is empty.
    await redis.sendCommand(['SET', `${stream}:count`, '250']);
    const ids = ((await redis.sendCommand(['XRANGE', stream, '-', '+'])) as [string, string[]][]).map(([id]) => id);
    await redis.sendCommand(['XDEL', stream, ...ids]);
    p.track(10);
    await p.tracker.flush();
    expect(await count()).to.equal(10);
    expect(
      p.outcomes.filter((o) => o.kind !== 'sent'),
      'nothing refused',
    ).to.deep.equal([]);
    expect(await p.tracker.shutdown()).to.deep.equal({ sent: 310, failed: 0, dropped: 0, abandoned: 0 });
  });

  it('RedisQueueEmitter keeps queueing after attempts timed out while its event loop was blocked (node-redis must not wedge)', async () => {
    const { stream } = names();
    const emitter = new RedisQueueEmitter({ redis, stream, maxLen: 100_000, timeoutMs: 200, retry: { baseDelayMs: 10 } });
    const tracker = createTracker(emitter, { appId: 'flow' });
    const log: DeliveryOutcome[] = [];
    emitter.outcomes.subscribe((o) => log.push(o));
    // 1 000 events: full batches go at once, inside track(); then the loop is blocked past their timeout.
    for (let i = 0; i < 1_000; i++) tracker.track(structEvent({ category: 'flow', action: 'blocked', value: i }));
    const blockedAt = Date.now();
    while (Date.now() - blockedAt < 500);
    await tracker.flush();
    expect(
      log.some((o) => o.kind === 'retrying'),
      'the blocked attempts timed out',
    ).to.equal(true);
    const report = await tracker.shutdown();
    expect(report).to.deep.equal({ sent: 1_000, failed: 0, dropped: 0, abandoned: 0 });
    const queued = await streamEids(redis, stream);
    expect(new Set(queued).size, 'all queued (a timed-out append may also have run: same eid twice)').to.equal(1_000);
    expect(Number(await redis.sendCommand(['GET', `${stream}:count`])), 'counted as appended').to.equal(queued.length);
    // The client still works for everyone else.
    expect(await redis.sendCommand(['PING'])).to.equal('PONG');
  });

  it('RedisQueueEmitter refuses unusable options, names them, and requires maxLen', () => {
    expect(() => new RedisQueueEmitter({ redis, stream: 's' } as never)).to.throw(/maxLen/);
    expect(() => new RedisQueueEmitter({ redis: {} as never, stream: 's', maxLen: 10 })).to.throw(/redis/);
    expect(() => new RedisQueueEmitter({ redis, stream: '', maxLen: 10 })).to.throw(/stream/);
    expect(() => new RedisQueueEmitter({ redis, stream: 's', maxLen: 10, timeoutMs: 0 })).to.throw(/timeoutMs/);
  });

  it('workers deliver every event once with its original eid, acknowledge (XACK + XDEL) only after `sent`, and report metrics', async () => {
    const { stream, group } = names();
    const p = producer(stream);
    const eids = p.track(1_000);
    await p.tracker.flush();
    const a = startWorker(stream, group, 'a');
    const b = startWorker(stream, group, 'b');
    const seen: RedisWorkerMetrics[] = [];
    const sub = a.metrics.subscribe((m) => seen.push(m));
    await waitFor('1000 events accepted', () => collector.acceptedPerEid().size === 1_000);
    await waitFor('stream empty, nothing pending', async () => {
      const m = await readStreamMetrics(redis, stream, group, Date.now());
      return m.streamLength === 0 && m.pending === 0 && m.lag === 0;
    });
    const accepted = collector.acceptedPerEid();
    expect([...accepted.keys()]).to.have.members(eids);
    expect(
      [...accepted.values()].every((count) => count === 1),
      'each eid once',
    ).to.equal(true);
    const [ra, rb] = await Promise.all([a.stop(), b.stop()]);
    workers.length = 0;
    expect(ra.delivered + rb.delivered).to.equal(1_000);
    expect(ra.released + rb.released).to.equal(0);
    sub.unsubscribe();
    expect(seen.length).to.be.greaterThan(0);
    expect(seen[0]).to.include.keys('streamLength', 'pending', 'lag', 'delivered', 'deadLettered', 'inFlight', 'reclaimed', 'consumers');
  });

  it('a poison event (the collector answers 400): isolated from its batch, dead-lettered with its reason; the rest flows', async () => {
    const { stream, group } = names();
    collector.script = (request) => (request.events.some((e) => e['se_ac'] === 'poison') ? { status: 400 } : undefined);
    const p = producer(stream);
    const good1 = p.track(120);
    const [poison] = p.track(1, 'poison');
    const good2 = p.track(120);
    await p.tracker.flush();
    const w = startWorker(stream, group, 'w');
    const dead: DeadLetter[] = [];
    w.deadLetters.subscribe((d) => dead.push(d));
    await waitFor('240 good events accepted and one dead letter', () => collector.acceptedPerEid().size === 240 && dead.length === 1);
    expect([...collector.acceptedPerEid().keys()]).to.have.members([...good1, ...good2]);
    expect(dead[0]).to.include({ eid: poison, kind: 'refused', status: 400 });
    expect(dead[0]!.reason).to.match(/400/);
    const letters = (await redis.sendCommand(['XRANGE', `${stream}:dead`, '-', '+'])) as [string, string[]][];
    expect(letters).to.have.length(1);
    const fields = Object.fromEntries(letters[0]![1].flatMap((v, i, all) => (i % 2 === 0 ? [[v, all[i + 1]]] : [])));
    expect(fields).to.include({ eid: poison, kind: 'refused', status: '400', consumer: 'w' });
    expect(fields['reason']).to.match(/collector answered 400/);
    expect((JSON.parse(fields['p']!) as Record<string, string>)['eid']).to.equal(poison);
    await waitFor('nothing pending', async () => (await readStreamMetrics(redis, stream, group, Date.now())).pending === 0);
  });

  it('the collector down for a while (4 s here, for "a minute"): the stream absorbs the backlog, live workers keep their entries, then it drains', async () => {
    const { stream, group } = names();
    const p = producer(stream);
    // claimIdleMs (1.5 s) well under the outage: the heartbeat (XCLAIM JUSTID) must keep live workers' entries theirs.
    const a = startWorker(stream, group, 'a', { claimIdleMs: 1_500 });
    const b = startWorker(stream, group, 'b', { claimIdleMs: 1_500 });
    await Promise.all([a.ready, b.ready]);
    const eids = p.track(200);
    await waitFor('first 200 accepted', () => collector.acceptedPerEid().size === 200);
    await collector.close();
    const downAt = Date.now();
    const backlog: string[] = [];
    while (Date.now() - downAt < 4_000) {
      backlog.push(...p.track(500));
      await new Promise((r) => setTimeout(r, 200));
    }
    await p.tracker.flush();
    const during = await readStreamMetrics(redis, stream, group, Date.now());
    expect(during.events, 'the stream holds the backlog').to.be.at.least(backlog.length - 100);
    // Entries of 100 events (track(500) at a time): the workers hold at most maxInFlight (1 000) events each, give or take an entry.
    expect(during.pending * 100, 'most of it unread: workers hold at most maxInFlight').to.be.at.most(2 * 1_100);
    expect(during.lag ?? 0, 'the rest waits unread').to.be.at.least(during.streamLength - during.pending);
    await collector.listen();
    await waitFor('backlog drained', () => collector.acceptedPerEid().size === eids.length + backlog.length, 30_000);
    await waitFor('stream empty', async () => (await readStreamMetrics(redis, stream, group, Date.now())).streamLength === 0);
    const accepted = collector.acceptedPerEid();
    expect(
      [...accepted.values()].every((count) => count === 1),
      'each eid accepted once',
    ).to.equal(true);
    const [ra, rb] = await Promise.all([a.stop(), b.stop()]);
    workers.length = 0;
    expect(ra.reclaimed + rb.reclaimed, 'no live worker lost entries to the other').to.equal(0);
  });

  it('graceful stop: at its deadline a worker leaves what is still in flight pending (nothing acknowledged undelivered); another takes it over', async () => {
    const { stream, group } = names();
    collector.script = () => ({ hang: true });
    const p = producer(stream);
    const eids = p.track(300);
    await p.tracker.flush();
    const a = startWorker(stream, group, 'a');
    await waitFor('a request in flight', () => collector.requests.length > 0);
    const stopAt = Date.now();
    const report = await a.stop({ timeoutMs: 500 });
    workers.length = 0;
    expect(Date.now() - stopAt, 'stopped within its deadline (+ one blocking read)').to.be.below(2_000);
    expect(report.delivered).to.equal(0);
    expect(report.released, 'every event it read, none acknowledged').to.equal(300);
    const pending = await readStreamMetrics(redis, stream, group, Date.now());
    expect(pending.pending, 'released entries stay pending').to.equal(pending.streamLength);
    expect(pending.events, 'and their events counted').to.equal(300);
    collector.script = () => undefined;
    startWorker(stream, group, 'b', { claimIdleMs: 300 });
    await waitFor('all 300 accepted', () => collector.acceptedPerEid().size === 300);
    expect([...collector.acceptedPerEid().keys()]).to.have.members(eids);
  });

  it('memory per event in Redis: the payload JSON plus a few dozen bytes (docs/redis.md, Sizing)', async () => {
    const { stream } = names();
    const used = async () => Number(/used_memory:(\d+)/.exec(String(await redis.sendCommand(['INFO', 'memory'])))![1]);
    const before = await used();
    const p = producer(stream);
    let json = 0;
    p.tracker.payloads.subscribe((payload) => (json += JSON.stringify(payload).length));
    p.track(20_000);
    await p.tracker.flush();
    const perEvent = ((await used()) - before) / 20_000;
    const jsonPerEvent = json / 20_000;
    console.log(`      ${jsonPerEvent.toFixed(0)} bytes of JSON per struct event: ${perEvent.toFixed(0)} bytes of Redis memory per event`);
    expect(perEvent).to.be.within(jsonPerEvent, jsonPerEvent + 80);
  });
});
