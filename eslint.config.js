// ESLint 9 flat config. Fast: no type-aware rules. It also enforces the architecture (docs/architecture.md): which
// folder of src/ may import which, and which third-party packages each may use.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Our folders, innermost first. */
const FOLDERS = [
  'payload',
  'events',
  'emitter',
  'tracker',
  'extend',
  'testing',
  'browser',
  'angular',
  'collector',
  'redis',
  'generate',
  'cli',
];

/**
 * The import rules of one folder of src/: the folders of ours it may not import (`types` ones only with
 * `import type`), and the packages it may not import. One rule object per folder, as flat config blocks replace a
 * rule rather than merge it.
 */
function layer(folder, { forbid = [], typesOnly = [], packages = [], message, redis = false, angular = false }) {
  const ours = (names) => names.flatMap((name) => [`../${name}/*`, `../${name}/**`, `./${name}/*`]);
  const patterns = [];
  if (forbid.length) patterns.push({ group: ours(forbid), message: `${folder}/ may not import ${forbid.join(', ')}/ (${message})` });
  if (typesOnly.length) {
    patterns.push({
      group: ours(typesOnly),
      allowTypeImports: true,
      message: `${folder}/ may import only types from ${typesOnly.join(', ')}/ (${message})`,
    });
  }
  if (packages.length) patterns.push({ group: packages, message: `${folder}/ may not use ${packages.join(', ')} (${message})` });
  if (!redis) patterns.push(REDIS);
  if (!angular) patterns.push(ANGULAR);
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
}

const NODE = ['node:*', 'fs', 'http', 'https', 'net', 'child_process', 'os', 'path'];
const CLI_ONLY = ['ajv', 'ajv-*', 'ajv/*'];
/** The Redis client (node-redis, or any other): only src/redis/ imports it (rxplow/redis, Node only). A regex, as a
 * gitignore-style `redis` would also match our own folder `../redis/`. */
const REDIS = {
  regex: '^(?:redis|ioredis|@redis/[^/]+)(?:/.*)?$',
  message: 'only src/redis/ (rxplow/redis, Node only) imports a Redis client',
};
/** Angular: only src/angular/ (rxplow/angular) imports it; the core and the browser entry stay framework-free. */
const ANGULAR = {
  group: ['@angular/*', '@angular/**', 'zone.js', 'zone.js/*'],
  message: 'only src/angular/ (rxplow/angular) imports Angular',
};
const outside = (...keep) => FOLDERS.filter((f) => !keep.includes(f));

const LEAN_CORE_EVENTS = {
  group: [
    '../events/registry.js',
    '../events/web.js',
    '../events/forms.js',
    '../events/structured.js',
    '../events/screen.js',
    '../events/ecommerce.js',
    '../events/ads.js',
    '../events/consent.js',
    '../events/engagement.js',
  ],
  allowTypeImports: true,
  message: 'the lean core must not pull event definitions into a bundle: only tracker/tracker.ts (the classic Tracker) may',
};

/** The tracker folder's rules, with `extra` patterns (and files left to another block). */
function trackerRules(files, extra, ignores = []) {
  return {
    files,
    ignores,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../testing/*', '../browser/*', '../angular/*', '../collector/*', '../cli/*', '../generate/*'],
              message: 'tracker/ may not import testing/, browser/, angular/, collector/, cli/ or generate/',
            },
            ANGULAR,
            {
              group: ['../emitter/*', '!../emitter/durations.js'],
              allowTypeImports: true,
              message: 'tracker/ may import only types from emitter/ (and emitter/durations.js)',
            },
            ...extra,
            { group: ['ky', ...NODE, ...CLI_ONLY], message: 'tracker/ may not use ky, Node modules or ajv' },
            REDIS,
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', '.build/**', 'coverage/**', 'node_modules/**', 'bench/.out/**', 'examples/**/dist/**'] },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-console': 'error' },
  },
  // The protocol core: no I/O, no clock, no RxJS, nothing else of ours.
  layer('payload', {
    forbid: outside('payload'),
    packages: ['rxjs', 'rxjs/*', 'ky', 'uuid', ...NODE, ...CLI_ONLY],
    message: 'the protocol core is pure',
  }),
  layer('events', {
    forbid: outside('payload', 'events'),
    packages: ['rxjs', 'rxjs/*', 'ky', 'uuid', ...NODE, ...CLI_ONLY],
    message: 'event definitions are pure data and functions',
  }),
  // Delivery never knows the tracker; only emitter/ky-transport.ts imports ky.
  layer('emitter', {
    forbid: outside('payload', 'emitter'),
    packages: ['uuid', ...NODE, ...CLI_ONLY],
    message: 'delivery depends on the protocol core only',
  }),
  {
    files: ['src/emitter/**/*.ts'],
    ignores: ['src/emitter/ky-transport.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '../events/*',
                '../tracker/*',
                '../testing/*',
                '../browser/*',
                '../angular/*',
                '../collector/*',
                '../cli/*',
                '../generate/*',
              ],
              message: 'emitter/ depends on payload/ only',
            },
            ANGULAR,
            { group: ['ky', 'uuid', ...NODE, ...CLI_ONLY], message: 'only emitter/ky-transport.ts imports ky' },
            REDIS,
          ],
        },
      ],
    },
  },
  // The tracker depends on delivery through its types (Sink, outcomes) and the durations module only; only the classic
  // Tracker (tracker/tracker.ts) may import event definitions, so the lean core never pulls them into a bundle.
  trackerRules(['src/tracker/tracker.ts'], []),
  trackerRules(['src/tracker/**/*.ts'], [LEAN_CORE_EVENTS], ['src/tracker/tracker.ts']),
  // rxplow/extend: the extension machinery (the queue base, the attempt engine, event definitions), re-exported.
  layer('extend', {
    forbid: outside('payload', 'events', 'emitter', 'extend'),
    packages: [...NODE, ...CLI_ONLY],
    message: 'the extension entry re-exports delivery and event machinery only',
  }),
  // rxplow/testing runs in browsers: fetch-compatible, no Node, no delivery internals.
  layer('testing', {
    forbid: outside('payload', 'testing'),
    packages: ['ky', ...NODE, ...CLI_ONLY],
    message: 'the testing collector runs in Node and browsers',
  }),
  // rxplow/browser: public modules of the core, never Node, the CLI or the collector.
  layer('browser', {
    forbid: ['testing', 'angular', 'collector', 'cli', 'redis', 'generate'],
    packages: [...NODE, ...CLI_ONLY],
    message: 'the browser layer builds on the core only',
  }),
  // rxplow/collector (Node only): the collector library; the CLI depends on it, never the reverse.
  layer('collector', {
    forbid: ['browser', 'angular', 'testing', 'redis', 'cli', 'tracker', 'emitter'],
    packages: [],
    message: 'the collector library builds on the protocol core (payload/) only; the CLI depends on it',
  }),
  // rxplow/redis (Node only): the one folder that may import the Redis client; it builds on delivery and the protocol core.
  layer('redis', {
    forbid: ['tracker', 'browser', 'angular', 'testing', 'collector', 'cli', 'generate'],
    packages: [...CLI_ONLY],
    message: 'rxplow/redis builds on emitter/ and payload/ only',
    redis: true,
  }),
  // rxplow/angular: the one folder that may import Angular; it builds on the browser entry and the core, never Node.
  layer('angular', {
    forbid: ['testing', 'collector', 'redis', 'cli', 'generate'],
    packages: [...NODE, ...CLI_ONLY],
    message: 'rxplow/angular builds on rxplow/browser and the core',
    angular: true,
  }),
  // rxplow/generate (Node only): schemas to TypeScript; reads schema folders as the collector does (collector/schema-resolver.ts).
  layer('generate', {
    forbid: ['emitter', 'tracker', 'testing', 'browser', 'angular', 'cli', 'redis'],
    typesOnly: ['events'],
    packages: [],
    message: "the generator writes code for the public API; it uses only the collector library's schema reading and event types",
  }),
  layer('cli', {
    forbid: ['browser', 'angular', 'testing'],
    packages: [],
    message: 'the CLI reads the protocol through payload/decode.ts, and Redis through src/redis/',
  }),
  // The main entry never reaches the browser layer, the collector or the CLI.
  {
    files: ['src/index.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['./browser/*', './angular/*', './collector/*', './cli/*', './testing/*', './redis/*', './extend/*', './generate/*'],
              message: 'the main entry may not import browser/, angular/, collector/, cli/, testing/, redis/, extend/ or generate/',
            },
            ANGULAR,
            REDIS,
          ],
        },
      ],
    },
  },
  {
    files: ['spec/**/*.ts'],
    languageOptions: { globals: { ...globals.mocha } },
    rules: {
      // chai: expect(x).to.be.true
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
