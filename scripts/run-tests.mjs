// npm test: build, typecheck, lint, Node specs (mocha; the hardening specs a second time in production mode),
// browser specs (Karma + Chromium). Every step runs even if an earlier one failed; the last line is
//   N passed, N failed, N skipped
// aggregated over the Node and browser runs (a failed non-test step, or a test
// run that produced no totals, counts as 1 failed). Exit code 1 on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const bin = (pkg, file) => join(dirname(require.resolve(`${pkg}/package.json`)), file);

const mochaTotals = join(root, '.build/mocha-totals.json');
const mochaProductionTotals = join(root, '.build/mocha-production-totals.json');
const karmaTotals = join(root, '.build/karma-totals.json');
const karmaZoneTotals = join(root, '.build/karma-zone-totals.json');

const steps = [
  { name: 'build', cmd: ['scripts/build.mjs'] },
  { name: 'typecheck', cmd: [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json'] },
  { name: 'lint', cmd: [bin('eslint', 'bin/eslint.js'), '.'] },
  { name: 'format (prettier --check)', cmd: [bin('prettier', 'bin/prettier.cjs'), '--check', '.'] },
  {
    name: 'API reference (TypeDoc, undocumented exports fail)',
    cmd: [bin('typedoc', 'bin/typedoc'), '--options', 'scripts/typedoc.config.mjs'],
  },
  { name: 'size budgets', cmd: ['scripts/size-check.mjs'] },
  {
    name: 'test:node',
    cmd: [bin('mocha', 'bin/mocha.js'), '--reporter', 'scripts/mocha-totals-reporter.cjs', '--reporter-option', `out=${mochaTotals}`],
    totals: mochaTotals,
  },
  // Issue 20: the hardening specs again in production mode (coded diagnostics; .mocharc.production.json sets NODE_ENV).
  {
    name: 'test:production (hardening specs in production mode)',
    cmd: [
      bin('mocha', 'bin/mocha.js'),
      '--config',
      '.mocharc.production.json',
      '--reporter',
      'scripts/mocha-totals-reporter.cjs',
      '--reporter-option',
      `out=${mochaProductionTotals}`,
    ],
    totals: mochaProductionTotals,
  },
  { name: 'bundle browser specs', cmd: ['scripts/bundle-browser-specs.mjs'] },
  { name: 'test:browser', cmd: [bin('karma', 'bin/karma'), 'start', 'karma.conf.js'], totals: karmaTotals, needs: 'bundle browser specs' },
  // zone.js patches globals: its specs (spec/browser/zone/) run in a page of their own.
  { name: 'bundle zone.js browser specs', cmd: ['scripts/bundle-browser-specs.mjs', '--zone'] },
  {
    name: 'test:browser (zone.js)',
    cmd: [bin('karma', 'bin/karma'), 'start', 'karma.conf.js'],
    env: { RXPLOW_KARMA_BUNDLE: 'zone' },
    totals: karmaZoneTotals,
    needs: 'bundle zone.js browser specs',
  },
];

const sum = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const failedSteps = [];
const t0 = Date.now();

for (const step of steps) {
  if (step.totals) rmSync(step.totals, { force: true });
  if (step.needs && failedSteps.includes(step.needs)) {
    console.log(`\n=== ${step.name}: skipped (${step.needs} failed)`);
    failedSteps.push(step.name);
    sum.failed++;
    continue;
  }
  console.log(`\n=== ${step.name}`);
  const s0 = Date.now();
  // A step that hangs (a handle some spec left open) fails after 40 minutes instead of holding CI to its limit.
  const r = spawnSync(process.execPath, step.cmd, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...step.env },
    timeout: 40 * 60 * 1000,
    killSignal: 'SIGKILL',
  });
  if (r.error) console.log(`=== ${step.name}: ${r.error.message}`);
  let ok = r.status === 0;
  if (step.totals) {
    if (existsSync(step.totals)) {
      const t = JSON.parse(readFileSync(step.totals, 'utf8'));
      sum.passed += t.passed;
      sum.failed += t.failed;
      sum.skipped += t.skipped;
      for (const f of t.failures ?? []) failures.push({ step: step.name, ...f });
      // a non-zero exit with no failed test (crash, browser error, no tests): count it
      if (!ok && t.failed === 0) sum.failed++;
      if (t.errors) ok = false;
    } else {
      sum.failed++;
      ok = false;
    }
  } else if (!ok) {
    sum.failed++;
  }
  if (!ok) failedSteps.push(step.name);
  console.log(`=== ${step.name}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - s0) / 1000).toFixed(1)}s)`);
}

// The failed specs again, at the end, where a truncated CI log still shows them.
for (const f of failures) {
  console.log(`\nFAILED [${f.step}] ${f.title}${f.file ? ` (${f.file})` : ''}\n  ${f.message.replaceAll('\n', '\n  ')}`);
}
console.log(
  `\nnpm test: ${((Date.now() - t0) / 1000).toFixed(1)}s${failedSteps.length ? `; FAILED steps: ${failedSteps.join(', ')}` : '; all steps ok'}`,
);
console.log(`${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped`);
process.exit(failedSteps.length ? 1 : 0);
