// A split page for the on-demand chunks (issue 20): the fixture page script bundled as a bundler splits it (esbuild,
// `splitting`), so ky and the outbox are chunks of their own that the page imports with import() when its tracker is
// created; and a page server that holds chosen chunks back (or fails them) until the spec says otherwise.
import { expect } from 'chai';
import * as esbuild from 'esbuild';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  arrivals,
  launchChromium,
  PAGE_BUILD,
  pageReady,
  quietCollector,
  until,
  type Browser,
  type BrowserContext,
  type Page,
  type Rx,
  type RunningCollector,
} from './support.js';

/** The fixture page split into an entry and chunks; `ky` and `outbox` name the chunks that hold them. */
export interface SplitPage {
  readonly files: Map<string, string>;
  readonly ky: string;
  readonly outbox: string;
}

/** The one chunk whose text includes `marker`; the entry must not include it. */
function chunkWith(files: Map<string, string>, marker: string, what: string): string {
  const paths = [...files].filter(([, text]) => text.includes(marker)).map(([path]) => path);
  expect(paths, `exactly one chunk holds ${what}`).to.have.length(1);
  expect(paths[0], `the entry does not hold ${what}`).not.to.equal('/page.js');
  return paths[0]!;
}

export async function splitPage(): Promise<SplitPage> {
  const result = await esbuild.build({ ...PAGE_BUILD, splitting: true, outdir: '/out' });
  const files = new Map(result.outputFiles!.map((file) => [file.path.replace('/out', ''), file.text]));
  // ky's own sources, and the outbox's sink and unload transport (keepalive.ts: its budget message).
  return { files, ky: chunkWith(files, 'node_modules/ky/', 'ky'), outbox: chunkWith(files, 'keepalive budget exhausted', 'the outbox') };
}

export interface SplitServer {
  readonly origin: string;
  /** Paths requested so far, in order. */
  readonly requested: string[];
  /** Lets a held chunk (and every later request for it) through. */
  release(path: string): void;
  /** Answers the next `times` requests for `path` with a 503 (a failed chunk load). */
  fail(path: string, times: number): void;
  close(): Promise<void>;
}

/** Serves the split page; the chunks in `held` are answered only once released. */
export async function serveSplit(files: Map<string, string>, held: readonly string[]): Promise<SplitServer> {
  const gates = new Map(
    held.map((path) => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return [path, { opened, open }];
    }),
  );
  const failures = new Map<string, number>();
  const requested: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requested.push(path);
    const script = files.get(path);
    if (script !== undefined) {
      const left = failures.get(path) ?? 0;
      if (left > 0) {
        failures.set(path, left - 1);
        res.writeHead(503, { 'Cache-Control': 'no-store' });
        res.end();
        return;
      }
      const send = () => {
        res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(script);
      };
      const gate = gates.get(path);
      if (gate) void gate.opened.then(send);
      else send();
      return;
    }
    res.writeHead(path === '/favicon.ico' ? 404 : 200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>rxplow chunks</title></head><body><script type="module" src="/page.js"></script></body></html>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requested,
    release: (path) => gates.get(path)?.open(),
    fail: (path, times) => void failures.set(path, times),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the specs of a split page share: Chromium, a collector and the split page (made in `before`, closed in `after`). */
export interface SplitRig {
  browser: Browser;
  collector: RunningCollector;
  page: SplitPage;
  /** The page's URL at `origin`, with the collector and a 20 ms batch interval. */
  url(origin: string): string;
  /** A page at `server` in a new context: its page view and `n` events tracked at once (while chunks are held back). */
  openAndTrack(server: SplitServer, n: number, action: string): Promise<{ context: BrowserContext; tab: Page; eids: string[] }>;
  /** Waits until each eid has arrived, then expects each exactly once. */
  deliveredOnce(eids: readonly string[], what: string): Promise<void>;
}

export function useSplitRig(): SplitRig {
  const rig = {
    url: (origin: string) =>
      `${origin}/shop?config=${encodeURIComponent(JSON.stringify({ collector: rig.collector.url, flushIntervalMs: 20 }))}`,
    async openAndTrack(server: SplitServer, n: number, action: string) {
      const context = await rig.browser.newContext();
      const tab = await context.newPage();
      await tab.goto(rig.url(server.origin));
      await pageReady(tab);
      const eids = [
        ...(await tab.evaluate(() => (window as unknown as { rx: Rx }).rx.tracked.slice())),
        ...(await tab.evaluate(({ n, action }) => (window as unknown as { rx: Rx }).rx.track(n, action), { n, action })),
      ];
      expect(eids).to.have.length(n + 1);
      return { context, tab, eids };
    },
    async deliveredOnce(eids: readonly string[], what: string) {
      await until(async () => [...(await arrivals(rig.collector, eids)).values()].every((n) => n > 0), what);
      const counts = await arrivals(rig.collector, eids);
      expect(
        [...counts].filter(([, n]) => n !== 1),
        `${what}: eids not delivered exactly once`,
      ).to.deep.equal([]);
    },
  } as SplitRig;
  before(async () => {
    [rig.browser, rig.collector, rig.page] = await Promise.all([launchChromium(), quietCollector(), splitPage()]);
  });
  after(async () => {
    await rig.browser?.close();
    await rig.collector?.close();
  });
  beforeEach(() => rig.collector.reset());
  return rig;
}
