// Mocha reporter = the normal `spec` output, plus {passed, failed, skipped}
// written to the file named by --reporter-option out=FILE (default
// .build/mocha-totals.json). Used by scripts/run-tests.mjs.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

class SpecWithTotals extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const out = (options && options.reporterOptions && options.reporterOptions.out) || '.build/mocha-totals.json';
    runner.once('end', () => {
      const s = this.stats;
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, JSON.stringify({ passed: s.passes, failed: s.failures, skipped: s.pending }) + '\n');
    });
  }
}
module.exports = SpecWithTotals;
