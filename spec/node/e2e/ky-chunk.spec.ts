// ky on demand, in Chromium (issue 20): the page script is bundled as a bundler splits it (esbuild, `splitting`), so
// ky is a chunk of its own that the page imports with import() when its tracker is created. The page server holds
// that chunk back until the spec lets it go: the events tracked before ky arrives wait and are then delivered once;
// a page closed before ky ever arrived keeps its events in storage, and the next load sends them (same eids).
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
  type Rx,
  type RunningCollector,
} from './support.js';

/** The fixture page split into an entry and chunks, as a bundler ships it; `ky` names the chunk that holds ky. */
async function splitPage(): Promise<{ files: Map<string, string>; ky: string }> {
  const result = await esbuild.build({ ...PAGE_BUILD, splitting: true, outdir: '/out' });
  const files = new Map(result.outputFiles!.map((file) => [file.path.replace('/out', ''), file.text]));
  const ky = [...files].filter(([, text]) => text.includes('node_modules/ky/')).map(([path]) => path);
  expect(ky, 'exactly one chunk holds ky').to.have.length(1);
  expect(files.get('/page.js'), 'the entry does not hold ky').not.to.include('node_modules/ky/');
  return { files, ky: ky[0]! };
}

interface SplitServer {
  readonly origin: string;
  /** Paths requested so far, in order. */
  readonly requested: string[];
  /** Lets the held ky chunk (and every later request for it) through. */
  releaseKy(): void;
  close(): Promise<void>;
}

async function serveSplit(files: Map<string, string>, kyPath: string): Promise<SplitServer> {
  let release!: () => void;
  const kyReleased = new Promise<void>((resolve) => (release = resolve));
  const requested: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requested.push(path);
    const script = files.get(path);
    if (script !== undefined) {
      const send = () => {
        res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(script);
      };
      if (path === kyPath) void kyReleased.then(send);
      else send();
      return;
    }
    res.writeHead(path === '/favicon.ico' ? 404 : 200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>rxplow ky chunk</title></head><body><script type="module" src="/page.js"></script></body></html>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requested,
    releaseKy: () => release(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('e2e: ky in a deferred chunk (Chromium, a split bundle, rxplow collector)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let collector: RunningCollector;
  let page: { files: Map<string, string>; ky: string };
  before(async () => {
    [browser, collector, page] = await Promise.all([launchChromium(), quietCollector(), splitPage()]);
  });
  after(async () => {
    await browser?.close();
    await collector?.close();
  });
  beforeEach(() => collector.reset());

  const url = (origin: string) =>
    `${origin}/shop?config=${encodeURIComponent(JSON.stringify({ collector: collector.url, flushIntervalMs: 20 }))}`;

  /** A page at `server` in a new context: its page view and `n` events tracked at once (while ky is held back). */
  async function openAndTrack(server: SplitServer, n: number, action: string) {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(url(server.origin));
    await pageReady(tab);
    const eids = [
      ...(await tab.evaluate(() => (window as unknown as { rx: Rx }).rx.tracked.slice())),
      ...(await tab.evaluate(({ n, action }) => (window as unknown as { rx: Rx }).rx.track(n, action), { n, action })),
    ];
    expect(eids).to.have.length(n + 1);
    return { context, tab, eids };
  }

  /** Waits until each eid has arrived, then expects each exactly once. */
  async function deliveredOnce(eids: readonly string[], what: string): Promise<void> {
    await until(async () => [...(await arrivals(collector, eids)).values()].every((n) => n > 0), what);
    const counts = await arrivals(collector, eids);
    expect(
      [...counts].filter(([, n]) => n !== 1),
      `${what}: eids not delivered exactly once`,
    ).to.deep.equal([]);
  }

  it('the first event and every event tracked before ky arrives are delivered once it has, each exactly once', async () => {
    const server = await serveSplit(page.files, page.ky);
    // The page view and 3 events, tracked while the ky chunk is still held back by the server.
    const { context, tab, eids } = await openAndTrack(server, 3, 'before-ky');
    try {
      await until(() => server.requested.includes(page.ky), 'the page to ask for the ky chunk (prefetched when the tracker is created)');
      expect(server.requested.indexOf(page.ky), 'ky is fetched after the entry').to.be.above(server.requested.indexOf('/page.js'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await collector.idle();
      expect(collector.good(), 'nothing can be sent before ky arrives').to.have.length(0);
      const final = () => (window as unknown as { rx: Rx }).rx.outcomes.filter((o) => o.kind !== 'retrying');
      expect(await tab.evaluate(final), 'and nothing is final yet').to.deep.equal([]);

      server.releaseKy();
      await deliveredOnce(eids, 'the events tracked before ky arrived');
      const later = await tab.evaluate(() => (window as unknown as { rx: Rx }).rx.track(1, 'after-ky'));
      await deliveredOnce([...eids, ...later], 'an event tracked after ky arrived');
      const sent = () => (window as unknown as { rx: Rx }).rx.outcomes.filter((o) => o.kind === 'sent').flatMap((o) => o.eids);
      await until(async () => (await tab.evaluate(sent)).length === 5, 'five sent outcomes');
      expect(collector.bad()).to.deep.equal([]);
    } finally {
      await context.close();
      await server.close();
    }
  });

  it('a page closed before ky ever arrives keeps its events in storage; the next load sends them (same eids, once)', async () => {
    const server = await serveSplit(page.files, page.ky);
    const { context, tab, eids } = await openAndTrack(server, 2, 'closed-before-ky');
    try {
      await until(
        () => tab.evaluate(() => (window as unknown as { rx: Rx }).rx.outboxSize() === 3),
        'the three events in the stored outbox',
      );
      // pagehide runs (runBeforeUnload); the page is gone only at its 'close' event, and only then does ky arrive.
      const closed = new Promise((resolve) => tab.once('close', resolve));
      await tab.close({ runBeforeUnload: true });
      await closed;
      await collector.idle();
      expect(collector.good(), 'nothing was sent: ky never arrived').to.have.length(0);

      // The next load, at the same origin (the same storage), with ky served at once.
      server.releaseKy();
      const next = await context.newPage();
      await next.goto(url(server.origin));
      await pageReady(next);
      const nextView = (await next.evaluate(() => (window as unknown as { rx: Rx }).rx.tracked.slice()))[0]!;
      await deliveredOnce([...eids, nextView], 'the kept events and the new page view');
      await until(() => next.evaluate(() => (window as unknown as { rx: Rx }).rx.outboxSize() === 0), 'an empty outbox');
    } finally {
      await context.close();
      await server.close();
    }
  });
});
