// Node-only helpers of the hardening specs (issue 9): a watch on the host process (uncaught exceptions, unhandled
// rejections, warnings, writes to stdout/stderr), a child-process runner, and a raw loopback server that can delay its
// headers and trickle its body. Not a spec file: mocha loads it only as an import.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/** What the host process saw while a spec ran. Empty when all is well. */
export interface HostIncidents {
  readonly uncaught: string[];
  readonly unhandled: string[];
  readonly warnings: string[];
  readonly stdout: string[];
  readonly stderr: string[];
}

const describe = (value: unknown): string =>
  value instanceof Error ? `${value.name}: ${value.message.slice(0, 300)}` : String(value).slice(0, 300);

/**
 * Runs `body` with the host watched: mocha's own uncaughtException / unhandledRejection listeners are set aside (so a
 * crash is recorded here instead of aborting the run), warnings are recorded, and writes to process.stdout/stderr are
 * captured (not printed). Everything is restored before it returns, also when `body` throws. `settleMs` lets
 * asynchronous rethrows (RxJS reports errors on a timer) and warnings (on nextTick) arrive before the watch ends.
 */
export async function watchHost<T>(body: () => Promise<T>, settleMs = 30): Promise<{ value: T; incidents: HostIncidents }> {
  const incidents: HostIncidents = { uncaught: [], unhandled: [], warnings: [], stdout: [], stderr: [] };
  const saved = {
    uncaughtException: process.listeners('uncaughtException'),
    unhandledRejection: process.listeners('unhandledRejection'),
  };
  process.removeAllListeners('uncaughtException');
  process.removeAllListeners('unhandledRejection');
  const onUncaught = (error: unknown) => incidents.uncaught.push(describe(error));
  const onUnhandled = (reason: unknown) => incidents.unhandled.push(describe(reason));
  const onWarning = (warning: Error) => incidents.warnings.push(`${warning.name}: ${warning.message}`);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
  process.on('warning', onWarning);
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (into: string[]) =>
    function write(chunk: unknown, ...rest: unknown[]): boolean {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    };
  process.stdout.write = capture(incidents.stdout) as typeof process.stdout.write;
  process.stderr.write = capture(incidents.stderr) as typeof process.stderr.write;
  try {
    const value = await body().finally(() => new Promise((resolve) => setTimeout(resolve, settleMs)));
    return { value, incidents };
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUnhandled);
    process.off('warning', onWarning);
    for (const listener of saved.uncaughtException) process.on('uncaughtException', listener);
    for (const listener of saved.unhandledRejection) process.on('unhandledRejection', listener as NodeJS.UnhandledRejectionListener);
  }
}

/** The incidents as one list of lines; `[]` when the host saw nothing. */
export function incidentLines(incidents: HostIncidents): string[] {
  return [
    ...incidents.uncaught.map((x) => `uncaught exception: ${x}`),
    ...incidents.unhandled.map((x) => `unhandled rejection: ${x}`),
    ...incidents.warnings.map((x) => `process warning: ${x}`),
    ...incidents.stdout.map((x) => `stdout: ${x.slice(0, 300)}`),
    ...incidents.stderr.map((x) => `stderr: ${x.slice(0, 300)}`),
  ];
}

/** The environment variable a child script checks, so that mocha loading it by directory runs nothing. */
export const CHILD_FLAG = 'RXPLOW_HARDENING_CHILD';

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The child had to be killed at the watchdog's deadline. */
  readonly killed: boolean;
  /** From spawn to exit. */
  readonly ms: number;
  /** From the last write to stdout (the report) to exit. */
  readonly exitAfterReportMs: number;
  /** The last stdout line, parsed as JSON (undefined when it is not JSON). */
  readonly report: unknown;
}

/**
 * Runs `spec/node/hardening/children/<name>.ts` in a fresh Node (`node [nodeArgs] --import tsx <script> ...args`),
 * killed after `killAfterMs`. The child prints one JSON report line on stdout and nothing else.
 */
export function runChild(
  name: string,
  args: readonly string[] = [],
  options: { nodeArgs?: readonly string[]; killAfterMs?: number } = {},
): Promise<ChildResult> {
  const script = fileURLToPath(new URL(`./children/${name}.ts`, import.meta.url));
  const started = Date.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, [CHILD_FLAG]: '1', NODE_OPTIONS: '' },
  });
  let stdout = '';
  let stderr = '';
  let reportedAt = started;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    reportedAt = Date.now();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let killed = false;
  const watchdog = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, options.killAfterMs ?? 10_000);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      const exitedAt = Date.now();
      const last = stdout.trim().split('\n').at(-1) ?? '';
      let report: unknown;
      try {
        report = JSON.parse(last);
      } catch {
        report = undefined;
      }
      resolve({ code, signal, stdout, stderr, killed, ms: exitedAt - started, exitAfterReportMs: exitedAt - reportedAt, report });
    });
  });
}

/** A short description of a child's run, for assertion messages. */
export const childSummary = (r: ChildResult): string =>
  `code ${r.code} signal ${r.signal} killed ${r.killed} after ${r.ms} ms; stderr: ${r.stderr.slice(0, 1_500) || '(empty)'}; stdout: ${r.stdout.slice(0, 1_500) || '(empty)'}`;

/** How a SlowServer answers one request. */
export interface SlowAnswer {
  /** Status to answer. @default 200 */
  readonly status?: number;
  /** Wait this long (after the request body arrived) before sending the status and headers. @default 0 */
  readonly headersAfterMs?: number;
  /** After the headers, write one small chunk of body every `chunkEveryMs` for this long, then end. @default 0 */
  readonly trickleMs?: number;
  readonly chunkEveryMs?: number;
  /** Bytes per chunk. @default 16 */
  readonly chunkBytes?: number;
}

export interface SlowRequest {
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly body: string;
  /** ms since the server started. */
  readonly receivedAt: number;
  headersAt: number | undefined;
  /** When the connection closed, ms since the server started. */
  closedAt: number | undefined;
  /** True once the whole trickled body was written and ended. */
  bodyEnded: boolean;
  bodyBytesWritten: number;
}

/** A raw loopback server on 127.0.0.1 that delays headers and trickles bodies, recording when each connection closed. */
export class SlowServer {
  readonly requests: SlowRequest[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #start = Date.now();
  #port = 0;

  private constructor(answer: (index: number, request: IncomingMessage) => SlowAnswer) {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const record: SlowRequest = {
          index: this.requests.length,
          method: req.method ?? '',
          path: new URL(req.url ?? '/', 'http://x').pathname,
          body: Buffer.concat(chunks).toString('utf8'),
          receivedAt: this.now(),
          headersAt: undefined,
          closedAt: undefined,
          bodyEnded: false,
          bodyBytesWritten: 0,
        };
        this.requests.push(record);
        res.on('close', () => (record.closedAt ??= this.now()));
        req.socket.on('close', () => (record.closedAt ??= this.now()));
        this.#answer(res, record, answer(record.index, req));
      });
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(answer: (index: number, request: IncomingMessage) => SlowAnswer): Promise<SlowServer> {
    const server = new SlowServer(answer);
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    server.#port = (server.#server.address() as AddressInfo).port;
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** ms since the server started. */
  now(): number {
    return Date.now() - this.#start;
  }

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }

  #answer(res: ServerResponse, record: SlowRequest, answer: SlowAnswer): void {
    const trickleMs = answer.trickleMs ?? 0;
    const every = answer.chunkEveryMs ?? 50;
    const chunk = 'x'.repeat(answer.chunkBytes ?? 16);
    this.#later(answer.headersAfterMs ?? 0, () => {
      if (res.destroyed) return;
      res.writeHead(answer.status ?? 200, { 'Content-Type': 'text/plain' });
      res.flushHeaders();
      record.headersAt = this.now();
      const until = this.now() + trickleMs;
      const tick = (): void => {
        if (res.destroyed) return;
        if (this.now() >= until) {
          res.end(() => (record.bodyEnded = true));
          return;
        }
        res.write(chunk);
        record.bodyBytesWritten += chunk.length;
        this.#later(every, tick);
      };
      tick();
    });
  }

  /** Stops listening, cancels every pending answer and cuts every connection. */
  close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
  }
}
