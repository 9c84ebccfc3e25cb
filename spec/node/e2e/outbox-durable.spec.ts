// End to end, in Debian's Chromium (issue 18 items 6-8): the outbox never gives an event up to a transient failure.
// A page that shuts down leaves an earlier page's events stored; a page that stays open through a collector outage
// delivers once the collector is back (localStorage and memory); a full outbox drains; an event too old is dropped
// with its reason. The page (spec/fixtures/e2e/page.ts) tracks through createBrowserTracker with its defaults but
// a short retry (retry.maxDelayMs 200 ms: a retained event is retried every ~0.3 s). Checked at rxplow collector.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import {
  arrivals,
  launchChromium,
  pageReady,
  quietCollector,
  servePage,
  until,
  type Browser,
  type Page,
  type PageServer,
  type Rx,
  type RunningCollector,
} from './support.js';

const rxTrack = ({ n, action }: { n: number; action: string }) => (window as unknown as { rx: Rx }).rx.track(n, action);
const rxOutcomes = () => (window as unknown as { rx: Rx }).rx.outcomes;
const rxTracked = () => (window as unknown as { rx: Rx }).rx.tracked;
const rxOutboxSize = () => (window as unknown as { rx: Rx }).rx.outboxSize();

/** The conservation law in one page: each of its events (tracked, or adopted) has exactly one final outcome. */
async function expectConservation(page: Page, adopted: readonly string[] = []): Promise<Record<string, number>> {
  const events = [...(await page.evaluate(rxTracked)), ...adopted];
  const finals = new Map<string, string[]>();
  for (const o of await page.evaluate(rxOutcomes)) {
    if (o.kind === 'retrying') continue;
    for (const eid of o.eids) finals.set(eid, [...(finals.get(eid) ?? []), o.kind]);
  }
  expect(
    [...finals.keys()].filter((eid) => !events.includes(eid)),
    'outcomes for events the page never had',
  ).to.deep.equal([]);
  expect(
    events.filter((eid) => finals.get(eid)?.length !== 1),
    'events without exactly one final outcome',
  ).to.deep.equal([]);
  const tally: Record<string, number> = {};
  for (const [kind] of finals.values()) tally[kind!] = (tally[kind!] ?? 0) + 1;
  return tally;
}

/** Every eid has had at least `rounds` retried rounds (the fixture's emitter makes 2 retrying outcomes a round, then the outbox's own). */
const retriedRounds = async (page: Page, eids: readonly string[], rounds: number): Promise<boolean> => {
  const outcomes = await page.evaluate(rxOutcomes);
  return eids.every((eid) => outcomes.filter((o) => o.kind === 'retrying' && o.eids.includes(eid)).length >= 3 * rounds);
};

const retryingEids = async (page: Page): Promise<Set<string>> =>
  new Set((await page.evaluate(rxOutcomes)).filter((o) => o.kind === 'retrying').flatMap((o) => o.eids));

describe('e2e: the outbox under outages (Chromium, rxplow collector)', function () {
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

  /** Every eid arrives exactly once, and no event is bad. */
  async function exactlyOnce(eids: readonly string[], what: string): Promise<void> {
    await until(
      async () => [...(await arrivals(collector, eids)).values()].every((n) => n > 0),
      async () => `${what}: ${JSON.stringify([...(await arrivals(collector, eids))])}`,
      20_000,
    );
    expect(
      [...(await arrivals(collector, eids)).entries()].filter(([, n]) => n !== 1),
      `${what}: not exactly once`,
    ).to.deep.equal([]);
    await collector.idle();
    expect(collector.bad(), 'bad events').to.deep.equal([]);
  }

  /** Stops the collector for the duration of `during`, then starts it again on the same port. */
  async function outage<T>(during: () => Promise<T>): Promise<T> {
    const port = collector.port;
    await collector.close();
    try {
      return await during();
    } finally {
      collector = await quietCollector(port);
    }
  }

  it("a page that shuts down at once never deletes an earlier page's events: the next load delivers 4 of 4", async () => {
    const context = await browser.newContext();
    const first = await context.newPage();
    const kept = await outage(async () => {
      await first.goto(server.url({ collector: collector.url, pageView: false }));
      await pageReady(first);
      const eids = await first.evaluate(rxTrack, { n: 3, action: 'kept' });
      await until(() => retriedRounds(first, eids, 2), 'the events to fail, and be retried by the page');
      await until(() => first.evaluate(rxOutboxSize).then((n) => n === 3), 'the events to be stored');
      await first.close({ runBeforeUnload: false });
      return eids;
    });
    // Load 2 tracks its page view and shuts down at once: its adoption of load 1's events runs meanwhile.
    const second = await context.newPage();
    await second.goto(server.url({ collector: collector.url, shutdownAtStart: true }));
    await pageReady(second);
    const report = await second.evaluate(() => (window as unknown as { rx: Rx }).rx.shutdown());
    expect(report).to.deep.equal({ sent: 1, failed: 0, dropped: 0, abandoned: 0 });
    expect(await expectConservation(second)).to.deep.equal({ sent: 1 });
    const secondView = (await second.evaluate(rxTracked))[0]!;
    expect(await second.evaluate(rxOutboxSize)).to.equal(3);
    await second.close();
    const third = await context.newPage();
    await third.goto(server.url({ collector: collector.url, pageView: false }));
    await pageReady(third);
    await exactlyOnce([...kept, secondView], '4 of 4');
    await third.evaluate(() => (window as unknown as { rx: Rx }).rx.flush());
    expect(await expectConservation(third, kept)).to.deep.equal({ sent: 3 });
    await context.close();
  });

  for (const storage of ['localStorage', 'memory'] as const) {
    it(`${storage}: a page that stays open through an outage delivers its events once the collector is back`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(server.url({ collector: collector.url, pageView: false, outbox: { storage } }));
      await pageReady(page);
      const eids = await outage(async () => {
        const during = await page.evaluate(rxTrack, { n: 5, action: `outage-${storage}` });
        await until(async () => {
          const retried = await retryingEids(page);
          return during.every((eid) => retried.has(eid));
        }, 'the events to fail');
        expect(await page.evaluate(rxOutboxSize)).to.equal(storage === 'memory' ? 0 : 5);
        // Retried, never final, while the collector is down.
        const before = (await page.evaluate(rxOutcomes)).length;
        await until(() => page.evaluate(rxOutcomes).then((o) => o.length > before + 5), 'more retries');
        expect((await page.evaluate(rxOutcomes)).every((o) => o.kind === 'retrying')).to.equal(true);
        return during;
      });
      await exactlyOnce(eids, 'after the outage, in the same page'); // no reload
      await page.evaluate(() => (window as unknown as { rx: Rx }).rx.flush());
      expect(await expectConservation(page)).to.deep.equal({ sent: 5 });
      expect(await page.evaluate(rxOutboxSize)).to.equal(0);
      await context.close();
    });
  }

  it('a full outbox drains while the page lives: maxEvents 5, 5 failures, the collector back → new events accepted', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url({ collector: collector.url, pageView: false, outbox: { maxEvents: 5 } }));
    await pageReady(page);
    const failed = await outage(async () => {
      const during = await page.evaluate(rxTrack, { n: 5, action: 'full' });
      await until(() => retriedRounds(page, during, 2), 'the events to fail, and be retried by the page');
      await page.evaluate(rxTrack, { n: 1, action: 'refused' });
      return during;
    });
    await exactlyOnce(failed, 'the full outbox');
    const later = await page.evaluate(rxTrack, { n: 2, action: 'after' });
    await exactlyOnce(later, 'events tracked after the outbox drained');
    await page.evaluate(() => (window as unknown as { rx: Rx }).rx.flush());
    expect(await expectConservation(page)).to.deep.equal({ sent: 7, 'dropped:queue-full': 1 });
    const drops = (await page.evaluate(rxOutcomes)).filter((o) => o.kind.startsWith('dropped'));
    expect(drops.map((o) => o.kind)).to.deep.equal(['dropped:queue-full']);
    await context.close();
  });

  it('an event stored more than 7 days ago is dropped as expired at the next load; a younger one is delivered', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url({ collector: collector.url, pageView: false }));
    await pageReady(page);
    const [old, young] = [randomUUID(), randomUUID()];
    const prefix = `rxplow.outbox:POST ${collector.url}/com.snowplowanalytics.snowplow/tp2#`;
    const now = Date.now();
    const event = (eid: string) => ({ e: 'se', eid, tv: 'js-e2e', p: 'web', aid: 'e2e', se_ca: 'c', se_ac: 'a', dtm: String(now) });
    const held = [
      [now - 8 * 86_400_000, 0],
      [now - 86_400_000, 0],
    ];
    const record = JSON.stringify({ v: 1, closed: false, clean: true, at: now, handedOff: [], held, events: [event(old), event(young)] });
    await page.evaluate(([key, value]) => localStorage.setItem(key!, value!), [`${prefix}${randomUUID()}`, record]);
    await page.reload();
    await pageReady(page);
    await exactlyOnce([young], 'the younger event');
    await page.evaluate(() => (window as unknown as { rx: Rx }).rx.flush());
    const outcomes = await page.evaluate(rxOutcomes);
    expect(outcomes.filter((o) => o.eids.includes(old)).map((o) => o.kind)).to.deep.equal(['dropped:expired']);
    expect(await arrivals(collector, [old])).to.deep.equal(new Map([[old, 0]]));
    expect(await expectConservation(page, [old, young])).to.deep.equal({ sent: 1, 'dropped:expired': 1 });
    await context.close();
  });
});
