// A newcomer's first hour (issue 19): the docs' own examples, run as written (only the port of the local collector,
// the Redis URL and the schemas path change) against the docs' own validating collector started with the sample
// schemas (`--schemas examples/schemas`): README → getting-started → testing → redis meets no error, sends only good
// events, and every example process exits by itself (the Redis worker on SIGTERM, as the docs say).
//
// The examples import `rxplow` through the package's self-reference, i.e. the built dist/ (npm test builds first).
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector, type RunningCollector } from '../../../src/collector/index.js';
import { client, RedisServer, waitFor } from '../redis/support.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const SAMPLES = join(root, 'examples/schemas');
// One folder per process: two runs of the suite at once (a developer's and an editor's) never run each other's files.
const dir = join(root, `.build/first-hour-${process.pid}`);

/** The ```ts block of a Markdown file that contains `marker`. */
function block(file: string, marker: string): string {
  const blocks = [...readFileSync(join(root, file), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  const found = blocks.filter((b) => b.includes(marker));
  if (found.length !== 1) throw new Error(`${file}: ${found.length} blocks contain ${JSON.stringify(marker)}`);
  return found[0]!;
}

/** The reader's own objects the docs' examples use without defining (spec/node/docs/prelude.ts). */
const READER =
  'const log = { warn: (_: string) => undefined, info: (_: string) => undefined };\n' +
  'const metrics = { increment: (_: string, __?: number) => undefined };\n';

/** Runs a block as an ES module (tsx for its TypeScript); resolves to its exit code and output. */
function runBlock(
  name: string,
  code: string,
  env: NodeJS.ProcessEnv = {},
  whenStarted?: (child: ChildProcess, out: () => string) => Promise<void>,
) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.mts`);
  writeFileSync(file, READER + code);
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    out: () => out,
    result: (async () => {
      await whenStarted?.(child, () => out);
      // every wait has a deadline: an example that never exits fails here
      const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timeout);
      return { code, out };
    })(),
  };
}

describe('docs: the first hour, as a newcomer follows README → getting-started → testing → redis', function () {
  this.timeout(60_000);
  let collector: RunningCollector;
  const local = (code: string) => code.replaceAll('localhost:9090', `localhost:${collector.port}`);

  beforeEach(async () => {
    collector = await startCollector({ schemaDirs: [SAMPLES], out: null });
  });
  afterEach(() => collector.close());
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function expectOnlyGood(count: number): Promise<void> {
    await collector.idle();
    expect(collector.bad().map((b) => b.errors)).to.deep.equal([]);
    expect(collector.good()).to.have.length(count);
  }

  it('README: the Use example sends 6 good events, prints the debug lines, and exits by itself', async () => {
    const { code, out } = await runBlock('readme', local(block('README.md', 'debugOutcomes(t);'))).result;
    expect(code, out).to.equal(0);
    expect(out).to.match(/\[rxplow\] ✔ GET http:\/\/localhost:\d+\/i +sent +1 event\(s\) \[ue\] status 200, attempt 1/);
    expect(out).not.to.match(/failed|dropped|retrying/);
    await expectOnlyGood(6);
  });

  it('getting-started: the first tracker sends 6 good events (its com.acme schemas are the samples) and exits', async () => {
    const code = local(block('docs/getting-started.md', "new Tracker([get, post], { namespace: 'cf', appId: 'my-app' })"));
    const result = await runBlock('getting-started', code).result;
    expect(result.code, result.out).to.equal(0);
    expect(result.out).to.equal('');
    await expectOnlyGood(6);
  });

  it('testing: the schema check example passes with mocha against the sample schemas', async () => {
    const example = block('docs/testing.md', 'startCollector({ schemaDirs:').replace('node_modules/rxplow/examples/schemas', SAMPLES);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'testing.spec.mts'), example);
    const child = spawn(process.execPath, ['node_modules/mocha/bin/mocha.js', '--no-config', join(dir, 'testing.spec.mts')], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '--import tsx' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out).to.equal(0);
    expect(out).to.match(/1 passing/);
  });

  it('redis: the producer example queues its event and exits; the worker example delivers it good and exits on SIGTERM', async () => {
    const server = await RedisServer.start();
    try {
      const producer = block('docs/redis.md', 'new RedisQueueEmitter(').replace('redis://127.0.0.1:6379', server.url);
      const produced = await runBlock('redis-producer', producer).result;
      expect(produced.code, produced.out).to.equal(0);
      const redis = await client(server.url);
      expect(await redis.sendCommand(['XLEN', 'rxplow:events'])).to.equal(1);
      redis.destroy();

      const env = { REDIS_URL: server.url, COLLECTOR_URL: `localhost:${collector.port}`, HOSTNAME: 'docs' };
      const worker = runBlock('redis-worker', block('docs/redis.md', 'createRedisWorker({'), env, async (child, out) => {
        const delivered = async () => (await collector.idle(), collector.good().length === 1);
        try {
          await waitFor('the worker delivered the event', async () => child.exitCode !== null || (await delivered()));
        } finally {
          child.kill(child.exitCode === null && (await delivered()) ? 'SIGTERM' : 'SIGKILL');
        }
        if (!(await delivered())) throw new Error(`the worker did not deliver: ${out()}`);
      });
      const stopped = await worker.result;
      expect(stopped.code, stopped.out).to.equal(0);
      await expectOnlyGood(1);
    } finally {
      await server.stop();
    }
  });
});
