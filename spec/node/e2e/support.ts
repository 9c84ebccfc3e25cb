// The end-to-end rig: rxplow collector (programmatic), a real page on 127.0.0.1 (node:http, the page script bundled
// with esbuild from spec/fixtures/e2e/page.ts, `rxplow/browser` mapped to src/browser/index.ts), and Debian's
// Chromium driven by playwright-core ($CHROME_BIN, else /usr/bin/chromium; never a downloaded browser).
import * as esbuild from 'esbuild';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startCollector, type GoodEvent, type RunningCollector } from '../../../src/collector/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

export const CHROME_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'];

/** How the fixture page script is bundled (in memory, `rxplow/browser` from source), for a browser. */
export const PAGE_BUILD: esbuild.BuildOptions = {
  entryPoints: { page: join(root, 'spec/fixtures/e2e/page.ts') },
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['browser'],
  logLevel: 'warning',
  plugins: [
    {
      name: 'rxplow-browser-from-source',
      setup(build) {
        build.onResolve({ filter: /^rxplow\/browser$/ }, () => ({ path: join(root, 'src/browser/index.ts') }));
      },
    },
  ],
};

/** Bundles the fixture page script once per process. */
let bundled: Promise<string> | undefined;
export function pageScript(): Promise<string> {
  bundled ??= esbuild.build(PAGE_BUILD).then((result) => result.outputFiles![0]!.text);
  return bundled;
}

export interface PageServer {
  readonly origin: string;
  /** The page's URL with its config. */
  url(config: Record<string, unknown>, path?: string): string;
  close(): Promise<void>;
}

/** Serves the fixture page (any path but /page.js) and its script. */
export async function servePage(): Promise<PageServer> {
  const script = await pageScript();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/page.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(script);
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>rxplow e2e</title></head>' +
        '<body style="margin:0"><div id="tall" style="height:5000px;width:3000px">rxplow</div>' +
        '<script type="module" src="/page.js"></script></body></html>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (config, path = '/shop') => `${origin}${path}?config=${encodeURIComponent(JSON.stringify(config))}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env['CHROME_BIN'] || '/usr/bin/chromium', args: CHROME_ARGS, timeout: 30_000 });
}

export const quietCollector = (port = 0): Promise<RunningCollector> => startCollector({ port, out: null, onWarning: () => undefined });

/** An e2e suite's parts: rxplow collector (replace it to simulate an outage), the page server, and Chromium. */
export interface E2eRig {
  collector: RunningCollector;
  server: PageServer;
  browser: Browser;
}

/** Starts the parts before the suite and closes them after it; the collector is reset before each spec. */
export function useE2eRig(): E2eRig {
  const rig = {} as E2eRig;
  before(async () => {
    [rig.collector, rig.server, rig.browser] = await Promise.all([quietCollector(), servePage(), launchChromium()]);
  });
  after(async () => {
    await rig.browser?.close();
    await rig.server?.close();
    await rig.collector?.close();
  });
  beforeEach(() => rig.collector.reset());
  return rig;
}

/** Waits for a condition (sync or async), polling every 25 ms; throws `what` after `timeoutMs`. */
export async function until<T>(
  condition: () => T | Promise<T>,
  what: string | (() => string | Promise<string>),
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const start = Date.now();
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : await what()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The collector's good events once it is idle. */
export async function good(collector: RunningCollector): Promise<readonly GoodEvent[]> {
  await collector.idle();
  return collector.good();
}

export const param = (event: GoodEvent, key: string): string | undefined => event.rawEvent.parameters[key] as string | undefined;

/** Good events whose `eid` is in `eids`, counted per eid. */
export async function arrivals(collector: RunningCollector, eids: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>(eids.map((eid) => [eid, 0]));
  for (const event of await good(collector)) {
    const eid = param(event, 'eid');
    if (eid !== undefined && counts.has(eid)) counts.set(eid, counts.get(eid)! + 1);
  }
  return counts;
}

/** Waits until the page's `window.rx` exists (and its outbox is ready). */
export async function pageReady(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { rx?: unknown }).rx !== undefined);
  await page.evaluate(() => (window as unknown as { rx: { ready(): Promise<void> } }).rx.ready());
}

/** The page's rx API, typed for evaluate callbacks. */
export interface Rx {
  track(n: number, action: string): string[];
  readonly tracked: string[];
  readonly outcomes: { kind: string; eids: string[] }[];
  flush(): Promise<void>;
  outboxSize(): number;
  ready(): Promise<void>;
  shutdown(timeoutMs?: number): Promise<{ sent: number; failed: number; dropped: number; abandoned: number }>;
}

export type { Browser, BrowserContext, Page, RunningCollector, GoodEvent };
