// The published package, as a user gets it: `npm pack` the repo, install the tarball with rxjs into a fresh project in
// a temp folder, then import it from ESM and CJS, typecheck both, and run `npx rxplow --version`.
//
// Packs the current dist/ (npm test builds first; `--ignore-scripts` so this spec does not rebuild dist/ under the
// other specs): that `npm pack` builds on its own is the `prepack` script's job, checked below. The install is offline
// from the npm cache when it can be (`--offline`), else `--prefer-offline` (the registry for what the cache lacks).
import { expect } from 'chai';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  scripts: Record<string, string>;
  exports: Record<string, unknown>;
};
/** Every entry of the exports map as a specifier: `rxplow`, `rxplow/testing`, ... */
const entries = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));
const versionOf = (name: string): string =>
  (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const rxjsVersion = versionOf('rxjs');
/**
 * rxplow/angular's optional peers (and theirs), so that its entry loads too, on Node, as in SSR (no browser global at
 * import). Angular's packages need their linker or, as here, the JIT compiler loaded first.
 */
const angular = ['@angular/core', '@angular/common', '@angular/router', '@angular/platform-browser', '@angular/compiler'].map(
  (name) => `${name}@${versionOf(name)}`,
);

/** The environment for child processes: no tsx loader or npm lifecycle settings leaking in from this run. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || key.startsWith('npm_')) continue;
    env[key] = value;
  }
  return env;
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) throw new Error(`${what} exited ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout.trim();
}

describe('packaging (npm pack → install → use)', function () {
  this.timeout(120_000);
  let work: string;
  let app: string;
  let files: string[];

  before(function () {
    if (!existsSync(join(root, 'dist/esm/index.js')) || !existsSync(join(root, 'dist/cjs/index.js'))) {
      throw new Error('dist/ is missing: run `npm run build` (npm test does) before this spec');
    }
    work = mkdtempSync(join(tmpdir(), 'rxplow-pack-'));
    const packed = JSON.parse(ok(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root), 'npm pack')) as {
      filename: string;
      files: { path: string }[];
    }[];
    files = packed[0]!.files.map((f) => f.path);
    const tarball = join(work, packed[0]!.filename);

    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'rxplow-consumer', private: true, version: '1.0.0' }, null, 2));
    const install = (mode: string) =>
      run('npm', ['install', mode, '--no-audit', '--no-fund', '--no-save', tarball, `rxjs@${rxjsVersion}`, ...angular], app);
    let installed = install('--offline');
    if (installed.status !== 0) installed = install('--prefer-offline');
    ok(installed, 'npm install (the tarball, rxjs and Angular)');
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('`npm pack` builds first: prepack runs the build', () => {
    expect(pkg.scripts['prepack']).to.match(/scripts\/build\.mjs|npm run build/);
  });

  it('the tarball holds both builds, their types, the CLI and the schemas, and no sources or source maps', () => {
    expect(files).to.include.members([
      'package.json',
      'README.md',
      'dist/esm/index.js',
      'dist/esm/index.d.ts',
      'dist/cjs/index.js',
      'dist/cjs/index.d.ts',
      'dist/cjs/package.json',
      'dist/esm/testing/index.js',
      'dist/cjs/testing/index.js',
      'dist/esm/cli/main.js',
      'schemas/iglu-central/com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4',
    ]);
    expect(
      files.filter((f) => f.endsWith('.map')),
      'source maps',
    ).to.deep.equal([]);
    expect(
      files.filter((f) => /^(src|spec|bench|scripts|docs)\//.test(f)),
      'not for the package',
    ).to.deep.equal([]);
  });

  it('import from ESM: both entries load, and events are delivered end to end', () => {
    writeFileSync(
      join(app, 'esm.mjs'),
      [
        "import { Tracker, Emitter, TRACKER_VERSION } from 'rxplow';",
        "import { createTestingCollector } from 'rxplow/testing';",
        'const c = createTestingCollector();',
        'const t = new Tracker(new Emitter(c.url, { fetch: c.fetch }));',
        "t.trackStructEvent({ category: 'c', action: 'a' });",
        'await t.flush();',
        "console.log(TRACKER_VERSION, c.events.map((e) => e.eventType).join(','));",
      ].join('\n'),
    );
    expect(ok(run(process.execPath, ['esm.mjs'], app), 'node esm.mjs')).to.equal(`rxplow-${pkg.version} se`);
  });

  it('require from CJS: both entries load, and events are delivered end to end', () => {
    writeFileSync(
      join(app, 'cjs.cjs'),
      [
        "const { Tracker, Emitter, TRACKER_VERSION } = require('rxplow');",
        "const { createTestingCollector } = require('rxplow/testing');",
        'const c = createTestingCollector();',
        'const t = new Tracker(new Emitter(c.url, { fetch: c.fetch }));',
        "t.trackStructEvent({ category: 'c', action: 'a' });",
        "t.flush().then(() => console.log(TRACKER_VERSION, c.events.map((e) => e.eventType).join(',')));",
      ].join('\n'),
    );
    expect(ok(run(process.execPath, ['cjs.cjs'], app), 'node cjs.cjs')).to.equal(`rxplow-${pkg.version} se`);
  });

  it(`every entry of the exports map loads with import and with require (${entries.join(', ')})`, () => {
    const list = JSON.stringify(entries);
    const esm = `await import('@angular/compiler'); for (const e of ${list}) console.log(e, Object.keys(await import(e)).length > 0);`;
    const cjs = `require('@angular/compiler'); for (const e of ${list}) console.log(e, Object.keys(require(e)).length > 0);`;
    const expected = entries.map((e) => `${e} true`).join('\n');
    expect(ok(run(process.execPath, ['--input-type=module', '-e', esm], app), 'import every entry')).to.equal(expected);
    expect(ok(run(process.execPath, ['-e', cjs], app), 'require every entry')).to.equal(expected);
  });

  it('typechecks for ESM and CJS consumers (moduleResolution NodeNext, strict)', () => {
    const esm = join(app, 'check.mts');
    const cjs = join(app, 'check.cts');
    const body = [
      'const t: Tracker = new Tracker(new Emitter("https://c.example", { method: "post" }));',
      'const c: TestingCollector = createTestingCollector();',
      'export const done: Promise<unknown> = Promise.all([t.flush(), c.url]);',
    ].join('\n');
    writeFileSync(
      esm,
      `import { Tracker, Emitter } from 'rxplow';\nimport { createTestingCollector, type TestingCollector } from 'rxplow/testing';\n${body}\n`,
    );
    writeFileSync(
      cjs,
      `import { Tracker, Emitter } from 'rxplow';\nimport { createTestingCollector, type TestingCollector } from 'rxplow/testing';\n${body}\n`,
    );
    const program = ts.createProgram([esm, cjs], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    expect(
      ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => app, getNewLine: () => '\n' }),
    ).to.equal('');
    // each file got the declarations of its own format
    const declarations = program
      .getSourceFiles()
      .map((f) => f.fileName.slice(app.length + 1))
      .filter((f) => f.startsWith('node_modules/rxplow/'));
    expect(declarations).to.include.members(['node_modules/rxplow/dist/esm/index.d.ts', 'node_modules/rxplow/dist/cjs/index.d.ts']);
  });

  it('`npx rxplow --version` prints the version', () => {
    expect(ok(run('npx', ['--no', '--', 'rxplow', '--version'], app), 'npx rxplow --version')).to.equal(pkg.version);
  });
});
