// The CJS build and Node's require(esm). ky is ESM-only, so `require('rxplow')` loads it through require(esm): on by
// default from Node 20.19 and 22.12, off on Node 22.0–22.11. So `engines` admits exactly `^20.19.0 || >=22.12.0`
// (README, Promises). `node --no-experimental-require-module` reproduces the versions outside that range: there
// `require('rxplow')` fails with a message that says why and what to do, while `import` still works, and so does
// `require('rxplow/testing')` (it needs no ky). Runs against dist/ through the package's self-reference.
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

  it('engines admits exactly the Node versions with require(esm) on by default, and the README says so', () => {
    expect(pkg.engines.node).to.equal('^20.19.0 || >=22.12.0');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).to.include('^20.19.0 || >=22.12.0');
  });

  it('this Node runs with require(esm) on (so the rest of the suite tests the CJS build as users get it)', () => {
    const r = node(['-e', "console.log(typeof require('rxplow').Tracker)"]);
    expect(r.stdout, r.stderr).to.equal('function');
  });

  describe(`without require(esm) (${NO_REQUIRE_ESM}, as on Node 22.0–22.11)`, () => {
    it("require('rxplow') fails with a message naming the supported Node versions and the way out", () => {
      const r = node([NO_REQUIRE_ESM, '-e', "require('rxplow')"]);
      expect(r.status).to.not.equal(0);
      expect(r.stderr).to.include("Error: require('rxplow') needs Node's require(esm), which is off in this Node");
      expect(r.stderr).to.include(pkg.engines.node);
      expect(r.stderr).to.include('import()');
    });

    it("import('rxplow') and require('rxplow/testing') still work", () => {
      const esm = node([NO_REQUIRE_ESM, '--input-type=module', '-e', "const m = await import('rxplow'); console.log(m.TRACKER_VERSION)"]);
      expect(esm.stdout, esm.stderr).to.equal(`rxplow-${pkg.version}`);
      const testing = node([NO_REQUIRE_ESM, '-e', "console.log(typeof require('rxplow/testing').createTestingCollector)"]);
      expect(testing.stdout, testing.stderr).to.equal('function');
    });

    it("from CJS, import('rxplow') works too", () => {
      const r = node([NO_REQUIRE_ESM, '-e', "import('rxplow').then((m) => console.log(typeof m.Emitter))"]);
      expect(r.stdout, r.stderr).to.equal('function');
    });
  });
});
