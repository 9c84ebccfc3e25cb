// Worker memory while a large backlog drains (issue 18): `node bench/redis-backlog.mjs [--n=1000000]`. A redis-server
// of our own is filled with N struct events (in entries of 100, as producers write them) before any worker runs; then ONE `rxplow worker` process
// (the built CLI, its defaults) drains it to the loopback sink. Its RSS is sampled every 500 ms from /proc; the
// report gives RSS at 10, 25, 50, 75 and 90 % drained, the maximum, and the drain rate. Flat means the worker's memory
// does not grow with the backlog (it holds at most maxInFlight events): no growth over the second half of the drain.
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
  // As RedisQueueEmitter writes them: one entry per batch of 100 events (their JSONs, one per line), the events
  // counted in `<stream>:count`.
  const PER_ENTRY = 100;
  let entries = 0;
  for (let i = 0; i < n; i += 1_000) {
    const batch = [];
    for (let k = i; k < Math.min(n, i + 1_000); k += PER_ENTRY) {
      const lines = [];
      for (let j = k; j < Math.min(n, k + PER_ENTRY); j++) {
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
        lines.push(JSON.stringify(payload));
      }
      batch.push(client.sendCommand(['XADD', 'rxplow:events', '*', 'p', lines.join('\n')]));
      entries++;
    }
    await Promise.all(batch);
  }
  await client.sendCommand(['SET', 'rxplow:events:count', String(n)]);
  log(
    `backlog: ${n.toLocaleString('en')} events in ${entries.toLocaleString('en')} entries queued in ${((Date.now() - fillAt) / 1000).toFixed(1)} s`,
  );
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
    if (rss !== null) samples.push({ t: Date.now() - started, rss, drained: (entries - left) / entries });
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
  const r50 = at(0.5);
  // Flat: over the second half of the drain (N/2 more events through the worker) RSS does not grow by more than 25 MB.
  // The first part is the heap warming up to its working size; memory that grew with the backlog would grow again.
  const secondHalf = Math.max(...samples.filter((x) => x.drained >= 0.5).map((x) => x.rss));
  const growth = r50 === null ? null : secondHalf - r50;
  const flat = growth !== null && growth < 25;
  const markdown = `## Redis worker memory while a backlog drains (issue 18)

\`node bench/redis-backlog.mjs\`: ${n.toLocaleString('en')} struct events (in entries of 100, as producers write them) queued in a
redis-server of the bench's own before the worker starts; one \`rxplow worker\` process (the built CLI, its defaults:
reads of about 500 events, at most 1 000 in flight) drains them to the loopback sink in ${seconds.toFixed(1)} s (${(n / seconds).toFixed(0)} events/s).

| worker RSS, MB | 10 % drained | 25 % | 50 % | 75 % | 90 % | maximum |
|---|---|---|---|---|---|---|
| | ${f(r10)} | ${f(at(0.25))} | ${f(r50)} | ${f(at(0.75))} | ${f(at(0.9))} | ${f(max)} |

| target | measured | result |
|---|---|---|
| worker RSS flat while a ${n.toLocaleString('en')}-event backlog (entries of 100) drains (growth over the second half < 25 MB) | ${f(growth)} MB | **${flat ? 'PASS' : 'FAIL'}** |
`;
  return {
    markdown,
    targets: [
      { name: 'Redis worker RSS flat while a backlog drains (growth over the second half)', measured: `${f(growth)} MB`, pass: flat },
    ],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const value = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const { markdown } = await runBacklogBench({ n: Number(value('n') ?? 1_000_000) });
  console.log(`\n${markdown}`);
}
