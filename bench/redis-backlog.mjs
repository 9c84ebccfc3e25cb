// Worker memory while a large backlog drains (issue 18): `node bench/redis-backlog.mjs [--n=1000000]`. A redis-server
// of our own is filled with N entries (a struct event each) before any worker runs; then ONE `rxplow worker` process
// (the built CLI, its defaults) drains it to the loopback sink. Its RSS is sampled every 500 ms from /proc; the
// report gives RSS at 10 %, 50 % and 90 % drained, the maximum, and the drain rate. Flat means the worker's memory does
// not grow with the backlog: it holds at most maxInFlight entries.
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './harness.mjs';
import { startRedis } from './redis.mjs';

const rssMB = (pid) => {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return kb / 1024;
  } catch {
    return null;
  }
};

export async function runBacklogBench({ n = 1_000_000, log = console.log } = {}) {
  ensureBuilt({ log });
  const { connectRedis } = await import(new URL('../dist/esm/redis/index.js', import.meta.url).href);
  const redis = await startRedis();
  const sink = fork(fileURLToPath(new URL('./sink.mjs', import.meta.url)), [JSON.stringify({ n })], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise((resolve) => sink.on('message', (m) => m?.type === 'ready' && resolve(m.port)));
  const done = new Promise((resolve) => sink.on('message', (m) => m?.type === 'complete' && resolve()));
  const client = await connectRedis(redis.url);
  const fillAt = Date.now();
  for (let i = 0; i < n; i += 1_000) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 1_000); j++) {
      const eid = `00000000-0000-4000-8000-${String(j).padStart(12, '0')}`;
      const payload = {
        e: 'se',
        eid,
        tv: 'rxplow-bench',
        p: 'srv',
        aid: 'backlog',
        dtm: String(fillAt),
        se_ca: 'bench',
        se_ac: 'backlog',
        se_va: String(j),
      };
      batch.push(client.sendCommand(['XADD', 'rxplow:events', '*', 'p', JSON.stringify(payload)]));
    }
    await Promise.all(batch);
  }
  log(`backlog: ${n.toLocaleString('en')} entries queued in ${((Date.now() - fillAt) / 1000).toFixed(1)} s`);
  const started = Date.now();
  const worker = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('../dist/esm/cli/main.js', import.meta.url)),
      'worker',
      '--redis',
      redis.url,
      '--collector',
      `http://127.0.0.1:${port}`,
      '--consumer',
      'backlog-1',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const samples = [];
  const sampler = setInterval(async () => {
    const rss = rssMB(worker.pid);
    const left = Number(await client.sendCommand(['XLEN', 'rxplow:events']).catch(() => NaN));
    if (rss !== null) samples.push({ t: Date.now() - started, rss, drained: (n - left) / n });
  }, 500);
  await done;
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  worker.kill('SIGTERM');
  await new Promise((resolve) => worker.once('exit', resolve));
  client.destroy();
  sink.kill();
  await redis.stop();
  const at = (share) => samples.find((s) => s.drained >= share)?.rss ?? null;
  const max = Math.max(...samples.map((s) => s.rss));
  const f = (x) => (x === null ? '–' : x.toFixed(0));
  const r10 = at(0.1);
  const flat = r10 !== null && max - r10 < 50;
  const markdown = `## Redis worker memory while a backlog drains (issue 18)

\`node bench/redis-backlog.mjs\`: ${n.toLocaleString('en')} struct events queued in a redis-server of the bench's own
before the worker starts; one \`rxplow worker\` process (the built CLI, its defaults: reads of 500, at most 1 000 in
flight) drains them to the loopback sink in ${seconds.toFixed(1)} s (${(n / seconds).toFixed(0)} events/s).

| worker RSS, MB | 10 % drained | 50 % drained | 90 % drained | maximum |
|---|---|---|---|---|
| | ${f(r10)} | ${f(at(0.5))} | ${f(at(0.9))} | ${f(max)} |

| target | measured | result |
|---|---|---|
| worker RSS flat while a ${n.toLocaleString('en')}-entry backlog drains (max − RSS at 10 % < 50 MB) | ${f(max - (r10 ?? 0))} MB | **${flat ? 'PASS' : 'FAIL'}** |
`;
  return {
    markdown,
    targets: [{ name: 'Redis worker RSS flat while a backlog drains', measured: `${f(max - (r10 ?? 0))} MB`, pass: flat }],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const value = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const { markdown } = await runBacklogBench({ n: Number(value('n') ?? 1_000_000) });
  console.log(`\n${markdown}`);
}
