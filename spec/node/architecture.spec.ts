// The architecture rules of eslint.config.js (docs/architecture.md) bite: each forbidden import below is reported,
// each allowed one is not. `npm test` lints the whole tree with the same rules.
import { expect } from 'chai';
import { ESLint } from 'eslint';

const CASES: readonly { readonly file: string; readonly code: string; readonly allowed: boolean }[] = [
  { file: 'src/payload/x.ts', code: "import { of } from 'rxjs';", allowed: false },
  { file: 'src/payload/x.ts', code: "import { InvalidEventError } from '../errors.js';", allowed: true },
  { file: 'src/events/x.ts', code: "import { Emitter } from '../emitter/emitter.js';", allowed: false },
  { file: 'src/emitter/x.ts', code: "import ky from 'ky';", allowed: false },
  { file: 'src/emitter/ky-transport.ts', code: "import ky from 'ky';", allowed: true },
  { file: 'src/emitter/x.ts', code: "import { Tracker } from '../tracker/tracker.js';", allowed: false },
  { file: 'src/tracker/core.ts', code: "import { Emitter } from '../emitter/emitter.js';", allowed: false },
  { file: 'src/tracker/core.ts', code: "import type { Sink } from '../emitter/sink.js';", allowed: true },
  { file: 'src/tracker/core.ts', code: "import { checkShutdownTimeout } from '../emitter/durations.js';", allowed: true },
  { file: 'src/tracker/core.ts', code: "import { PAGE_VIEW } from '../events/web.js';", allowed: false },
  { file: 'src/tracker/tracker.ts', code: "import { PAGE_VIEW } from '../events/web.js';", allowed: true },
  { file: 'src/tracker/core.ts', code: "import { FORM_SUBMISSION } from '../events/forms.js';", allowed: false },
  { file: 'src/testing/x.ts', code: "import { createServer } from 'node:http';", allowed: false },
  { file: 'src/browser/x.ts', code: "import { startCollector } from '../collector/index.js';", allowed: false },
  { file: 'src/cli/x.ts', code: "import { createTestingCollector } from '../testing/index.js';", allowed: false },
  { file: 'src/index.ts', code: "export { createBrowserTracker } from './browser/index.js';", allowed: false },
  // rxplow/extend: the extension machinery lives in its own entry; the main entry never re-exports it.
  { file: 'src/index.ts', code: "export { QueuedSink } from './extend/index.js';", allowed: false },
  { file: 'src/extend/index.ts', code: "export { QueuedSink } from '../emitter/queued-sink.js';", allowed: true },
  { file: 'src/extend/index.ts', code: "export { createBrowserTracker } from '../browser/index.js';", allowed: false },
  { file: 'src/extend/index.ts', code: "export { Tracker } from '../tracker/tracker.js';", allowed: false },
  // Angular: only src/angular imports it; src/angular builds on the browser entry and the core, never on Node.
  { file: 'src/angular/x.ts', code: "import { inject } from '@angular/core';", allowed: true },
  { file: 'src/angular/x.ts', code: "import { Router } from '@angular/router';", allowed: true },
  { file: 'src/angular/x.ts', code: "import { createBrowserTracker } from '../browser/index.js';", allowed: true },
  { file: 'src/angular/x.ts', code: "import { startCollector } from '../collector/index.js';", allowed: false },
  { file: 'src/angular/x.ts', code: "import { readFile } from 'node:fs';", allowed: false },
  { file: 'src/browser/x.ts', code: "import { inject } from '@angular/core';", allowed: false },
  { file: 'src/browser/x.ts', code: "import { provideTracker } from '../angular/index.js';", allowed: false },
  { file: 'src/tracker/core.ts', code: "import { NgZone } from '@angular/core';", allowed: false },
  { file: 'src/tracker/tracker.ts', code: "import { NgZone } from '@angular/core';", allowed: false },
  { file: 'src/emitter/x.ts', code: "import { NgZone } from '@angular/core';", allowed: false },
  { file: 'src/payload/x.ts', code: "import 'zone.js';", allowed: false },
  { file: 'src/testing/x.ts', code: "import { TestBed } from '@angular/core/testing';", allowed: false },
  { file: 'src/index.ts', code: "import { isPlatformServer } from '@angular/common';", allowed: false },
  { file: 'src/index.ts', code: "export { provideTracker } from './angular/index.js';", allowed: false },
  // Only src/redis/ imports the Redis client; no core or browser module reaches it or rxplow/redis.
  { file: 'src/redis/x.ts', code: "import { createClient } from 'redis';", allowed: true },
  { file: 'src/redis/x.ts', code: "import { batchEvents } from '../emitter/batch.js';", allowed: true },
  { file: 'src/redis/x.ts', code: "import { Tracker } from '../tracker/tracker.js';", allowed: false },
  { file: 'src/index.ts', code: "import { createClient } from 'redis';", allowed: false },
  { file: 'src/index.ts', code: "export { RedisQueueEmitter } from './redis/index.js';", allowed: false },
  { file: 'src/emitter/x.ts', code: "import { createClient } from 'redis';", allowed: false },
  { file: 'src/tracker/core.ts', code: "import { createClient } from 'redis';", allowed: false },
  { file: 'src/browser/x.ts', code: "import { createClient } from '@redis/client';", allowed: false },
  { file: 'src/browser/x.ts', code: "import { RedisQueueEmitter } from '../redis/index.js';", allowed: false },
  { file: 'src/payload/x.ts', code: "import { createClient } from 'redis';", allowed: false },
  { file: 'src/cli/x.ts', code: "import { createClient } from 'redis';", allowed: false },
  { file: 'src/cli/x.ts', code: "import { createRedisWorker } from '../redis/index.js';", allowed: true },
  // The collector library: the CLI depends on it, never the reverse; it builds on the protocol core only.
  { file: 'src/cli/x.ts', code: "import { startCollector } from '../collector/server.js';", allowed: true },
  { file: 'src/collector/x.ts', code: "import { runWorker } from '../cli/worker.js';", allowed: false },
  { file: 'src/collector/x.ts', code: "import { Emitter } from '../emitter/emitter.js';", allowed: false },
  { file: 'src/collector/x.ts', code: "import { decodeJsonField } from '../payload/decode.js';", allowed: true },
  // rxplow/generate (Node only) reads schema folders as the collector does; nothing of the core or the browser reaches it.
  { file: 'src/generate/x.ts', code: "import { igluPathOf } from '../collector/schema-resolver.js';", allowed: true },
  { file: 'src/generate/x.ts', code: "import type { JsonSchema } from '../events/schema-check.js';", allowed: true },
  { file: 'src/generate/x.ts', code: "import { Tracker } from '../tracker/tracker.js';", allowed: false },
  { file: 'src/index.ts', code: "export { generate } from './generate/index.js';", allowed: false },
  { file: 'src/events/x.ts', code: "import { generate } from '../generate/index.js';", allowed: false },
  { file: 'src/browser/x.ts', code: "import { generate } from '../generate/index.js';", allowed: false },
];

describe('architecture: import directions are enforced by eslint', function () {
  this.timeout(60_000);
  const eslint = new ESLint();
  for (const { file, code, allowed } of CASES) {
    it(`${allowed ? 'allows' : 'refuses'} in ${file}: ${code}`, async () => {
      const [result] = await eslint.lintText(code, { filePath: file });
      const restricted = result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports');
      expect(
        restricted.map((m) => m.message),
        code,
      ).to.have.length(allowed ? 0 : 1);
    });
  }
});
