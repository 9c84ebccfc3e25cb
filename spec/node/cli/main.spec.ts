// The `rxplow` binary as a child process: `node --import tsx src/cli/main.ts collector ...`.
import { expect } from 'chai';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { HELP, parseCommandLine, USAGE, type Parsed } from '../../../src/cli/args.js';
import { COLLECTOR_DEFAULTS } from '../../../src/collector/defaults.js';
import { VERSION } from '../../../src/version.js';
import { baseEvent, DEMO_SCHEMAS, REPO_ROOT, micro } from './support.js';

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Resolves with the next stdout line. */
  nextLine(): Promise<string>;
  /** Resolves with the exit code (or signal) and stderr. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function run(args: readonly string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1' },
  });
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
    expect(JSON.parse(await child.nextLine())).to.deep.include({
      type: 'bad',
      errors: ['payload_data: / must NOT have additional properties: "extra"'],
    });
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
    const cases: [string[], string][] = [
      [[], 'Usage: rxplow <command>'],
      [['serve'], 'Usage: rxplow <command>'],
      [['collector', '--port', 'abc'], 'Usage: rxplow collector [options]'],
      [['collector', '--bogus'], 'Usage: rxplow collector [options]'],
      [['collector', '--max-stored-events', '0'], 'Usage: rxplow collector [options]'],
    ];
    for (const [args, usage] of cases) {
      const exit = await run(args).exited;
      expect(exit.code, args.join(' ')).to.equal(2);
      expect(exit.stderr).to.include(usage);
    }
  });

  it('--version prints the version; --help and collector --help print usage, exit 0', async () => {
    const version = run(['--version']);
    expect(await version.nextLine()).to.equal(VERSION);
    expect((await version.exited).code).to.equal(0);
    expect(await run(['-v']).nextLine()).to.equal(VERSION);
    const help = run(['--help']);
    expect(await help.nextLine()).to.equal('Usage: rxplow <command> [options]');
    expect((await help.exited).code).to.equal(0);
    const collectorHelp = run(['collector', '--help']);
    expect(await collectorHelp.nextLine()).to.equal('Usage: rxplow collector [options]');
    expect((await collectorHelp.exited).code).to.equal(0);
  });

  it('survives `rxplow collector | head -1` (EPIPE): keeps serving, says so on stderr, stops cleanly', async () => {
    const head = spawn('head', ['-1'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'collector', '--port', '0', '--json'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', head.stdin, 'pipe'],
    });
    head.stdin.destroy(); // the collector's stdout is the only writer; head the only reader
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const first = await new Promise<string>((resolve) => head.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
      const listening = JSON.parse(first) as { url: string };
      await new Promise((resolve) => head.on('exit', resolve)); // from now on every line hits a closed pipe
      for (let i = 0; i < 50; i++) expect((await fetch(`${listening.url}/i?${new URLSearchParams(baseEvent('pv'))}`)).status).to.equal(200);
      expect(await micro.all(listening)).to.deep.equal({ total: 50, good: 50, bad: 0 });
      expect(child.exitCode).to.equal(null);
      expect(stderr).to.equal('rxplow collector: the output is closed (EPIPE): no more lines are printed; the collector keeps running\n');
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      expect(stderr.split('\n')).to.have.length(2); // nothing more, no stack trace
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 1 with a message when a schema folder is missing', async () => {
    const exit = await run(['collector', '--port', '0', '--schemas', '/no/such/folder']).exited;
    expect(exit.code).to.equal(1);
    expect(exit.stderr).to.equal('rxplow: rxplow collector: schema folder not found: /no/such/folder\n');
  });
});

describe('rxplow CLI arguments', () => {
  const collectorOptions = (parsed: Parsed) => {
    if (parsed.command !== 'collector') throw new Error(`expected the collector command, got ${parsed.command}`);
    return parsed.options;
  };

  it('reads every flag, with repeatable --schemas, --iglu and --allow-host', () => {
    const options = collectorOptions(
      parseCommandLine([
        'collector',
        '--port',
        '0',
        '--host',
        '::1',
        '--schemas',
        'a',
        '--schemas',
        'b',
        '--iglu',
        'http://127.0.0.1:1/',
        '--post-path',
        '/x',
        '--json',
        '--no-builtin-schemas',
        '--max-body-bytes',
        '10',
        '--max-events-per-request',
        '11',
        '--max-stored-events',
        '12',
        '--max-stored-bytes',
        '13',
        '--allow-host',
        'collector',
        '--allow-host',
        '[fd00::1]',
      ]),
    );
    expect(options).to.deep.equal({
      port: 0,
      host: '::1',
      schemaDirs: ['a', 'b'],
      igluUrls: ['http://127.0.0.1:1/'],
      builtinSchemas: false,
      postPath: '/x',
      json: true,
      maxBodyBytes: 10,
      maxEventsPerRequest: 11,
      maxStoredEvents: 12,
      maxStoredBytes: 13,
      allowedHosts: ['collector', '[fd00::1]'],
    });
  });

  it('has the documented defaults', () => {
    expect(collectorOptions(parseCommandLine(['collector']))).to.deep.include({
      port: 9090,
      host: '127.0.0.1',
      builtinSchemas: true,
      json: false,
      maxBodyBytes: 1_000_000,
      maxEventsPerRequest: 10_000,
      maxStoredEvents: 10_000,
      maxStoredBytes: 50_000_000,
      allowedHosts: [],
    });
  });

  it('--help lists every option with its default', () => {
    expect(parseCommandLine(['--help'])).to.deep.equal({ command: 'help', text: HELP });
    expect(parseCommandLine(['-h'])).to.deep.equal({ command: 'help', text: HELP });
    expect(parseCommandLine(['collector', '--help'])).to.deep.equal({ command: 'help', text: USAGE });
    expect(parseCommandLine(['--version'])).to.deep.equal({ command: 'version' });
    for (const flag of [
      '--port N',
      '--host ADDR',
      '--schemas DIR',
      '--iglu URL',
      '--no-builtin-schemas',
      '--post-path PATH',
      '--json',
      '--max-body-bytes N',
      '--max-events-per-request N',
      '--max-stored-events N',
      '--max-stored-bytes N',
      '--allow-host NAME',
      '-h, --help',
    ]) {
      expect(USAGE, flag).to.include(`  ${flag} `);
    }
    for (const value of [
      COLLECTOR_DEFAULTS.cliPort,
      COLLECTOR_DEFAULTS.host,
      COLLECTOR_DEFAULTS.maxBodyBytes,
      COLLECTOR_DEFAULTS.maxEventsPerRequest,
      COLLECTOR_DEFAULTS.maxStoredEvents,
      COLLECTOR_DEFAULTS.maxStoredBytes,
    ]) {
      expect(USAGE).to.include(`(default: ${value})`);
    }
    // every flag but --help has a "(default: …)" line right under it
    const flags = USAGE.split('\n').filter((line) => /^ {2}-/.test(line) && !line.includes('--help'));
    const defaults = USAGE.split('\n').filter((line) => /^ +\(default: .+\)$/.test(line));
    expect(defaults).to.have.length(flags.length);
    expect(HELP).to.include('--version').and.include('--help').and.include('collector');
  });

  it('rejects a bad --post-path, --iglu, --port, --allow-host or limit', () => {
    for (const args of [
      ['--post-path', 'x'],
      ['--iglu', 'ftp://x'],
      ['--port', '70000'],
      ['--allow-host', 'a:1'],
      ['--max-body-bytes', '0'],
      ['--max-events-per-request', '-1'],
    ]) {
      expect(() => parseCommandLine(['collector', ...args]), args.join(' ')).to.throw();
    }
  });
});
