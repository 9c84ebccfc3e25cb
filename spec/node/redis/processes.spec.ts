// rxplow/redis across processes, with real parts: producer and worker processes (spec/node/redis/fixtures/*.ts under
// tsx), a redis-server of our own, a loopback collector in this process.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTracker, structEvent, type DeliveryOutcome } from '../../../src/index.js';
import { PAYLOAD_FIELD, RedisQueueEmitter, readStreamMetrics } from '../../../src/redis/index.js';
import { LoopbackCollector } from '../../support/collector.js';
import { Child, client, jsonLines, RedisServer, sleep, streamEids, waitFor } from './support.js';

interface WorkerReport {
  readonly report: { readonly delivered: number; readonly deadLettered: number; readonly reclaimed: number; readonly released: number };
}

describe('rxplow/redis across processes (real redis-server, loopback collector)', function () {
  this.timeout(90_000);
  let server: RedisServer;
  let collector: LoopbackCollector;
  let tmp: string;
  const children: Child[] = [];

  beforeEach(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rxplow-redis-spec-'));
    collector = await LoopbackCollector.start();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await collector.close();
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const worker = (consumer: string, extra: object = {}): Child => {
    const child = new Child('worker.ts', {
      url: server.url,
      stream: 'events',
      group: 'delivery',
      consumer,
      collector: collector.url,
      ...extra,
    });
    children.push(child);
    return child;
  };
  const producer = (name: string, count: number): Child => {
    const child = new Child('producer.ts', {
      url: server.url,
      stream: 'events',
      count,
      name,
      out: join(tmp, `${name}.jsonl`),
      maxLen: 1_000_000,
    });
    children.push(child);
    return child;
  };

  it('3 producer processes and 2 worker processes deliver 50 000 events: every eid exactly once; SIGTERM stops the workers cleanly', async () => {
    server = await RedisServer.start();
    const workers = [worker('w1'), worker('w2')];
    const counts = [16_667, 16_667, 16_666];
    const producers = counts.map((count, i) => producer(`p${i + 1}`, count));
    await Promise.all(producers.map((p) => p.waitFor('done', 60_000)));
    const sent = producers.flatMap((p, i) => jsonLines<string>(join(tmp, `p${i + 1}.jsonl`)));
    expect(sent, 'every tracked event reported sent (queued)').to.have.length(50_000);
    expect(new Set(sent).size).to.equal(50_000);
    await waitFor('50 000 eids accepted', () => collector.acceptedPerEid().size === 50_000, 60_000, 100);
    await sleep(300); // a straggler duplicate would show up here
    const accepted = collector.acceptedPerEid();
    expect([...accepted.keys()].sort()).to.deep.equal([...sent].sort());
    const dup = [...accepted.values()].filter((c) => c !== 1).length;
    expect(dup, 'eids accepted more than once').to.equal(0);
    expect(
      [...collector.receivedPerEid().values()].every((c) => c === 1),
      'no eid even sent twice',
    ).to.equal(true);
    // Graceful stop: SIGTERM, the report, a clean exit.
    for (const w of workers) w.kill('SIGTERM');
    const exits = await Promise.all(workers.map((w) => w.exited));
    expect(exits.map((e) => e.code)).to.deep.equal([0, 0]);
    const reports = workers.map((w) => w.messages<WorkerReport>('stopped')[0]!.report);
    expect(reports[0]!.delivered + reports[1]!.delivered).to.equal(50_000);
    expect(reports[0]!.delivered, 'both workers took a share').to.be.greaterThan(0);
    expect(reports[1]!.delivered, 'both workers took a share').to.be.greaterThan(0);
    const redis = await client(server.url);
    const m = await readStreamMetrics(redis, 'events', 'delivery', Date.now());
    redis.destroy();
    expect(m).to.include({ streamLength: 0, pending: 0, lag: 0 });
  });

  it('a worker killed with SIGKILL mid-batch: another takes its entries over; 0 lost, duplicates only from the batch in flight', async () => {
    server = await RedisServer.start();
    const redis = await client(server.url);
    const emitter = new RedisQueueEmitter({ redis, stream: 'events', maxLen: 100_000 });
    const tracker = createTracker(emitter);
    const eids: string[] = [];
    tracker.payloads.subscribe((p) => eids.push(p['eid']!));
    for (let i = 0; i < 2_000; i++) tracker.track(structEvent({ category: 'kill', action: 'a', value: i }));
    await tracker.shutdown();
    // Worker A: its 4th request onwards hangs (never answered): that batch is in flight when A is killed.
    collector.script = (request) => (request.headers['x-worker'] === 'A' && request.index >= 3 ? { hang: true } : undefined);
    const a = worker('A', { bufferSize: 50, concurrency: 1, maxInFlight: 300, claimIdleMs: 1_000, claimIntervalMs: 200 });
    await waitFor('A has a request hanging', () => collector.requests.some((r) => 'hang' in r.answer), 30_000);
    a.kill('SIGKILL');
    await a.exited;
    const hanging = new Set(collector.requests.filter((r) => 'hang' in r.answer).flatMap((r) => r.events.map((e) => e['eid']!)));
    const pendingAtA = Number(((await redis.sendCommand(['XPENDING', 'events', 'delivery'])) as unknown[])[0]);
    expect(pendingAtA, 'A died holding entries').to.be.greaterThan(0);
    // "In flight" at the kill: every entry A had read and not yet acknowledged, i.e. the hanging requests' events and
    // any batch the collector had just accepted whose XACK A did not get to send.
    const pendingIds = ((await redis.sendCommand(['XPENDING', 'events', 'delivery', '-', '+', '10000'])) as unknown[][]).map((e) =>
      String(e[0]),
    );
    const inFlight = new Set<string>();
    for (const id of pendingIds) {
      const [entry] = (await redis.sendCommand(['XRANGE', 'events', id, id])) as [string, string[]][];
      const fields = entry?.[1] ?? [];
      const json = fields[fields.indexOf(PAYLOAD_FIELD) + 1];
      // An entry holds a producer's batch: one payload JSON per line.
      for (const line of json?.split('\n') ?? []) inFlight.add((JSON.parse(line) as Record<string, string>)['eid']!);
    }
    expect(
      [...hanging].every((eid) => inFlight.has(eid)),
      "the hanging requests' events are among A's pending entries",
    ).to.equal(true);
    // Worker B takes A's entries over once they are idle for 1 s, and delivers the rest.
    const b = worker('B', { claimIdleMs: 1_000, claimIntervalMs: 200 });
    await waitFor('every eid accepted', () => collector.acceptedPerEid().size === 2_000, 60_000, 100);
    const accepted = collector.acceptedPerEid();
    expect([...accepted.keys()]).to.have.members(eids);
    expect(
      [...accepted].filter(([, c]) => c !== 1).every(([eid]) => inFlight.has(eid)),
      'each accepted once, but for entries A held unacknowledged at the kill (delivered, not yet acked)',
    ).to.equal(true);
    const twice = [...collector.receivedPerEid()].filter(([, c]) => c > 1).map(([eid]) => eid);
    expect(twice.length, 'the batch in flight at the kill was sent again').to.be.greaterThan(0);
    expect(
      twice.every((eid) => inFlight.has(eid)),
      'duplicates only from the batch in flight',
    ).to.equal(true);
    b.kill('SIGTERM');
    await b.exited;
    const report = b.messages<WorkerReport>('stopped')[0]!.report;
    expect(report.reclaimed, "B reclaimed A's pending entries").to.equal(pendingAtA);
    const m = await readStreamMetrics(redis, 'events', 'delivery', Date.now());
    redis.destroy();
    expect(m).to.include({ streamLength: 0, pending: 0 });
  });

  it('Redis killed (SIGKILL) and restarted while a producer runs: failures and retries reported, recovery, nothing reported `sent` is lost (AOF, appendfsync always)', async () => {
    server = await RedisServer.start({ appendfsync: 'always' });
    const redis = await client(server.url);
    const emitter = new RedisQueueEmitter({
      redis,
      stream: 'events',
      maxLen: 1_000_000,
      timeoutMs: 1_000,
      retry: { limit: 100, baseDelayMs: 50, maxDelayMs: 300 },
    });
    const tracker = createTracker(emitter);
    const outcomes: DeliveryOutcome[] = [];
    emitter.outcomes.subscribe((o) => outcomes.push(o));
    let tracked = 0;
    let running = true;
    const load = (async () => {
      while (running) {
        for (let i = 0; i < 50; i++) tracker.track(structEvent({ category: 'restart', action: 'a', value: tracked++ }));
        await sleep(10);
      }
    })();
    await waitFor('some events queued', () => outcomes.some((o) => o.kind === 'sent'));
    await sleep(300);
    await server.kill('SIGKILL');
    await waitFor('a failure reported', () => outcomes.some((o) => o.kind === 'retrying'), 10_000);
    await sleep(700);
    await server.launch();
    await sleep(500);
    running = false;
    await load;
    const report = await tracker.shutdown({ timeoutMs: 30_000 });
    const retrying = outcomes.filter((o) => o.kind === 'retrying');
    expect(retrying.length, 'retries reported while Redis was down').to.be.greaterThan(0);
    expect(retrying.every((o) => o.willRetry && o.kind === 'retrying' && ['network', 'timeout'].includes(o.error.code))).to.equal(true);
    expect(report, 'every event finally queued').to.deep.equal({ sent: tracked, failed: 0, dropped: 0, abandoned: 0 });
    const sent = new Set(outcomes.flatMap((o) => (o.kind === 'sent' ? o.events.map((e) => e['eid']!) : [])));
    expect(sent.size).to.equal(tracked);
    const inStream = new Set(await streamEids(redis, 'events'));
    const lost = [...sent].filter((eid) => !inStream.has(eid));
    expect(lost, 'reported sent but not in the stream after the restart').to.deep.equal([]);
    redis.destroy();
  });
});
