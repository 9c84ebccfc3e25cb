// Real parts for the Redis specs: a redis-server of our own (Debian's, /usr/bin/redis-server) on a free loopback
// port with a temporary directory, node-redis clients, child processes running rxplow, and waiting with deadlines.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import type { RedisClient } from '../../../src/redis/client.js';

export const REDIS_SERVER = process.env['RXPLOW_REDIS_SERVER'] ?? '/usr/bin/redis-server';
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** A port nobody listens on right now (the kernel's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServerOptions {
  /** AOF on, with this fsync policy; off when absent. */
  readonly appendfsync?: 'always' | 'everysec' | 'no' | undefined;
}

/** A redis-server child on 127.0.0.1:<port> with a temporary --dir; restartable on the same port and data. */
export class RedisServer {
  readonly dir: string;
  #child: ChildProcess | undefined;
  #log = '';

  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'rxplow-redis-'));
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), options);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server (again) and resolves once it accepts connections. */
  async launch(): Promise<void> {
    const aof = this.options.appendfsync;
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
      '--daemonize',
      'no',
      '--appendonly',
      aof ? 'yes' : 'no',
      ...(aof ? ['--appendfsync', aof] : []),
      '--protected-mode',
      'yes',
      '--loglevel',
      'warning',
    ];
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout!.on('data', (d: Buffer) => (this.#log = (this.#log + d.toString()).slice(-4000)));
    child.stderr!.on('data', (d: Buffer) => (this.#log = (this.#log + d.toString()).slice(-4000)));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode}: ${this.#log}`);
      const client = createClient({ url: this.url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const pong = await client.ping();
        client.destroy();
        if (pong === 'PONG') return;
      } catch {
        // A probe that failed to connect may be closed already (destroy() then throws): not ready yet, nothing more.
        try {
          client.destroy();
        } catch {
          /* closed */
        }
      }
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} not ready within 10 s: ${this.#log}`);
      await sleep(50);
    }
  }

  /** Kills the server (SIGKILL by default: no shutdown save, no final fsync) and waits for it to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** Stops the server and removes its directory. */
  async stop(): Promise<void> {
    await this.kill('SIGKILL');
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A connected node-redis client that fails fast while Redis is down (the settings rxplow/redis recommends). */
export async function client(url: string): Promise<RedisClient & { quit(): Promise<unknown> }> {
  const c = createClient({
    url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (n: number) => Math.min(50 * 2 ** n, 500), connectTimeout: 1000 },
  });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `condition` holds (polled), or rejects after `timeoutMs` with `what`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(everyMs);
  }
}

/** A child process running one of ./fixtures/*.ts under tsx, with its stdout lines collected. */
export class Child {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly process: ChildProcess;

  constructor(fixture: string, config: object) {
    this.process = spawn(process.execPath, ['--import', 'tsx', join(root, 'spec/node/redis/fixtures', fixture), JSON.stringify(config)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let partial = '';
    this.process.stdout!.on('data', (d: Buffer) => {
      const text = partial + d.toString();
      const parts = text.split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts);
    });
    this.process.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-8000)));
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The JSON messages it printed (`{"type": ...}` lines). */
  messages<T = { type: string } & Record<string, unknown>>(type: string): T[] {
    return this.lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string })
      .filter((m) => m.type === type) as T[];
  }

  async waitFor(type: string, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `${type} from ${this.process.spawnargs[3]} (stderr: ${this.stderr.slice(-500)})`,
      () => this.messages(type).length > 0 || this.process.exitCode !== null,
      timeoutMs,
    );
    if (this.messages(type).length === 0) throw new Error(`child exited ${this.process.exitCode} before "${type}": ${this.stderr}`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
  }
}

/** Reads a file of JSON lines. */
export function jsonLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

/** `rxplow worker` as it ships (`node --import tsx src/cli/main.ts worker ...`), its output collected. */
export class CliWorker {
  out = '';
  err = '';
  readonly startedAt = Date.now();
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[]) {
    this.process = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    this.process.stdout!.on('data', (d: Buffer) => (this.out += d.toString()));
    this.process.stderr!.on('data', (d: Buffer) => (this.err += d.toString()));
    this.exited = new Promise((resolve) => this.process.once('exit', (code) => resolve(code)));
  }

  /** Its stdout lines. */
  lines(): string[] {
    return this.out.split('\n').filter(Boolean);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
  }
}

/** The fields of a stream entry (`[f, v, f, v]`) as a record. */
export function fieldsOf(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

/** The eids of the events in a stream, in order: each entry's `p` holds a producer's batch, one payload JSON per line. */
export async function streamEids(redis: Pick<RedisClient, 'sendCommand'>, stream: string): Promise<string[]> {
  const entries = (await redis.sendCommand(['XRANGE', stream, '-', '+'])) as [string, string[]][];
  return entries.flatMap(([, flat]) =>
    (fieldsOf(flat)['p'] ?? '').split('\n').map((json) => (JSON.parse(json) as Record<string, string>)['eid']!),
  );
}
