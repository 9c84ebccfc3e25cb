// Shared by every driver: the benchmark event, the measurement loop, and the report to bench/run.mjs (IPC).
//
// A driver module calls runDriver(setup). setup({ url, host, port, n }) returns { track(i), flush() }:
//   track(i) tracks the i-th event synchronously; flush() resolves when the tracker says it has delivered.
// The loop: one synchronous burst of n track() calls (hrtime around the whole loop, divided by n), then flush.
// CPU is process.cpuUsage() (user + sys) from just before the burst to flush; peak RSS is the larger of an RSS
// sample taken every 10 ms and the kernel's high-water mark (process.resourceUsage().maxRSS), which also sees the
// burst, when no timer can run.

/** The same event for every driver: a self-describing event with 3 properties and one custom context entity. */
export const EVENT_SCHEMA = 'iglu:com.acme/bench_click/jsonschema/1-0-0';
export const CONTEXT_SCHEMA = 'iglu:com.acme/bench_user/jsonschema/1-0-0';
// `i` is offset so every event has the same size (7 digits up to N = 1M): batches by bytes and by count then agree.
export const eventData = (i) => ({ category: 'bench', action: 'click', value: 1_000_000 + i });
export const contextEntity = (i) => ({ schema: CONTEXT_SCHEMA, data: { userId: 'user-42', plan: 'pro', seq: 1_000_000 + i } });
export const NAMESPACE = 'bench';
export const APP_ID = 'rxplow-bench';
export const BATCH = 100;

const config = JSON.parse(process.argv[2] ?? '{}');

export async function runDriver(setup) {
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
  }, 10);
  sampler.unref();

  const send = (msg) => process.send?.(msg);
  process.on('message', (msg) => {
    if (msg?.type === 'exit') process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));

  const n = config.n;
  const url = `http://127.0.0.1:${config.port}`;
  const driver = await setup({ url, host: '127.0.0.1', port: config.port, n, options: config.options ?? {} });
  const rssBefore = process.memoryUsage.rss();

  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  send({ type: 'start', at: t0.toString() });
  for (let i = 0; i < n; i++) driver.track(i);
  const t1 = process.hrtime.bigint();
  const burstCpu = process.cpuUsage(cpu0);
  send({ type: 'burst', at: t1.toString(), trackNs: Number(t1 - t0) / n, burstCpuUs: burstCpu.user + burstCpu.system });

  let flushError;
  try {
    await driver.flush();
  } catch (error) {
    flushError = String(error?.stack ?? error);
  }
  const t2 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  send({
    type: 'done',
    at: t2.toString(),
    cpuUs: cpu.user + cpu.system,
    peakRss: Math.max(peakRss, maxRss),
    sampledPeakRss: peakRss,
    maxRss,
    rssBefore,
    heapUsed: process.memoryUsage().heapUsed,
    extra: driver.report?.() ?? null,
    flushError,
  });
  // Stay alive (and keep retrying, for trackers that do) until the parent says exit.
}
