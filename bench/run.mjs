// npm run bench [-- --quick] [-- --reps=N] [-- --no-1m] [-- --no-write] [-- --only=100k,d100k,redis,backlog,angular]
// [-- --baseline=<checkout>]: also runs the rxplow driver on <checkout>/dist/esm (an older commit, built), interleaved,
// and prints a before/after table (rxplow ÷ baseline per measure).
// Side-by-side benchmark: rxplow vs @snowplow/node-tracker vs a plain-fetch floor, each run in a fresh driver
// process against a fresh loopback sink (bench/sink.mjs). Prints a table of medians, ranges and ratios, checks the
// targets of issues 6, 9 (defaults variant) and 11 (size budgets, scripts/size-check.mjs), and writes
// bench/RESULTS.md (unless --quick, --only or --no-write; --write forces it).
// RXPLOW_BENCH_DIST=<path to dist/esm/index.js> runs the rxplow driver on another build (before/after A/B runs).
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem, availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleMarkdown, measureBundles } from './bundle-size.mjs';
import { BENCH_DIR, DRIVERS, ensureBuilt, ROOT, runOne } from './harness.mjs';
import { runRedisBench } from './redis.mjs';
import { runBacklogBench } from './redis-backlog.mjs';
import { measureAngularSize } from './angular-size.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const value = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = flag('quick');
const reps = Number(value('reps') ?? (quick ? 1 : 3));
const only = value('only')?.split(',');
const with1M = !quick && !flag('no-1m');
const baseline = value('baseline');
const write = flag('write') || (!quick && !only && !baseline && !flag('no-write'));
// The drivers of this run: the baseline (an older build of rxplow) runs right after rxplow in every repetition.
const RUN_DRIVERS = baseline ? [...DRIVERS.slice(0, 2), 'baseline', ...DRIVERS.slice(2)] : DRIVERS;
const driverSpec = (driver) =>
  driver === 'baseline' ? { file: 'rxplow', env: { RXPLOW_BENCH_DIST: resolve(baseline, 'dist/esm/index.js') } } : {};

const DEFAULTS = { variant: 'defaults' };
const SCENARIOS = [
  { id: '10k', label: 'N = 10k', n: 10_000, timeoutMs: 30_000 },
  { id: '100k', label: 'N = 100k', n: 100_000, timeoutMs: 90_000 },
  {
    id: 'd100k',
    label: 'N = 100k, defaults variant (bufferSize 100, every other option at its default: maxPostBytes 40 000)',
    n: 100_000,
    timeoutMs: 90_000,
    options: DEFAULTS,
  },
  { id: 'fault', label: 'Fault phase: 20% of requests 503, N = 10k', n: 10_000, faultRate: 0.2, timeoutMs: 30_000 },
  ...(with1M ? [{ id: '1M', label: 'N = 1M', n: 1_000_000, timeoutMs: 180_000, snowplow: { timeoutMs: 60_000, reps: 1 } }] : []),
].filter((sc) => !only || only.includes(sc.id));

mkdirSync(join(BENCH_DIR, '.out'), { recursive: true });
const t0 = Date.now();
const load0 = loadavg();
ensureBuilt();

// Interleaved: rep 1 of every scenario for every driver, then rep 2, …
const results = [];
for (let rep = 0; rep < reps; rep++) {
  for (const sc of SCENARIOS) {
    for (const driver of RUN_DRIVERS) {
      const custom = driver === 'snowplow' ? sc.snowplow : undefined;
      if (custom?.reps !== undefined && rep >= custom.reps) continue;
      const timeoutMs = custom?.timeoutMs ?? sc.timeoutMs;
      const r = await runOne({
        driver,
        ...driverSpec(driver),
        n: sc.n,
        faultRate: sc.faultRate ?? 0,
        seed: 42 + rep,
        timeoutMs,
        options: sc.options,
      });
      r.scenario = sc.id;
      r.rep = rep;
      r.timeoutMs = timeoutMs;
      results.push(r);
      const fmt = (x, d = 2) => (x === null || x === undefined ? '-' : x.toFixed(d));
      console.log(
        `[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] rep ${rep + 1}/${reps} ${sc.id.padEnd(6)} ${driver.padEnd(8)} ${r.status.padEnd(8)}` +
          ` delivered ${fmt(r.deliveredS)} s  ${fmt(r.eventsPerS, 0)} ev/s  cpu ${fmt(r.cpuS)} s  rss ${fmt(r.peakRssMB, 0)} MB` +
          `  track ${fmt(r.trackUs)} µs  req ${r.requests ?? '-'}  unique ${r.unique ?? '-'}  dup ${r.duplicates ?? '-'}`,
      );
      if (r.status !== 'ok' && r.stderr) console.log(`    stderr: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
  }
}
// The Redis path (issue 14, bench/redis.mjs): its own interleaved runs, next to the direct emitter; `--only=redis`.
const redisBench = !only || only.includes('redis') ? await runRedisBench({ n: quick ? 20_000 : 100_000, reps }) : null;
// The worker's memory while a 1M-event backlog drains (issue 18, bench/redis-backlog.mjs); `--only=backlog`.
const backlogBench = !only || only.includes('backlog') ? await runBacklogBench({ n: quick ? 100_000 : 1_000_000 }) : null;
// The Angular example app's production build with rxplow, with Snowplow and without tracking (issues 13 and 20,
// bench/angular-size.mjs); `--only=angular`.
const angularSize = !only || only.includes('angular') ? await measureAngularSize() : null;
const load1 = loadavg();
writeFileSync(join(BENCH_DIR, '.out', 'last-run.json'), JSON.stringify(results, null, 2));

// ---- aggregation ----
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
function agg(scenario, driver, key) {
  const runs = results.filter((r) => r.scenario === scenario && r.driver === driver);
  const ok = runs.filter((r) => r.status === 'ok' && r[key] !== null && r[key] !== undefined).map((r) => r[key]);
  return {
    runs,
    values: ok,
    median: ok.length ? median(ok) : null,
    min: ok.length ? Math.min(...ok) : null,
    max: ok.length ? Math.max(...ok) : null,
  };
}
const statusOf = (runs) => {
  const counts = {};
  for (const r of runs) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return Object.entries(counts)
    .map(([s, c]) => `${s}×${c}`)
    .join(', ');
};

const MEASURES = [
  { key: 'eventsPerS', label: 'events/s (to all N unique at the sink)', fmt: (x) => x.toFixed(0), better: 'higher' },
  { key: 'deliveredS', label: 'time until all delivered, s', fmt: (x) => x.toFixed(2), better: 'lower' },
  { key: 'cpuS', label: 'driver CPU (user+sys), s', fmt: (x) => x.toFixed(2), better: 'lower' },
  { key: 'peakRssMB', label: 'driver peak RSS, MB', fmt: (x) => x.toFixed(0), better: 'lower' },
  { key: 'trackUs', label: "caller's cost per track(), µs (wall, hrtime)", fmt: (x) => x.toFixed(2), better: 'lower' },
  { key: 'trackCpuUs', label: 'burst CPU per track(), µs (less noisy)', fmt: (x) => x.toFixed(2), better: 'lower' },
  { key: 'requests', label: 'requests (incl. 503s)', fmt: (x) => x.toFixed(0), better: 'lower' },
  { key: 'eventsPerRequest', label: 'events per acknowledged request', fmt: (x) => x.toFixed(1) },
];

function cell(a, fmt) {
  if (a.median === null) return statusOf(a.runs) || 'not run';
  const range = a.values.length > 1 ? ` (${fmt(a.min)}–${fmt(a.max)})` : '';
  return `${fmt(a.median)}${range}`;
}
const ratio = (a, b) => (a.median !== null && b.median !== null && b.median !== 0 ? a.median / b.median : null);

function scenarioTable(sc) {
  const lines = [
    `### ${sc.label}`,
    '',
    '| measure | floor | rxplow | snowplow | rxplow ÷ floor | rxplow ÷ snowplow |',
    '|---|---|---|---|---|---|',
  ];
  for (const m of MEASURES) {
    const [f, x, s] = DRIVERS.map((d) => agg(sc.id, d, m.key));
    const r1 = ratio(x, f);
    const r2 = ratio(x, s);
    lines.push(
      `| ${m.label} | ${cell(f, m.fmt)} | ${cell(x, m.fmt)} | ${cell(s, m.fmt)} | ${r1 === null ? '–' : r1.toFixed(2) + '×'} | ${r2 === null ? '–' : r2.toFixed(2) + '×'} |`,
    );
  }
  const once = DRIVERS.map((d) => {
    const runs = results.filter((r) => r.scenario === sc.id && r.driver === d);
    return `${runs.filter((r) => r.exactlyOnce).length}/${runs.length}`;
  });
  lines.push(`| all N delivered exactly once (runs) | ${once.join(' | ')} | | |`);
  lines.push(`| run status | ${DRIVERS.map((d) => statusOf(agg(sc.id, d, 'eventsPerS').runs)).join(' | ')} | | |`);
  return lines.join('\n');
}

// ---- targets ----
const targets = [];
function target(name, measured, pass) {
  targets.push({ name, measured, pass });
}
const fx = (x) => (x === null ? 'n/a' : x.toFixed(2) + '×');
const has = (id) => SCENARIOS.some((sc) => sc.id === id);
if (has('100k')) {
  const e = ['floor', 'rxplow', 'snowplow'].map((d) => agg('100k', d, 'eventsPerS'));
  const r1 = ratio(e[1], e[0]);
  const r2 = ratio(e[1], e[2]);
  target('N = 100k: events/s ≥ 0.8× floor', fx(r1), r1 !== null && r1 >= 0.8);
  target('N = 100k: events/s ≥ 3× Snowplow', fx(r2), r2 !== null && r2 >= 3);
  for (const [key, label, limit] of [
    ['cpuS', 'CPU', 1.5],
    ['peakRssMB', 'peak RSS', 1.0],
    ['trackUs', "caller's cost per track()", 1.5],
  ]) {
    const r = ratio(agg('100k', 'rxplow', key), agg('100k', 'floor', key));
    const extra =
      key === 'trackUs'
        ? ` (burst CPU per call: ${fx(ratio(agg('100k', 'rxplow', 'trackCpuUs'), agg('100k', 'floor', 'trackCpuUs')))})`
        : '';
    target(`N = 100k: ${label} ≤ ${limit === 1 ? 'the floor’s' : `${limit}× floor`}`, fx(r) + extra, r !== null && r <= limit);
  }
}
if (angularSize) {
  const { rxplowShare: rx, snowplowShare: sp } = angularSize;
  target(
    "Angular example: rxplow's share of the initial chunks ≤ Snowplow's in the same app (issue 20)",
    `${(rx.initial / 1024).toFixed(2)} vs ${(sp.initial / 1024).toFixed(2)} KiB gzip (${(rx.initial / sp.initial).toFixed(2)}×)`,
    rx.initial <= sp.initial,
  );
}
if (has('d100k')) {
  const r1 = ratio(agg('d100k', 'rxplow', 'eventsPerS'), agg('d100k', 'floor', 'eventsPerS'));
  target('Defaults variant, N = 100k: events/s ≥ 0.8× floor (issue 9)', fx(r1), r1 !== null && r1 >= 0.8);
  for (const [key, label, limit] of [
    ['cpuS', 'CPU', 1.5],
    ['peakRssMB', 'peak RSS', 1.0],
  ]) {
    const r = ratio(agg('d100k', 'rxplow', key), agg('d100k', 'floor', key));
    target(`Defaults variant, N = 100k: ${label} ≤ ${limit === 1 ? '1.0×' : `${limit}×`} floor (issue 9)`, fx(r), r !== null && r <= limit);
  }
}
if (has('1M')) {
  const runs = results.filter((r) => r.scenario === '1M' && r.driver === 'rxplow');
  const once = runs.length > 0 && runs.every((r) => r.exactlyOnce && r.status === 'ok');
  target(
    'N = 1M: every event delivered exactly once (default heap limit)',
    `${runs.filter((r) => r.exactlyOnce).length}/${runs.length} runs`,
    once,
  );
  const r = ratio(agg('1M', 'rxplow', 'deliveredS'), agg('1M', 'floor', 'deliveredS'));
  target('N = 1M: time ≤ 1.3× floor', fx(r), r !== null && r <= 1.3);
}
if (has('fault')) {
  const runs = results.filter((r) => r.scenario === 'fault' && r.driver === 'rxplow');
  const worst = runs.length && runs.every((r) => r.deliveredS !== null) ? Math.max(...runs.map((r) => r.deliveredS)) : null;
  const once = runs.length > 0 && runs.every((r) => r.exactlyOnce);
  target(
    'Fault phase: all delivered exactly once (default retry settings)',
    `${runs.filter((r) => r.exactlyOnce).length}/${runs.length} runs`,
    once,
  );
  target('Fault phase: in ≤ 5 s (worst run)', worst === null ? 'not delivered' : `${worst.toFixed(2)} s`, worst !== null && worst <= 5);
}

for (const t of [...(redisBench?.targets ?? []), ...(backlogBench?.targets ?? [])]) target(t.name, t.measured, t.pass);

// ---- bundle ----
const bundles = await measureBundles();
const bundle = bundleMarkdown(bundles);
for (const b of bundles.filter((r) => r.budget !== undefined)) {
  target(
    `Bundle (issue 11) ${b.label}, rxjs ${b.resolution}: ≤ ${(b.budget / 1024).toFixed(2)} KiB min+gzip`,
    `${(b.gzipBytes / 1024).toFixed(2)} KiB`,
    b.ok,
  );
}

// ---- the two 100k variants side by side (ratios to the floor, same run) ----
const variantRows = [
  ['100k', 'maxPostBytes raised to 200 000 (100 events per request)'],
  ['d100k', 'defaults (maxPostBytes 40 000)'],
]
  .filter(([id]) => has(id))
  .map(([id, label]) => {
    const r = (key) => fx(ratio(agg(id, 'rxplow', key), agg(id, 'floor', key)));
    const s = (key) => fx(ratio(agg(id, 'snowplow', key), agg(id, 'floor', key)));
    return `| ${label} | ${r('eventsPerS')} | ${r('cpuS')} | ${r('peakRssMB')} | ${r('trackCpuUs')} | ${agg(id, 'rxplow', 'eventsPerRequest').median?.toFixed(1) ?? '–'} | ${s('eventsPerS')} | ${s('cpuS')} | ${s('peakRssMB')} |`;
  });
const variantTable = variantRows.length
  ? [
      '| N = 100k variant | rxplow events/s ÷ floor | rxplow CPU ÷ floor | rxplow peak RSS ÷ floor | rxplow burst CPU/track ÷ floor | rxplow events per request | Snowplow events/s ÷ floor | Snowplow CPU ÷ floor | Snowplow peak RSS ÷ floor |',
      '|---|---|---|---|---|---|---|---|---|',
      ...variantRows,
    ].join('\n')
  : '';

const targetTable = [
  '| target | measured (ratio of medians, same run) | result |',
  '|---|---|---|',
  ...targets.map((t) => `| ${t.name} | ${t.measured} | **${t.pass ? 'PASS' : 'FAIL'}** |`),
].join('\n');

// ---- environment ----
const pkgVersion = (name) => {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'n/a';
  }
};
const git = (cmd) => {
  try {
    return execSync(`git ${cmd}`, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'n/a';
  }
};
const rxplowVersion = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const elapsed = (Date.now() - t0) / 1000;
const env = [
  `- Date: ${new Date().toISOString()}; whole run ${elapsed.toFixed(0)} s; mode: ${quick ? 'quick' : 'full'}, ${reps} interleaved repetition(s)`,
  `- Machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory (${(freemem() / 2 ** 30).toFixed(1)} GiB free at the end); load average ${load0.map((x) => x.toFixed(2)).join(' ')} at start, ${load1.map((x) => x.toFixed(2)).join(' ')} at end`,
  `- Node ${process.version} (${process.platform} ${process.arch}); default heap limit for every driver (no --max-old-space-size)`,
  `- rxplow ${rxplowVersion} at ${git('rev-parse --short HEAD')}${git('status --porcelain -- src') ? ' (with uncommitted src changes)' : ''}, built ESM (dist/esm); rxjs ${pkgVersion('rxjs')}, ky ${pkgVersion('ky')}, uuid ${pkgVersion('uuid')}`,
  `- @snowplow/node-tracker ${pkgVersion('@snowplow/node-tracker')}, @snowplow/browser-tracker ${pkgVersion('@snowplow/browser-tracker')}, esbuild ${pkgVersion('esbuild')}`,
].join('\n');

let notes = '';
try {
  notes = readFileSync(join(BENCH_DIR, 'NOTES.md'), 'utf8').trim();
} catch {
  // no hand-written notes
}
const md = `# rxplow benchmark results

Generated by \`npm run bench\` (bench/run.mjs). Issues 6, 9 (defaults variant) and 11 (size budgets).

${env}

## Method

- Every run: a fresh loopback sink process (bench/sink.mjs, node:http on 127.0.0.1, port 0) that counts unique
  \`eid\`s in acknowledged POST tp2 bodies / GET /i and injects faults from a seeded RNG (same fault sequence for every
  tracker in a repetition), and a fresh driver process per tracker (bench/drivers/*.mjs): trackers never share a heap.
- The same event for all: a self-describing event with 3 properties and one custom context entity, base64 (\`ue_px\`,
  \`cx\`), POST, batches of 100 events, 4 requests in flight for rxplow (its default) and the floor (Snowplow's emitter
  sends one request at a time).
- A driver does one synchronous burst of N \`track()\` calls (hrtime around the loop ÷ N = caller's cost per call),
  then awaits its tracker's flush. **events/s** = N ÷ (time from the burst's start to the moment the sink holds all N
  unique ids). **CPU** = the driver's \`process.cpuUsage()\` user+sys from the burst's start to flush resolved.
  **Peak RSS** = max(RSS sampled every 10 ms, \`process.resourceUsage().maxRSS\`), the latter so the burst (when no
  timer runs) is seen.
- Floor: bench/drivers/floor.mjs, ~50 lines of plain \`fetch\` + hand batching (same wire payload, payload_data
  envelope, 4 in flight, retry on 503 with 50 ms·2^n backoff capped at 1 s).
- rxplow: \`new Emitter(url, { bufferSize: 100, maxPostBytes: 200_000, maxQueueSize: max(100_000, N) })\` — the
  default \`maxQueueSize\` (100 000) would drop a 1M burst as \`queue-full\`, so the 1M run passes \`maxQueueSize: N\`;
  \`maxPostBytes\` is raised so a batch is 100 events (100 of these events are ~70 KB, over the 40 KB default); retry
  settings are the defaults.
- **Defaults variant** (issue 9; \`d100k\`): the same event and N = 100k, \`bufferSize: 100\` and every other option at
  its default, so \`maxPostBytes\` is 40 000 and a 100-event batch (~70 KB) must be split by bytes (~57 events per
  request). rxplow: \`new Emitter(url, { bufferSize: 100 })\`. Snowplow: \`bufferSize: 100\` and its default
  \`maxPostBytes\` (40 000), still with the \`maxSize: N\` store (its default store would drop all but 1000 events).
  Floor: the same 40 000-byte limit (see bench/NOTES.md): each event is serialised once when tracked, measured, and
  packed into bodies of ≤ 40 000 bytes and ≤ 100 events.
- Snowplow: \`newTracker\` + its own emitter, \`bufferSize: 100\`, \`maxPostBytes\` set so exactly 100 events fill a
  request (Snowplow fills requests by bytes only), and an in-memory event store with \`maxSize: N\`: its default
  store keeps only the newest 1000 events and would silently drop the rest of a burst. It has no periodic flush:
  \`flush()\` is called once after the burst. Runs are bounded in time; a run whose driver has finished flushing while
  the sink is short of N and no request arrives for 3 s is reported as **stalled**; one past its time bound as
  **timeout**; a driver that dies of heap exhaustion as **OOM**. The 1M Snowplow run is done once, bounded at 60 s.
- Cells: median over the repetitions that completed, (min–max) range; ratios are ratios of medians from this run.
- **Noise:** this machine (2 cores) is shared with other engineers' test suites while the bench runs, and the sink
  and the driver share the 2 cores. Absolute numbers move by tens of percent between runs; the ratios within one run
  (interleaved repetitions) are the result. Load averages above show how busy the machine was.

## Results

${SCENARIOS.map(scenarioTable).join('\n\n')}

### The two N = 100k variants, side by side

${variantTable}

${redisBench?.markdown ?? ''}

${backlogBench?.markdown ?? ''}

## Targets (issues 6, 9, 11, 14)

${targetTable}

## Browser bundle size (issue 11 budgets)

The probes of scripts/size-check.mjs (also a step of \`npm test\`): esbuild (bundle, minify, ESM, platform browser,
target ${bundle.target}, no legal comments) of a tiny entry importing from \`rxplow\` (the package's exports, i.e. the
built dist/esm), gzip level 9; rxjs resolved with esbuild's default conditions (rxjs's esm5 build + tslib) and with
the \`es2015\` condition (as Angular's build does). Budgets: probe A ≤ 17 KiB; probe B no larger than at a29dc97 (the
commit before the lean core): 24 620 B / 22 896 B. @snowplow/browser-tracker is measured in the same run.

${bundle.markdown}

${angularSize?.markdown ?? ''}

## Profile

\`node bench/profile.mjs\` runs the rxplow driver at N = 100k under \`node --cpu-prof\` and writes the top self-time
functions to bench/PROFILE.md (\`--variant=defaults\`: the defaults variant, to bench/PROFILE-defaults.md).

${notes}
`;

// Before/after (--baseline): this build next to an older one, per scenario and measure, in the same run.
function baselineTable() {
  const head = [
    '| scenario | measure | baseline | rxplow | rxplow ÷ baseline | baseline ÷ floor | rxplow ÷ floor |',
    '|---|---|---|---|---|---|---|',
  ];
  const rows = SCENARIOS.flatMap((sc) =>
    MEASURES.filter((m) => m.better).map((m) => {
      const [f, x, b] = ['floor', 'rxplow', 'baseline'].map((d) => agg(sc.id, d, m.key));
      return `| ${sc.id} | ${m.label} | ${cell(b, m.fmt)} | ${cell(x, m.fmt)} | ${fx(ratio(x, b))} | ${fx(ratio(b, f))} | ${fx(ratio(x, f))} |`;
    }),
  );
  return `## Before/after: rxplow against the baseline build (${baseline})\n\n${[...head, ...rows].join('\n')}`;
}

console.log(
  '\n' +
    (baseline ? baselineTable() + '\n\n' : '') +
    SCENARIOS.map(scenarioTable).join('\n\n') +
    '\n\n' +
    variantTable +
    '\n\n' +
    (redisBench?.markdown ?? '') +
    '\n' +
    (backlogBench?.markdown ?? '') +
    '\n## Targets\n\n' +
    targetTable +
    '\n\n' +
    bundle.markdown +
    '\n\n' +
    (angularSize?.markdown ?? ''),
);
if (write) {
  writeFileSync(join(BENCH_DIR, 'RESULTS.md'), md);
  console.log(`\nwrote bench/RESULTS.md (${elapsed.toFixed(0)} s)`);
} else {
  writeFileSync(join(BENCH_DIR, '.out', 'RESULTS.quick.md'), md);
  console.log(
    `\n(quick/no-write: bench/RESULTS.md left as is; this run's report is in bench/.out/RESULTS.quick.md) ${elapsed.toFixed(0)} s`,
  );
}
