// The `rxplow` binary as a child process: `node --import tsx src/cli/main.ts collector ...`.
import { expect } from 'chai';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseCommandLine } from '../../../src/cli/args.js';
import { baseEvent, DEMO_SCHEMAS, REPO_ROOT, micro } from './support.js';

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Resolves with the next stdout line. */
  nextLine(): Promise<string>;
  /** Resolves with the exit code (or signal) and stderr. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function run(args: readonly string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' } });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return {
    process: child,
    nextLine: () => {
      const line = lines.shift();
      return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => waiting.push(resolve));
    },
    exited,
  };
}

describe('rxplow CLI (child process)', function () {
  this.timeout(20_000);
  const started: Child[] = [];
  afterEach(() => {
    for (const child of started.splice(0)) if (child.process.exitCode === null) child.process.kill('SIGKILL');
  });

  it('serves on the port it prints, validates events, and stops cleanly on SIGTERM with a summary', async () => {
    const child = run(['collector', '--port', '0', '--schemas', DEMO_SCHEMAS, '--json']);
    started.push(child);
    const listening = JSON.parse(await child.nextLine()) as { type: string; url: string; port: number };
    expect(listening.type).to.equal('listening');
    expect(listening.url).to.equal(`http://127.0.0.1:${listening.port}`);
    const ok = await fetch(`${listening.url}/i?${new URLSearchParams(baseEvent('pv', { url: 'https://shop.example/' }))}`);
    expect(ok.status).to.equal(200);
    expect(JSON.parse(await child.nextLine())).to.deep.include({ type: 'good', method: 'GET', eventType: 'page_view' });
    await fetch(`${listening.url}/i?${new URLSearchParams(baseEvent('pv', { extra: 'x' }))}`);
    expect(JSON.parse(await child.nextLine())).to.deep.include({ type: 'bad', errors: ['payload_data: / must NOT have additional properties: "extra"'] });
    expect(await micro.all(listening)).to.deep.equal({ total: 2, good: 1, bad: 1 });
    child.process.kill('SIGTERM');
    expect(JSON.parse(await child.nextLine())).to.deep.equal({ type: 'summary', total: 2, good: 1, bad: 1 });
    const exit = await child.exited;
    expect(exit).to.deep.include({ code: 0, signal: null });
  });

  it('prints readable lines, and stops cleanly on SIGINT', async () => {
    const child = run(['collector', '--port', '0']);
    started.push(child);
    const first = await child.nextLine();
    const port = /port (\d+)/.exec(first)?.[1];
    expect(first).to.match(/^rxplow collector listening on http:\/\/127\.0\.0\.1:\d+ \(port \d+; schemas: bundled Iglu Central\)$/);
    await fetch(`http://127.0.0.1:${port}/nowhere`);
    expect(await child.nextLine()).to.match(/^bad {3}GET {2}\(\/nowhere\) +— unknown path: GET \/nowhere/);
    child.process.kill('SIGINT');
    expect(await child.nextLine()).to.equal('rxplow collector: 1 event(s): 0 good, 1 bad');
    expect((await child.exited).code).to.equal(0);
  });

  it('prints usage and exits 2 on bad arguments', async () => {
    for (const args of [[], ['serve'], ['collector', '--port', 'abc'], ['collector', '--bogus']]) {
      const exit = await run(args).exited;
      expect(exit.code, args.join(' ')).to.equal(2);
      expect(exit.stderr).to.include('Usage: rxplow collector [options]');
    }
  });

  it('exits 1 with a message when a schema folder is missing', async () => {
    const exit = await run(['collector', '--port', '0', '--schemas', '/no/such/folder']).exited;
    expect(exit.code).to.equal(1);
    expect(exit.stderr).to.equal('rxplow: rxplow collector: schema folder not found: /no/such/folder\n');
  });
});

describe('rxplow CLI arguments', () => {
  it('reads every flag, with repeatable --schemas and --iglu', () => {
    const { options } = parseCommandLine([
      'collector', '--port', '0', '--host', '::1', '--schemas', 'a', '--schemas', 'b', '--iglu', 'http://127.0.0.1:1/', '--post-path', '/x',
      '--json', '--no-builtin-schemas', '--max-body-bytes', '10',
    ]);
    expect(options).to.deep.equal({
      port: 0, host: '::1', schemaDirs: ['a', 'b'], igluUrls: ['http://127.0.0.1:1/'], builtinSchemas: false, postPath: '/x', json: true, maxBodyBytes: 10,
    });
  });

  it('has the documented defaults', () => {
    expect(parseCommandLine(['collector']).options).to.deep.include({ port: 9090, host: '127.0.0.1', builtinSchemas: true, json: false, maxBodyBytes: 1_000_000 });
  });

  it('rejects a bad --post-path, --iglu or --port', () => {
    for (const args of [['--post-path', 'x'], ['--iglu', 'ftp://x'], ['--port', '70000']]) {
      expect(() => parseCommandLine(['collector', ...args]), args.join(' ')).to.throw();
    }
  });
});
