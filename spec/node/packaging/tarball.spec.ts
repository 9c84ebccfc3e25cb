// The published package, as a user gets it: `npm pack` the repo, install the tarball with rxjs into a fresh project in
// a temp folder, then import it from ESM and CJS, typecheck both, and run `npx rxplow --version`.
//
// Packs the current dist/ (npm test builds first; `--ignore-scripts` so this spec does not rebuild dist/ under the
// other specs): that `npm pack` builds on its own is the `prepack` script's job, checked below. The install is offline
// from the npm cache when it can be (`--offline`), else `--prefer-offline` (the registry for what the cache lacks).
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';
import { installProject, ok, pack, root, run, versionOf } from './consumer.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  scripts: Record<string, string>;
  exports: Record<string, unknown>;
  repository: { url: string };
  homepage: string;
  bugs: { url: string };
  author: string;
  keywords: string[];
};
/** Every entry of the exports map as a specifier: `rxplow`, `rxplow/testing`, ... */
const entries = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));
/** The entries for Node (CJS and ESM builds); rxplow/browser and rxplow/angular are ESM only, for browsers and bundlers. */
// ESM only by design: the browser and Angular entries (bundlers), and rxplow/generate (a Node build-time tool, ESM).
const ESM_ONLY = ['./browser', './angular', './generate'];
const rxjsVersion = versionOf('rxjs');
/**
 * rxplow/angular's optional peers (and theirs), so that its entry loads too, on Node, as in SSR (no browser global at
 * import). Angular's packages need their linker or, as here, the JIT compiler loaded first.
 */
const angular = ['@angular/core', '@angular/common', '@angular/router', '@angular/platform-browser', '@angular/compiler'].map(
  (name) => `${name}@${versionOf(name)}`,
);
const bin = (name: string, file: string): string => join(root, 'node_modules', name, file);

describe('packaging (npm pack → install → use)', function () {
  this.timeout(120_000);
  let work: string;
  let app: string;
  let files: readonly string[];
  let tarball: string;

  before(function () {
    work = mkdtempSync(join(tmpdir(), 'rxplow-pack-'));
    ({ tarball, files } = pack(work));
    app = join(work, 'app');
    installProject(app, [tarball, `rxjs@${rxjsVersion}`, ...angular], 'the tarball, rxjs and Angular');
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
      'dist/cjs/collector/index.js',
      'dist/cjs/collector/index.d.ts',
      'dist/cjs/redis/index.js',
      'dist/cjs/vendor/ky.js',
      'LICENSE',
      'CHANGELOG.md',
      'docs/getting-started.md',
      'docs/migrating-from-node-tracker.md',
      'examples/schemas/com.acme/viewed_product/jsonschema/1-0-0',
    ]);
    expect(
      files.filter((f) => f.endsWith('.map')),
      'source maps',
    ).to.deep.equal([]);
    expect(
      files.filter((f) => /^(src|spec|bench|scripts|examples\/angular)\//.test(f)),
      'not for the package',
    ).to.deep.equal([]);
  });

  it('is licensed (Apache-2.0, with the LICENSE text) and says where it comes from', () => {
    const installed = JSON.parse(readFileSync(join(app, 'node_modules/rxplow/package.json'), 'utf8')) as typeof pkg;
    expect(installed.license).to.equal('Apache-2.0');
    expect(readFileSync(join(app, 'node_modules/rxplow/LICENSE'), 'utf8'))
      .to.include('Apache License')
      .and.include('Version 2.0');
    expect(installed.repository.url).to.match(/^git\+https:\/\//);
    expect(installed.homepage).to.match(/^https:\/\//);
    expect(installed.bugs.url).to.match(/^https:\/\//);
    expect(installed.author).to.be.a('string').and.not.equal('');
    expect(installed.keywords).to.include.members(['snowplow', 'analytics', 'rxjs']);
  });

  it('the docs ship with the package: every relative link of README.md and docs/*.md resolves inside node_modules/rxplow', () => {
    const installed = join(app, 'node_modules/rxplow');
    const markdown = files.filter((f) => f === 'README.md' || f === 'CHANGELOG.md' || /^docs\/[^/]+\.md$/.test(f));
    expect(markdown).to.include.members(['README.md', 'docs/getting-started.md', 'docs/testing.md', 'docs/redis.md']);
    const broken: string[] = [];
    for (const file of markdown) {
      const text = readFileSync(join(installed, file), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!) || target!.startsWith('#')) continue;
        const path = normalize(join(dirname(file), target!.split('#')[0]!));
        if (!existsSync(join(installed, path))) broken.push(`${file} -> ${target}`);
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it('publint finds nothing to fix in the tarball', () => {
    const out = ok(run(process.execPath, [bin('publint', 'src/cli.js'), '--strict', tarball], root), 'publint');
    expect(out).to.include('All good!');
  });

  it('are-the-types-wrong: types resolve under node10, node16 (CJS and ESM) and bundler for every Node entry', () => {
    const node = Object.keys(pkg.exports).filter((e) => e !== './package.json' && !ESM_ONLY.includes(e));
    ok(
      run(process.execPath, [bin('@arethetypeswrong/cli', 'dist/index.js'), tarball, '--format', 'ascii', '--entrypoints', ...node], root),
      'attw',
    );
    // rxplow/browser, rxplow/angular and rxplow/generate are ESM only: checked under the esm-only profile
    ok(
      run(
        process.execPath,
        [
          bin('@arethetypeswrong/cli', 'dist/index.js'),
          tarball,
          '--format',
          'ascii',
          '--profile',
          'esm-only',
          '--entrypoints',
          ...ESM_ONLY,
        ],
        root,
      ),
      'attw (ESM-only entries)',
    );
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

  for (const [name, module, moduleResolution] of [
    ['node10 (module CommonJS)', ts.ModuleKind.CommonJS, ts.ModuleResolutionKind.Node10],
    ['bundler (module ESNext)', ts.ModuleKind.ESNext, ts.ModuleResolutionKind.Bundler],
  ] as const) {
    it(`typechecks every entry under moduleResolution ${name}`, () => {
      const file = join(app, `check-${moduleResolution}.ts`);
      writeFileSync(
        file,
        [
          "import { Tracker, Emitter, debugOutcomes } from 'rxplow';",
          "import { createTestingCollector } from 'rxplow/testing';",
          "import { startCollector } from 'rxplow/collector';",
          "import { RedisQueueEmitter } from 'rxplow/redis';",
          "import { createBrowserTracker } from 'rxplow/browser';",
          "import { provideTracker } from 'rxplow/angular';",
          'export const all: unknown[] = [Tracker, Emitter, debugOutcomes, createTestingCollector, startCollector, RedisQueueEmitter, createBrowserTracker, provideTracker];',
        ].join('\n'),
      );
      const program = ts.createProgram([file], {
        module,
        moduleResolution,
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        esModuleInterop: true,
        types: [],
      });
      const diagnostics = ts.getPreEmitDiagnostics(program);
      expect(
        ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => app, getNewLine: () => '\n' }),
      ).to.equal('');
    });
  }

  it('`npx rxplow --version` prints the version', () => {
    expect(ok(run('npx', ['--no', '--', 'rxplow', '--version'], app), 'npx rxplow --version')).to.equal(pkg.version);
  });
});
