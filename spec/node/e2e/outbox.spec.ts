// End to end, in Debian's Chromium: events survive reloads, tab closes, several tabs and a collector outage
// (issue 12 items 5 and 6). The page (spec/fixtures/e2e/page.ts) tracks through createBrowserTracker, which delivers
// through the outbox sink; everything is checked at rxplow collector (good events, by eid).
import { expect } from 'chai';
import {
  arrivals,
  good,
  launchChromium,
  pageReady,
  param,
  quietCollector,
  servePage,
  until,
  type Browser,
  type PageServer,
  type Rx,
  type RunningCollector,
} from './support.js';

const rxTrack = ({ n, action }: { n: number; action: string }) => (window as unknown as { rx: Rx }).rx.track(n, action);
const rxOutboxSize = () => (window as unknown as { rx: Rx }).rx.outboxSize();
const rxTracked = () => (window as unknown as { rx: Rx }).rx.tracked;
/** Eids the page saw fail (a transient failure is not final: they are retained, `retrying`). */
const rxFailed = () => (window as unknown as { rx: Rx }).rx.outcomes.filter((o) => o.kind === 'retrying').flatMap((o) => o.eids);

describe('e2e: events survive reloads, tab closes, tabs and outages (Chromium, rxplow collector)', function () {
  this.timeout(60_000);
  let collector: RunningCollector;
  let server: PageServer;
  let browser: Browser;

  before(async () => {
    [collector, server, browser] = await Promise.all([quietCollector(), servePage(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await collector?.close();
  });
  beforeEach(() => collector.reset());

  /** The page config: a batch waits 60 s unless drained, so events are pending when the page goes. */
  const pending = () => server.url({ collector: collector.url, flushIntervalMs: 60_000 });

  /** Every eid arrives exactly once (waits for all to arrive, then for the collector to be idle). */
  async function exactlyOnce(eids: readonly string[], what: string): Promise<void> {
    await until(
      async () => [...(await arrivals(collector, eids)).values()].every((n) => n > 0),
      async () => `${what}: ${JSON.stringify([...(await arrivals(collector, eids))])}`,
    );
    const counts = await arrivals(collector, eids);
    expect(
      [...counts.entries()].filter(([, n]) => n !== 1),
      `${what}: eids not delivered exactly once`,
    ).to.deep.equal([]);
  }

  async function allGood(): Promise<void> {
    await collector.idle();
    expect(collector.bad(), 'bad events').to.deep.equal([]);
  }

  it('delivers the events pending when the page reloads exactly once (by eid)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pending());
    await pageReady(page);
    const eids = await page.evaluate(rxTrack, { n: 5, action: 'before-reload' });
    const firstView = (await page.evaluate(rxTracked))[0]!;
    await page.reload();
    await pageReady(page);
    const secondView = (await page.evaluate(rxTracked))[0]!;
    await page.evaluate(() => (window as unknown as { rx: Rx }).rx.flush());
    await exactlyOnce([firstView, ...eids, secondView], 'pending at reload');
    await until(() => page.evaluate(rxOutboxSize).then((n) => n === 0), 'an empty outbox');
    await allGood();
    await context.close();
  });

  it('delivers the events pending when the tab is closed (by keepalive, or at the next load)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pending());
    await pageReady(page);
    const eids = [(await page.evaluate(rxTracked))[0]!, ...(await page.evaluate(rxTrack, { n: 4, action: 'before-close' }))];
    await page.close({ runBeforeUnload: false });
    // The keepalive requests outlive the tab; a new tab of the site adopts whatever is still stored.
    const next = await context.newPage();
    await next.goto(pending());
    await pageReady(next);
    const nextView = (await next.evaluate(rxTracked))[0]!;
    await next.evaluate(() => (window as unknown as { rx: Rx }).rx.flush());
    await exactlyOnce([...eids, nextView], 'pending at tab close');
    await allGood();
    await context.close();
  });

  it('keeps the events across a reload while the collector is down, and delivers them once it is up', async () => {
    const port = collector.port;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url({ collector: collector.url }));
    await pageReady(page);
    await exactlyOnce([(await page.evaluate(rxTracked))[0]!], 'the first page view');
    await collector.close(); // down
    try {
      const during = await page.evaluate(rxTrack, { n: 5, action: 'collector-down' });
      await until(() => page.evaluate(rxOutboxSize).then((n) => n === 5), 'the events to wait in the outbox');
      await page.reload(); // still down: the page view of this load waits too
      await pageReady(page);
      const downView = (await page.evaluate(rxTracked))[0]!;
      await until(() => page.evaluate(rxOutboxSize).then((n) => n === 6), 'the outbox to hold the events across the reload');
      // Every event has failed at least once (retained: the page retries them until the collector is back).
      await until(
        () => page.evaluate(rxFailed).then((failed) => [...during, downView].every((eid) => failed.includes(eid))),
        'the attempts to fail',
      );
      collector = await quietCollector(port); // up again, same address
      // The page that lives on retries what it holds: delivered without another load.
      await exactlyOnce([...during, downView], 'held through the outage');
      await until(() => page.evaluate(rxOutboxSize).then((n) => n === 0), 'an empty outbox');
      await page.reload();
      await pageReady(page);
      const upView = (await page.evaluate(rxTracked))[0]!;
      await exactlyOnce([...during, downView, upView], 'held through the outage, then a reload');
      await allGood();
    } finally {
      await context.close();
    }
  });

  it('two tabs open on the site never deliver a stored event twice', async () => {
    const port = collector.port;
    const context = await browser.newContext();
    await collector.close(); // the first tab's events cannot be delivered: they stay stored
    let stored: string[];
    try {
      const first = await context.newPage();
      await first.goto(server.url({ collector: collector.url }));
      await pageReady(first);
      stored = [(await first.evaluate(rxTracked))[0]!, ...(await first.evaluate(rxTrack, { n: 20, action: 'stored' }))];
      await until(() => first.evaluate(rxOutboxSize).then((n) => n === 21), 'the first tab to store its events');
      // Every event has failed (collector down) and is retained: nothing can be delivered or handed to keepalive at
      // close, so this spec is about two tabs adopting a stored outbox, not about the hand-off heuristic at unload.
      await until(() => first.evaluate(rxFailed).then((eids) => new Set(eids).size === 21), 'the first tab to see every event fail');
      await first.close({ runBeforeUnload: false });
    } finally {
      collector = await quietCollector(port);
    }
    // Two tabs open at once: both find the gone tab's outbox; one adopts it.
    const tabs = await Promise.all([context.newPage(), context.newPage()]);
    await Promise.all(tabs.map((tab) => tab.goto(server.url({ collector: collector.url }))));
    await Promise.all(tabs.map((tab) => pageReady(tab)));
    const views = await Promise.all(tabs.map(async (tab) => (await tab.evaluate(rxTracked))[0]!));
    const more = await Promise.all(tabs.map((tab) => tab.evaluate(rxTrack, { n: 3, action: 'live-tab' })));
    await Promise.all(tabs.map((tab) => tab.evaluate(() => (window as unknown as { rx: Rx }).rx.flush())));
    await exactlyOnce([...stored, ...views, ...more.flat()], 'stored events with two tabs open');
    const byTab = (await good(collector)).filter((e) => stored.includes(param(e, 'eid')!));
    expect(byTab).to.have.length(stored.length);
    await allGood();
    await context.close();
  });
});
