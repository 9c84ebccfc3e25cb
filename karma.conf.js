// Karma: runs the browser spec bundle (.build/browser/specs.js, made by
// scripts/bundle-browser-specs.mjs; `npm run test:browser` does both steps)
// in headless Chromium: $CHROME_BIN when set, Debian's /usr/bin/chromium otherwise. Never downloads a browser.
//
// HOW A SPEC REACHES THE KARMA ORIGIN
//   The specs run in Karma's page http://127.0.0.1:9876/context.html (in an
//   iframe of the runner page; both share the origin). So a browser spec can
//   POST to a middleware path on the SAME origin, no CORS needed:
//       await fetch(`${window.location.origin}/__rxplow/collector/tp2`, { method: 'POST', body })
//   Keep middleware paths under a prefix such as /__rxplow/ so they never
//   clash with Karma's own /base/, /absolute/, /context.html, /karma.js ...
//   Karma serves on port 9876 (or the next free one): always use
//   window.location.origin, never a hard-coded port.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import karmaCollector from './spec/support/karma-collector.cjs';

const root = dirname(fileURLToPath(import.meta.url));
process.env.CHROME_BIN ||= '/usr/bin/chromium';
// RXPLOW_KARMA_BUNDLE=zone runs the zone.js bundle (.build/browser-zone/specs.js, `bundle-browser-specs.mjs --zone`)
// instead, with its totals in .build/karma-zone-totals.json.
const bundle = process.env.RXPLOW_KARMA_BUNDLE === 'zone' ? '.build/browser-zone/specs.js' : '.build/browser/specs.js';
const totalsFile = process.env.RXPLOW_KARMA_BUNDLE === 'zone' ? '.build/karma-zone-totals.json' : '.build/karma-totals.json';

// Writes .build/karma-totals.json ({passed, failed, skipped, errors}) at the
// end of the run; scripts/run-tests.mjs reads it for the summary line.
function TotalsReporter(baseReporterDecorator) {
  baseReporterDecorator(this);
  const t = { passed: 0, failed: 0, skipped: 0, errors: 0, failures: [] };
  this.adapters = []; // print nothing; the mocha reporter does the talking
  this.onSpecComplete = (_browser, result) => {
    if (result.skipped || result.pending) t.skipped++;
    else if (result.success) t.passed++;
    else {
      t.failed++;
      const message = (result.log || []).join('\n').split('\n').slice(0, 6).join('\n');
      t.failures.push({ title: [...result.suite, result.description].join(' '), file: 'karma', message });
    }
  };
  this.onBrowserError = () => {
    t.errors++;
  };
  this.onRunComplete = (_browsers, results) => {
    if (results.error || results.disconnected) t.errors = Math.max(t.errors, 1);
    mkdirSync(join(root, '.build'), { recursive: true });
    writeFileSync(join(root, totalsFile), JSON.stringify(t) + '\n');
  };
}
TotalsReporter.$inject = ['baseReporterDecorator'];

// ---------------------------------------------------------------------------
// CUSTOM MIDDLEWARE (add the loopback collector here)
// A Karma middleware is a connect-style (req, res, next) handler made by a
// DI factory. To add one:
//   1. write the factory, e.g.
//        function collectorFactory(/* config */) {
//          return (req, res, next) => {
//            if (!req.url.startsWith('/__rxplow/')) return next();
//            ... read body, record it, res.writeHead(200); res.end();
//          };
//        }
//        collectorFactory.$inject = ['config'];
//      (or import it from spec/browser/support/...mjs)
//   2. register it in `extraPlugins` as { 'middleware:rxplow-collector': ['factory', collectorFactory] }
//   3. add 'rxplow-collector' to `extraMiddleware` (runs after Karma's own
//      handlers; use config.beforeMiddleware instead to run before them).
// The loopback collector for browser delivery specs: /__rxplow/<session>/... (see spec/support/karma-collector.cjs).
const extraPlugins = [{ 'middleware:rxplow-collector': ['factory', karmaCollector.collectorFactory] }];
const extraMiddleware = ['rxplow-collector'];
// ---------------------------------------------------------------------------

export default function (config) {
  config.set({
    basePath: root,
    frameworks: ['mocha'],
    files: [
      { pattern: bundle, type: 'module', watched: false },
      { pattern: `${bundle}.map`, included: false, served: true, watched: false },
    ],
    plugins: [
      'karma-mocha',
      'karma-chrome-launcher',
      'karma-mocha-reporter',
      { 'reporter:rxplow-totals': ['type', TotalsReporter] },
      ...extraPlugins,
    ],
    middleware: extraMiddleware,
    reporters: ['mocha', 'rxplow-totals'],
    mochaReporter: { output: 'full' },
    client: {
      captureConsole: true,
      mocha: { timeout: 10000, reporter: 'html' },
    },
    browsers: ['ChromiumHeadlessCI'],
    customLaunchers: {
      ChromiumHeadlessCI: {
        base: 'ChromeHeadless',
        flags: [
          '--no-sandbox',
          '--headless',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-quic',
        ],
      },
    },
    port: 9876,
    listenAddress: '127.0.0.1',
    hostname: '127.0.0.1',
    singleRun: true,
    autoWatch: false,
    failOnEmptyTestSuite: true,
    browserNoActivityTimeout: 60000,
    captureTimeout: 60000,
    logLevel: config.LOG_INFO,
  });
}
