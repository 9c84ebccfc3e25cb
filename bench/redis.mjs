// The Redis path of the benchmark (issue 14): `node bench/redis.mjs [--quick] [--reps=N] [--n=N]`, and a section of
// `npm run bench` (bench/run.mjs calls runRedisBench). In one run, interleaved, fresh processes each time:
//   - direct: the rxplow driver (one POST Emitter straight to the loopback sink), as in bench/run.mjs;
//   - redis:  the same tracker and event with a RedisQueueEmitter (bench/drivers/redis.mjs) into a redis-server of
//             our own (loopback, free port, temp dir, AOF on with appendfsync everysec), delivered by 2 worker
//             processes (createRedisWorker + the same Emitter settings) to the same kind of sink.
// Targets: producer cost per track() ≤ 1.5× the in-memory (direct) emitter's; end-to-end events/s ≥ 0.7× direct (issue 18).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, runOne } from './harness.mjs';

const REDIS_SERVER = process.env.RXPLOW_REDIS_SERVER ?? '/usr/bin/redis-server';

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Sends one inline command, resolves with the first reply line. */
const command = (port, text) =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${text}\r\n`));
    socket.once('data', (d) => {
      socket.end();
      resolve(d.toString().trim());
    });
    socket.once('error', reject);
  });

export async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rxplow-bench-redis-'));
  const child = spawn(
    REDIS_SERVER,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--loglevel',
      'warning',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 200; i++) {
    if ((await command(port, 'PING').catch(() => '')) === '+PONG') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    flush: () => command(port, 'FLUSHALL'),
    stop: async () => {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const median = (xs) => {
  const s = xs.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs the Redis path next to the direct emitter; returns the markdown section and the targets. */
export async function runRedisBench({ n = 100_000, reps = 3, log = console.log } = {}) {
  if (!existsSync(REDIS_SERVER)) {
    return { markdown: `## Redis path (issue 14)\n\nNot run: no redis-server at ${REDIS_SERVER}.\n`, targets: [] };
  }
  ensureBuilt({ log });
  const redis = await startRedis();
  const results = [];
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const driver of ['rxplow', 'redis']) {
        await redis.flush();
        const r = await runOne({
          driver,
          n,
          seed: 42 + rep,
          timeoutMs: 120_000,
          options: driver === 'redis' ? { redisUrl: redis.url } : undefined,
        });
        r.rep = rep;
        results.push(r);
        const f = (x, d = 2) => (x === null || x === undefined ? '-' : x.toFixed(d));
        log(
          `redis bench rep ${rep + 1}/${reps} ${driver.padEnd(6)} ${r.status.padEnd(8)} ${f(r.eventsPerS, 0)} ev/s  track ${f(r.trackUs)} µs  burst cpu/track ${f(r.trackCpuUs)} µs  producer cpu ${f(r.cpuS)} s  all processes ${f(r.runCpuUs, 1)} µs/event, ${f(r.busyShare === null ? null : r.busyShare * 100, 0)}% of the cores; other load ${f(r.otherCores)} cores  requests ${r.requests ?? '-'}  unique ${r.unique ?? '-'} dup ${r.duplicates ?? '-'}`,
        );
        if (r.status !== 'ok' && r.stderr) log(`    stderr: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      }
    }
  } finally {
    await redis.stop();
  }
  const of = (driver, key) => median(results.filter((r) => r.driver === driver && r.status === 'ok').map((r) => r[key]));
  const ratio = (a, b) => (a !== null && b !== null && b !== 0 ? a / b : null);
  const fx = (x) => (x === null ? 'n/a' : `${x.toFixed(2)}×`);
  const rows = [
    ['events/s, burst start → all N unique at the sink', 'eventsPerS', 0],
    ["caller's cost per track(), µs (wall)", 'trackUs', 2],
    ['burst CPU per track(), µs', 'trackCpuUs', 2],
    ['producer CPU until flush() resolved, s (direct: until delivered; redis: until queued)', 'cpuS', 2],
    ['producer peak RSS, MB', 'peakRssMB', 0],
    ['CPU per event, every process of the run (producer, workers, Redis, sink), µs', 'runCpuUs', 1],
    ["the run's share of the machine's cores, burst start → all delivered", 'busyShare', 2],
    ['other processes on the machine meanwhile, cores', 'otherCores', 2],
  ];
  const fmt = (x, d) => (x === null ? '–' : x.toFixed(d));
  const table = [
    '| measure | direct HTTP emitter | RedisQueueEmitter + 2 workers | redis ÷ direct |',
    '|---|---|---|---|',
    ...rows.map(
      ([label, key, d]) =>
        `| ${label} | ${fmt(of('rxplow', key), d)} | ${fmt(of('redis', key), d)} | ${fx(ratio(of('redis', key), of('rxplow', key)))} |`,
    ),
    `| all N delivered exactly once (runs) | ${results.filter((r) => r.driver === 'rxplow' && r.exactlyOnce).length}/${reps} | ${results.filter((r) => r.driver === 'redis' && r.exactlyOnce).length}/${reps} | |`,
  ].join('\n');
  const trackRatio = ratio(of('redis', 'trackCpuUs'), of('rxplow', 'trackCpuUs'));
  const wallRatio = ratio(of('redis', 'trackUs'), of('rxplow', 'trackUs'));
  const rateRatio = ratio(of('redis', 'eventsPerS'), of('rxplow', 'eventsPerS'));
  const targets = [
    {
      name: `Redis path: producer cost per track() ≤ 1.5× the in-memory emitter's (burst CPU; wall ${fx(wallRatio)})`,
      measured: fx(trackRatio),
      pass: trackRatio !== null && trackRatio <= 1.5,
    },
    {
      name: 'Redis path: end-to-end events/s through 2 workers ≥ 0.7× the direct HTTP emitter',
      measured: fx(rateRatio),
      pass: rateRatio !== null && rateRatio >= 0.7,
    },
  ];
  const markdown = `## Redis path (issue 14)

\`node bench/redis.mjs\` (also run by \`npm run bench\`). N = ${n.toLocaleString('en')}, ${reps} interleaved repetition(s), each in
fresh processes against a fresh loopback sink. **direct**: the rxplow driver above (one POST Emitter, bufferSize 100,
maxPostBytes 200 000, 4 in flight). **redis**: the same tracker and event with a \`RedisQueueEmitter\` (a bounded Lua
append of 100 events per call) into a redis-server of the bench's own (loopback, AOF on, \`appendfsync everysec\`), delivered by 2
worker processes (\`createRedisWorker\`, reads of 500, the same Emitter settings each: so up to 8 requests in flight) to
the sink. Producer CPU and RSS are the producer process's only; Redis and the workers share the same 2 cores.

${table}

| target | measured (ratio of medians, same run) | result |
|---|---|---|
${targets.map((t) => `| ${t.name} | ${t.measured} | **${t.pass ? 'PASS' : 'FAIL'}** |`).join('\n')}
`;
  return { markdown, targets, results };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const quick = args.includes('--quick');
  const { markdown } = await runRedisBench({
    n: Number(value('n') ?? (quick ? 20_000 : 100_000)),
    reps: Number(value('reps') ?? (quick ? 1 : 3)),
  });
  console.log(`\n${markdown}`);
}
