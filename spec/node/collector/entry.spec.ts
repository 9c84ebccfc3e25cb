// rxplow/collector: the validating collector started from code. Its URL, its records, and a close() that leaves
// nothing running: no server, no socket, no timer, the port free again, and a script that uses it exits on its own.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import * as entry from '../../../src/collector/index.js';
import { startCollector, type RunningCollector } from '../../../src/collector/index.js';
import { baseEvent, DEMO_SCHEMAS, postEvents, rawRequest, REPO_ROOT, TP2, trackerFor } from '../cli/support.js';

/** The kinds of resources a collector could leave behind: servers, sockets, timers. */
const WATCHED = new Set(['TCPServerWrap', 'TCPSocketWrap', 'TCPWrap', 'Timeout', 'Immediate']);

/** Active watched resources by kind, e.g. `{ TCPServerWrap: 1, Timeout: 1 }`. */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo().sort()) if (WATCHED.has(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** The resources active once the test is under way (mocha starts its timeout timer after the test's first await). */
async function baselineResources(): Promise<Record<string, number>> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return activeResources();
}

/** Waits (up to 2 s) until the active resources are back to `baseline`; returns what they are then. */
async function settleTo(baseline: Record<string, number>): Promise<Record<string, number>> {
  const deadline = Date.now() + 2_000;
  let now = activeResources();
  while (JSON.stringify(now) !== JSON.stringify(baseline) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    now = activeResources();
  }
  return now;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('rxplow/collector (programmatic entry)', () => {
  it('is in the exports map for import and require, built from src/collector/index.ts', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, { types: string; default: string }>>;
    };
    const exported = pkg.exports['./collector'];
    // ESM for import; for require, a CJS bundle of it with its own declarations (scripts/build.mjs)
    for (const [condition, format] of [
      ['import', 'esm'],
      ['require', 'cjs'],
    ]) {
      expect(exported?.[condition!], condition).to.deep.equal({
        types: `./dist/${format}/collector/index.d.ts`,
        default: `./dist/${format}/collector/index.js`,
      });
    }
    expect(Object.keys(entry).sort()).to.deep.equal(['COLLECTOR_DEFAULTS', 'builtinSchemasDir', 'startCollector']);
  });

  it('returns its url and records, and close() leaves no server, socket or timer behind and the port free', async () => {
    const baseline = await baselineResources();
    const collector = await startCollector({ schemaDirs: [DEMO_SCHEMAS], out: null });
    expect(collector.url).to.equal(`http://127.0.0.1:${collector.port}`);
    expect(activeResources()['TCPServerWrap'] ?? 0).to.equal((baseline['TCPServerWrap'] ?? 0) + 1);

    const tracker = trackerFor(collector); // a real emitter: fetch, with keep-alive connections
    tracker
      .trackPageView({ pageUrl: 'https://shop.example/' })
      .trackSelfDescribingEvent({ schema: 'iglu:com.rxplow.demo/checkout_step/jsonschema/1-0-0', data: { step: 'x' } });
    await tracker.shutdown();
    await collector.idle();
    expect(collector.summary()).to.deep.equal({ total: 2, good: 1, bad: 1 });
    expect(collector.good().map((g) => g.eventType)).to.deep.equal(['page_view']);
    expect(collector.bad()[0]!.errors).to.deep.equal(['event iglu:com.rxplow.demo/checkout_step/jsonschema/1-0-0: /step must be integer']);

    expect(await collector.close()).to.deep.equal({ total: 2, good: 1, bad: 1 });
    expect(await collector.close()).to.deep.equal({ total: 2, good: 1, bad: 1 }); // idempotent
    expect(await settleTo(baseline)).to.deep.equal(baseline);
    expect(await portIsFree(collector.port)).to.equal(true);
    let refused: unknown;
    await rawRequest(collector.url, '/health').catch((error: unknown) => (refused = error));
    expect((refused as { code?: string }).code).to.equal('ECONNREFUSED');
  });

  it('close() ends connections still open: an upload in progress, an idle keep-alive connection', async () => {
    const baseline = await baselineResources();
    const collector: RunningCollector = await startCollector({ out: null });
    await postEvents(collector, [baseEvent('pv')]); // leaves a keep-alive connection in fetch's pool
    const upload = httpRequest(`${collector.url}${TP2}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '1000' },
      agent: false,
    });
    const uploadEnded = new Promise<string>((resolve) => {
      upload.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      upload.on('response', (res) => resolve(`status ${res.statusCode}`));
    });
    upload.write('{"schema":"iglu:');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await collector.close();
    expect(Date.now() - started).to.be.below(1_000);
    expect(await uploadEnded).to.equal('ECONNRESET');
    expect(await settleTo(baseline)).to.deep.equal(baseline);
  });

  it('a script that starts and closes it exits on its own (nothing left running)', async function () {
    this.timeout(20_000);
    const script = `
      import { startCollector } from './src/collector/index.ts';
      const collector = await startCollector({ out: null });
      const query = new URLSearchParams(${JSON.stringify(baseEvent('pv'))});
      const response = await fetch(collector.url + '/i?' + query);
      await response.arrayBuffer();
      await collector.idle();
      console.log(JSON.stringify(await collector.close()));
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).to.equal(0);
    expect(JSON.parse(stdout)).to.deep.equal({ total: 1, good: 1, bad: 0 });
    expect(Date.now() - started).to.be.below(15_000);
  });
});
