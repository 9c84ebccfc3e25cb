// The benchmark's process orchestration: one fresh sink and one fresh driver process per run, bounded in time.
import { fork, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuBetween, cpuSample } from './cpu.mjs';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(BENCH_DIR, '..');
export const DRIVERS = ['floor', 'rxplow', 'snowplow'];

const STALL_MS = 3_000; // driver says it is done, the sink is short of N, and no request arrived for this long: stalled

/** Newest mtime under a directory (recursively), for the "is dist stale" check. */
function newestMtime(dir, filter) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, filter));
    else if (filter(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ (npm run build) when dist/esm/index.js is missing or older than any src/**.ts. */
export function ensureBuilt({ force = false, log = console.log } = {}) {
  const entry = join(ROOT, 'dist/esm/index.js');
  const srcNewest = newestMtime(join(ROOT, 'src'), (name) => name.endsWith('.ts'));
  if (!force && existsSync(entry) && statSync(entry).mtimeMs >= srcNewest) return false;
  log('bench: dist/esm is missing or stale: npm run build');
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('bench: npm run build failed');
  return true;
}

function waitMessage(child, type, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} message within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (msg) => {
      if (msg?.type === type) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(msg);
      }
    };
    child.on('message', onMessage);
  });
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ type: 'exit' });
    else child.kill('SIGTERM');
  });
}

/**
 * One run: a fresh sink, a fresh driver, N events. Resolves to a result (never rejects for a tracker's failure:
 * timeouts, stalls and crashes are results).
 * @param {{driver: string, file?: string, env?: Record<string, string>, n: number, faultRate?: number, seed?: number, timeoutMs: number, execArgv?: string[], options?: object}} spec
 */
export async function runOne(spec) {
  const { driver, n, faultRate = 0, seed = 42, timeoutMs, execArgv = [], options, env } = spec;
  const sink = fork(join(BENCH_DIR, 'sink.mjs'), [JSON.stringify({ n, faultRate, seed })], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let child;
  try {
    const { port } = await waitMessage(sink, 'ready', 10_000);
    let completeAt = null;
    // CPU of every process of the run (bench/cpu.mjs), from the burst's start to the sink's last unique event.
    let cpuAtStart = null;
    let cpuAtComplete = null;
    sink.on('message', (msg) => {
      if (msg?.type !== 'complete') return;
      completeAt = BigInt(msg.at);
      cpuAtComplete = cpuSample();
    });
    const sinkStats = async () => {
      if (!sink.connected) return null;
      const reply = waitMessage(sink, 'stats', 5_000);
      sink.send({ type: 'stats' });
      return reply;
    };

    const started = process.hrtime.bigint();
    child = fork(join(BENCH_DIR, 'drivers', `${spec.file ?? driver}.mjs`), [JSON.stringify({ port, n, options })], {
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      execArgv,
      env: env ? { ...process.env, ...env } : process.env,
      cwd: ROOT,
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr = (stderr + d.toString()).slice(-4_000);
    });
    const msgs = {};
    child.on('message', (msg) => {
      if (msg?.type) msgs[msg.type] = msg;
      if (msg?.type === 'start') cpuAtStart = cpuSample();
    });
    let exit = null;
    child.on('exit', (code, signal) => {
      exit = { code, signal };
    });

    // Wait for: delivered (sink complete) and driver done; or crash, stall, timeout.
    let status;
    let lastRequests = -1;
    let lastProgress = Date.now();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      if (completeAt !== null && msgs.done) {
        status = 'ok';
        break;
      }
      if (exit) {
        status = /heap out of memory|Allocation failed/i.test(stderr) ? 'OOM' : `crashed (${exit.signal ?? `exit ${exit.code}`})`;
        break;
      }
      if (Date.now() > deadline) {
        status = 'timeout';
        break;
      }
      if (msgs.done && completeAt === null) {
        const s = await sinkStats();
        if (s && s.requests !== lastRequests) {
          lastRequests = s.requests;
          lastProgress = Date.now();
        } else if (Date.now() - lastProgress > STALL_MS) {
          status = 'stalled';
          break;
        }
      }
    }
    const s = (await sinkStats().catch(() => null)) ?? {};
    const start = msgs.start ? BigInt(msgs.start.at) : started;
    const deliveredS = completeAt !== null ? Number(completeAt - start) / 1e9 : null;
    const cpu = cpuAtStart && cpuAtComplete ? cpuBetween(cpuAtStart, cpuAtComplete) : { runCpuS: null, otherCores: null, busyShare: null };
    return {
      driver,
      n,
      faultRate,
      status,
      deliveredS,
      eventsPerS: deliveredS ? n / deliveredS : null,
      trackUs: msgs.burst ? msgs.burst.trackNs / 1_000 : null,
      burstCpuS: msgs.burst ? msgs.burst.burstCpuUs / 1e6 : null,
      trackCpuUs: msgs.burst ? msgs.burst.burstCpuUs / n : null,
      cpuS: msgs.done ? msgs.done.cpuUs / 1e6 : null,
      peakRssMB: msgs.done ? msgs.done.peakRss / 2 ** 20 : null,
      runCpuUs: cpu.runCpuS !== null ? (cpu.runCpuS / n) * 1e6 : null,
      otherCores: cpu.otherCores,
      busyShare: cpu.busyShare,
      unique: s.unique ?? null,
      duplicates: s.duplicates ?? null,
      requests: s.requests ?? null,
      faults: s.faults ?? null,
      eventsPerRequest: s.okRequests ? s.events / s.okRequests : null,
      exactlyOnce: s.unique === n && s.duplicates === 0,
      extra: msgs.done?.extra ?? null,
      flushError: msgs.done?.flushError,
      stderr: status === 'ok' ? undefined : stderr.slice(-600),
    };
  } finally {
    await Promise.all([child ? stop(child) : Promise.resolve(), stop(sink)]);
  }
}
