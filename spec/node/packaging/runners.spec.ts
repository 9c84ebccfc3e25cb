// The test runners a Node developer has: the packed tarball installed into a temporary project with Jest 29 and 30
// (CommonJS and ESM modes), Vitest, node:test, mocha, tsx (.cts and .mts) and ts-node, and in each one a real test
// that loads every Node entry (rxplow, rxplow/testing, rxplow/collector, rxplow/redis) and delivers one event to the
// in-memory testing collector and one over real HTTP (ky) to the validating collector, which finds it good.
//
// The runners are installed once per run, into one project (Jest 29 and 30 side by side as npm aliases); the first
// run downloads them from the registry (about 30 s), later runs install from the npm cache. Each runner then takes
// 1–3 s: the whole spec takes about 40 s on a warm cache.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { installProject, ok, pack, run, versionOf } from './consumer.js';

const EXPECTED = 'se good=1 function';

/** The check every runner runs, as CommonJS: every Node entry with require, one event to each collector. */
const LIB_CJS = `const { Tracker, Emitter } = require('rxplow');
const { createTestingCollector } = require('rxplow/testing');
const { startCollector } = require('rxplow/collector');
const { RedisQueueEmitter } = require('rxplow/redis');
exports.check = async function check() {
  const memory = createTestingCollector();
  const collector = await startCollector({ out: null });
  const t = new Tracker([new Emitter(memory.url, { fetch: memory.fetch }), new Emitter(collector.url)]);
  t.trackStructEvent({ category: 'c', action: 'a' });
  await t.flush();
  await collector.idle();
  await collector.close();
  return memory.events.map((e) => e.eventType).join(',') + ' good=' + collector.good().length + ' ' + typeof RedisQueueEmitter;
};
`;
/** The same as an ES module. */
const LIB_ESM = LIB_CJS.replace(/^const \{ (\w+(?:, \w+)*) \} = require\('([^']+)'\);$/gm, "import { $1 } from '$2';")
  .replace('exports.check = async function check()', 'export async function check()')
  .replace(/^};$/m, '}');

/** The same in TypeScript (types from the package; `import` compiles to `require` in a .cts or a CommonJS project). */
const LIB_TS = `import { Tracker, Emitter, type DeliveryOutcome } from 'rxplow';
import { createTestingCollector, type TestingCollector } from 'rxplow/testing';
import { startCollector, type RunningCollector } from 'rxplow/collector';
import { RedisQueueEmitter, type RedisQueueEmitterOptions } from 'rxplow/redis';

async function check(): Promise<string> {
  const memory: TestingCollector = createTestingCollector();
  const collector: RunningCollector = await startCollector({ out: null });
  const outcomes: DeliveryOutcome[] = [];
  const t = new Tracker([new Emitter(memory.url, { fetch: memory.fetch }), new Emitter(collector.url)]);
  t.outcomes.subscribe((o) => outcomes.push(o));
  t.trackStructEvent({ category: 'c', action: 'a' });
  await t.flush();
  await collector.idle();
  await collector.close();
  const options: RedisQueueEmitterOptions | undefined = undefined;
  return \`\${memory.events.map((e) => e.eventType).join(',')} good=\${collector.good().length} \${typeof RedisQueueEmitter}\${options ?? ''}\`;
}
check().then((line) => console.log(line));
`;

const jestTest = (lib: string) => `${lib.endsWith('.mjs') ? `import { check } from '${lib}';` : `const { check } = require('${lib}');`}
test('rxplow loads and delivers', async () => {
  expect(await check()).toBe('${EXPECTED}');
});
`;
const nodeTest = (module: 'cjs' | 'mjs', name: string) =>
  (module === 'cjs'
    ? `const test = ${name === 'it' ? 'it' : "require('node:test')"};\nconst assert = require('node:assert');\nconst { check } = require('../lib.cjs');\n`
    : `${name === 'it' ? 'const test = it;' : "import test from 'node:test';"}\nimport assert from 'node:assert';\nimport { check } from '../lib.mjs';\n`) +
  `test('rxplow loads and delivers (${module})', async () => {\n  assert.strictEqual(await check(), '${EXPECTED}');\n});\n`;

/** The consumer project's files. */
const FILES: Record<string, string> = {
  'lib.cjs': LIB_CJS,
  'lib.mjs': LIB_ESM,
  'jest-cjs/rxplow.test.js': jestTest('../lib.cjs'),
  'jest-cjs/jest.config.cjs': "module.exports = { testEnvironment: 'node', transform: {}, testMatch: ['**/*.test.js'] };\n",
  'jest-esm/rxplow.test.mjs': jestTest('../lib.mjs'),
  'jest-esm/jest.config.cjs':
    "module.exports = { testEnvironment: 'node', transform: {}, testMatch: ['**/*.test.mjs'], moduleFileExtensions: ['js', 'mjs'] };\n",
  'vitest/rxplow.test.mjs': `import { expect, test } from 'vitest';\n${jestTest('../lib.mjs')}`,
  'node-test/rxplow.test.cjs': nodeTest('cjs', 'node:test'),
  'node-test/rxplow.test.mjs': nodeTest('mjs', 'node:test'),
  'mocha/rxplow.test.cjs': nodeTest('cjs', 'it'),
  'mocha/rxplow.test.mjs': nodeTest('mjs', 'it'),
  'ts/check.cts': LIB_TS,
  'ts/check.mts': LIB_TS,
  // ts-node typechecks (no --transpile-only) a CommonJS project with node10 resolution: "module": "commonjs" as many
  // services still have it (typesVersions gives it the subpaths' types)
  'ts-node/check.ts': LIB_TS,
  'ts-node/tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10', target: 'es2022', lib: ['es2022'], strict: true, types: ['node'] },
  }),
};

const RUNNERS = [
  'jest29@npm:jest@^29',
  'jest30@npm:jest@^30',
  'vitest@^3',
  'mocha@^11',
  `tsx@${versionOf('tsx')}`,
  'ts-node@^10',
  `typescript@${versionOf('typescript')}`,
  `@types/node@${versionOf('@types/node')}`,
];

describe('packaging: the test runners and loaders of a Node project load every Node entry of the tarball', function () {
  this.timeout(120_000);
  let work: string;
  let app: string;

  before(function () {
    this.timeout(300_000);
    work = mkdtempSync(join(tmpdir(), 'rxplow-runners-'));
    const { tarball } = pack(work);
    app = join(work, 'app');
    installProject(
      app,
      [tarball, `rxjs@${versionOf('rxjs')}`, `redis@${versionOf('redis')}`, ...RUNNERS],
      'the tarball, rxjs, redis and the runners',
      240_000,
    );
    for (const [file, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(app, file)), { recursive: true });
      writeFileSync(join(app, file), text);
    }
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const node = (args: readonly string[], what: string, cwd?: string): string =>
    ok(run(process.execPath, args, cwd ?? app, { timeout: 90_000 }), what);

  for (const jest of ['jest29', 'jest30']) {
    it(`${jest}, CommonJS mode (its default): require('rxplow') and every Node entry`, () => {
      const out = run(
        process.execPath,
        [`node_modules/${jest}/bin/jest.js`, '--ci', '--config', 'jest-cjs/jest.config.cjs', '--rootDir', 'jest-cjs'],
        app,
        {
          timeout: 90_000,
        },
      );
      expect(out.status, out.stderr).to.equal(0);
      expect(out.stderr).to.match(/Tests:\s+1 passed, 1 total/);
    });

    it(`${jest}, ESM mode (--experimental-vm-modules): import every Node entry`, () => {
      const out = run(
        process.execPath,
        [
          '--experimental-vm-modules',
          `node_modules/${jest}/bin/jest.js`,
          '--ci',
          '--config',
          'jest-esm/jest.config.cjs',
          '--rootDir',
          'jest-esm',
        ],
        app,
        { timeout: 90_000 },
      );
      expect(out.status, out.stderr).to.equal(0);
      expect(out.stderr).to.match(/Tests:\s+1 passed, 1 total/);
    });
  }

  it('Vitest', () => {
    const plain = node(['node_modules/vitest/vitest.mjs', 'run', '--root', 'vitest'], 'vitest').replace(/\u001b\[[0-9;]*m/g, '');
    expect(plain).to.match(/Tests\s+1 passed \(1\)/);
  });

  it('node:test, CommonJS and ESM', () => {
    expect(node(['--test', 'node-test/'], 'node --test')).to.match(/# pass 2\n# fail 0/);
  });

  it('mocha, CommonJS and ESM', () => {
    expect(node(['node_modules/mocha/bin/mocha.js', 'mocha/rxplow.test.cjs', 'mocha/rxplow.test.mjs'], 'mocha')).to.match(/2 passing/);
  });

  for (const file of ['ts/check.cts', 'ts/check.mts']) {
    it(`tsx ${file}`, () => {
      // --no-cache: the first load, as on a new machine (tsx's cache is shared by everything running tsx)
      expect(node(['node_modules/tsx/dist/cli.mjs', '--no-cache', file], `tsx ${file}`)).to.equal(EXPECTED);
    });
  }

  it('ts-node, typechecking a CommonJS project (moduleResolution node10)', () => {
    expect(node(['../node_modules/ts-node/dist/bin.js', 'check.ts'], 'ts-node', join(app, 'ts-node'))).to.equal(EXPECTED);
  });
});
