// `rxplow generate` as it ships: the built bin (dist/esm/cli/main.js, what `npx rxplow` runs) as a child process.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../../../src/generate/index.js';
import { REPO_ROOT, SPEC_SCHEMAS } from './support.js';

const BIN = join(REPO_ROOT, 'dist/esm/cli/main.js');

/** Newest mtime of the files under a folder. */
const newest = (dir: string): number =>
  Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
    ),
  );

function rxplow(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('rxplow generate (the built CLI, child process)', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    // The CLI as it ships: build it when dist/ is missing or older than src/ (npm test builds first).
    if (!existsSync(BIN) || statSync(BIN).mtimeMs < newest(join(REPO_ROOT, 'src'))) {
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/build.mjs')], { cwd: REPO_ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stderr}`);
    }
    dir = mkdtempSync(join(tmpdir(), 'rxplow-generate-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help lists every option with its default; rxplow --help lists the command', () => {
    const help = rxplow('generate', '--help');
    expect(help.code).to.equal(0);
    for (const flag of [
      '--schemas DIR',
      '--iglu-central',
      '--out FILE.ts',
      '--check',
      '--import-from MODULE',
      '--no-runtime-checks',
      '--help',
    ])
      expect(help.stdout).to.include(flag);
    expect(help.stdout.match(/\(default: /g)).to.have.length(5);
    expect(help.stdout).to.include('(default: rxplow)');
    expect(rxplow('--help').stdout).to.match(/^ {2}generate +write typed event and entity constructors/m);
  });

  it('writes the module the API generates, and --check then says it is up to date (exit 0)', () => {
    const out = join(dir, 'written/typed.ts');
    const r = rxplow('generate', '--schemas', SPEC_SCHEMAS, '--iglu-central', '--out', out);
    expect(r, r.stderr).to.include({ code: 0 });
    expect(r.stdout).to.match(/wrote .*typed\.ts \(\d+ schema versions\)/);
    expect(readFileSync(out, 'utf8')).to.equal(generate({ schemas: [SPEC_SCHEMAS], igluCentral: true }));
    const check = rxplow('generate', '--schemas', SPEC_SCHEMAS, '--iglu-central', '--out', out, '--check');
    expect(check.code).to.equal(0);
    expect(check.stdout).to.include('is up to date');
  });

  it('--check exits 1 when a schema changed, printing what changed, and writes nothing', () => {
    const schemas = join(dir, 'schemas');
    cpSync(SPEC_SCHEMAS, schemas, { recursive: true });
    const out = join(dir, 'stale.ts');
    expect(rxplow('generate', '--schemas', schemas, '--out', out).code).to.equal(0);
    const before = readFileSync(out, 'utf8');
    // A new version of one schema, and a renamed property in another.
    mkdirSync(join(schemas, 'com.acme.other/checkout/jsonschema'), { recursive: true });
    const other = JSON.parse(readFileSync(join(schemas, 'com.acme.other/checkout/jsonschema/1-0-0'), 'utf8'));
    writeFileSync(
      join(schemas, 'com.acme.other/checkout/jsonschema/1-0-1'),
      JSON.stringify({ ...other, self: { ...other.self, version: '1-0-1' } }),
    );
    const search = join(schemas, 'com.acme.spec/search/jsonschema/1-0-0');
    writeFileSync(search, readFileSync(search, 'utf8').replace('"page"', '"pageNumber"'));
    const check = rxplow('generate', '--schemas', schemas, '--out', out, '--check');
    expect(check.code).to.equal(1);
    expect(check.stderr).to.include('is stale');
    const lines = check.stderr.split('\n');
    expect(lines).to.include(
      '  new: iglu:com.acme.other/checkout/jsonschema/1-0-1 (OtherCheckoutV1_0_1, otherCheckoutV1_0_1, otherCheckoutEntityV1_0_1, OtherCheckout, otherCheckout, otherCheckoutEntity)',
    );
    expect(lines).to.include('  changed: iglu:com.acme.other/checkout/jsonschema/1-0-0'); // its aliases moved to 1-0-1
    expect(lines).to.include('  changed: iglu:com.acme.spec/search/jsonschema/1-0-0');
    expect(lines).to.include('    -  readonly page?: number | undefined;');
    expect(lines).to.include('    +  readonly pageNumber?: number | undefined;');
    expect(readFileSync(out, 'utf8')).to.equal(before);
  });

  it('--check exits 1 when the file is missing; a usage error exits 2 with the usage; a broken schema exits 1 naming the file', () => {
    const missing = rxplow('generate', '--schemas', SPEC_SCHEMAS, '--out', join(dir, 'none.ts'), '--check');
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include('cannot be read');
    const usage = rxplow('generate', '--schemas', SPEC_SCHEMAS);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.include('--out FILE.ts is required');
    expect(usage.stderr).to.include('Usage: rxplow generate');
    const broken = join(dir, 'broken/com.acme/bad/jsonschema');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, '1-0-0'), '{ not json');
    const r = rxplow('generate', '--schemas', join(dir, 'broken'), '--out', join(dir, 'broken.ts'));
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include('com.acme/bad/jsonschema/1-0-0: not JSON');
    expect(existsSync(join(dir, 'broken.ts'))).to.equal(false);
    const nowhere = rxplow('generate', '--schemas', join(dir, 'nowhere'), '--out', join(dir, 'nowhere.ts'));
    expect(nowhere.code).to.equal(1);
    expect(nowhere.stderr).to.include('is not a folder');
  });
});
