// The CJS build and Node's require(esm). ky is ESM-only; the CJS build carries it inside (dist/cjs/vendor/ky.js,
// bundled by esbuild in scripts/build.mjs), so `require('rxplow')` does not depend on require(esm), which is off on
// Node 22.0–22.11 and in loaders such as Jest's CommonJS mode (spec/node/packaging/runners.spec.ts).
// `node --no-experimental-require-module` reproduces those Node versions: every Node entry still loads with require.
// Runs against dist/ through the package's self-reference.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; engines: { node: string } };
const NO_REQUIRE_ESM = '--no-experimental-require-module';

function node(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  const r = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

describe('packaging: the CJS build and require(esm)', function () {
  this.timeout(30_000);
  before(() => {
    if (!existsSync(join(root, 'dist/cjs/index.js')))
      throw new Error('dist/ is missing: run `npm run build` (npm test does) before this spec');
  });

  it('engines is ^20.19.0 || >=22.12.0, and the README says so', () => {
    expect(pkg.engines.node).to.equal('^20.19.0 || >=22.12.0');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).to.include('^20.19.0 || >=22.12.0');
  });

  it('this Node runs with require(esm) on (so the rest of the suite tests the CJS build as users get it)', () => {
    const r = node(['-e', "console.log(typeof require('rxplow').Tracker)"]);
    expect(r.stdout, r.stderr).to.equal('function');
  });

  describe(`without require(esm) (${NO_REQUIRE_ESM}, as on Node 22.0–22.11)`, () => {
    it("require('rxplow') loads and delivers: ky is inside the CJS build", () => {
      const script = [
        "const { Tracker, Emitter } = require('rxplow');",
        "const { createTestingCollector } = require('rxplow/testing');",
        'const c = createTestingCollector();',
        'const t = new Tracker(new Emitter(c.url, { fetch: c.fetch }));',
        "t.trackStructEvent({ category: 'c', action: 'a' });",
        "t.flush().then(() => console.log(c.events.map((e) => e.eventType).join(',')));",
      ].join('\n');
      const r = node([NO_REQUIRE_ESM, '-e', script]);
      expect(r.stdout, r.stderr).to.equal('se');
    });

    it('every Node entry loads with require, and with import', () => {
      const entries = ['rxplow', 'rxplow/testing', 'rxplow/collector', 'rxplow/redis'];
      const cjs = node([
        NO_REQUIRE_ESM,
        '-e',
        `for (const e of ${JSON.stringify(entries)}) console.log(Object.keys(require(e)).length > 0)`,
      ]);
      expect(cjs.stdout, cjs.stderr).to.equal(entries.map(() => 'true').join('\n'));
      const esm = node([NO_REQUIRE_ESM, '--input-type=module', '-e', "const m = await import('rxplow'); console.log(m.TRACKER_VERSION)"]);
      expect(esm.stdout, esm.stderr).to.equal(`rxplow-${pkg.version}`);
    });
  });
});
