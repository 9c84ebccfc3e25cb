// Mocha reporter = the normal `spec` output, plus {passed, failed, skipped, failures}
// written to the file named by --reporter-option out=FILE (default
// .build/mocha-totals.json). Used by scripts/run-tests.mjs, which prints the
// failures again as the last lines of `npm test` (CI keeps only the tail of the log).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

class SpecWithTotals extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const out = (options && options.reporterOptions && options.reporterOptions.out) || '.build/mocha-totals.json';
    const failures = [];
    runner.on('fail', (test, err) => {
      const file = test.file ? path.relative(process.cwd(), test.file) : '';
      const message = String((err && err.message) || err)
        .split('\n')
        .slice(0, 6)
        .join('\n');
      failures.push({ title: test.fullTitle(), file, message });
    });
    runner.once('end', () => {
      const s = this.stats;
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, JSON.stringify({ passed: s.passes, failed: s.failures, skipped: s.pending, failures }) + '\n');
    });
  }
}
module.exports = SpecWithTotals;
