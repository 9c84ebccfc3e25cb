// The outbox on demand, in Chromium (issue 20): the browser tracker's delivery stack (the outbox and the emitter under
// it) is a chunk of its own, imported when the tracker is created, with ky's chunk asked for at the same time. The page
// server holds the chunks back until the spec lets them go: the events tracked before the outbox arrives are held and
// then delivered once (the first one included); a page closed before it arrives leaves them stored in the outbox's
// format, and the next load sends them (same eids, once); flush and shutdown wait for it within their deadlines; a
// failed chunk load is tried again at the next need.
import { expect } from 'chai';
import { serveSplit, useSplitRig, type SplitServer } from './split.js';
import { pageReady, until, type BrowserContext, type Page, type Rx } from './support.js';

describe('e2e: the outbox in a deferred chunk (Chromium, a split bundle, rxplow collector)', function () {
  this.timeout(60_000);
  const rig = useSplitRig();
  const { openAndTrack, deliveredOnce } = rig;
  /** Both chunks held back. */
  const holdBoth = () => serveSplit(rig.page.files, [rig.page.outbox, rig.page.ky]);

  /** The page asked for both chunks, each once, before either was let through (they load side by side). */
  async function askedForBoth(server: SplitServer): Promise<void> {
    await until(
      () => server.requested.includes(rig.page.outbox) && server.requested.includes(rig.page.ky),
      'the page to ask for the outbox and ky chunks when the tracker is created',
    );
  }

  /** Opens a page on `server` that tracks `n` events (and its page view), runs `body`, then closes page and server. */
  async function withPage(
    server: SplitServer,
    n: number,
    action: string,
    body: (opened: { context: BrowserContext; tab: Page; eids: string[] }) => Promise<void>,
  ): Promise<void> {
    const opened = await openAndTrack(server, n, action);
    try {
      await body(opened);
    } finally {
      await opened.context.close();
      await server.close();
    }
  }

  /** Nothing reached the collector, and nothing is final in the page. */
  async function nothingYet(tab: Page, what: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await rig.collector.idle();
    expect(rig.collector.good(), `${what}: nothing sent`).to.have.length(0);
    expect(
      await tab.evaluate(() => (window as unknown as { rx: Rx }).rx.outcomes.filter((o) => o.kind !== 'retrying')),
      `${what}: nothing final`,
    ).to.deep.equal([]);
  }

  it('the first event and every event tracked before the outbox arrives are delivered once it has, each exactly once', async () => {
    const server = await holdBoth();
    await withPage(server, 3, 'before-outbox', async ({ tab, eids }) => {
      await askedForBoth(server);
      await nothingYet(tab, 'before the chunks arrive');
      // The events wait in this tab's key, in the outbox's stored format, meanwhile.
      await until(
        () => tab.evaluate(() => (window as unknown as { rx: Rx }).rx.outboxSize() === 4),
        'the four events stored before the outbox arrived',
      );

      server.release(rig.page.outbox);
      server.release(rig.page.ky);
      await deliveredOnce(eids, 'the events tracked before the outbox arrived');
      const sentFirst = await until(
        () =>
          tab.evaluate(
            (first) => (window as unknown as { rx: Rx }).rx.outcomes.some((o) => o.kind === 'sent' && o.eids.includes(first)),
            eids[0]!,
          ),
        'a sent outcome for the first event (the page view)',
      );
      expect(sentFirst).to.equal(true);
      const later = await tab.evaluate(() => (window as unknown as { rx: Rx }).rx.track(1, 'after-outbox'));
      await deliveredOnce([...eids, ...later], 'an event tracked after the outbox arrived');
      const sent = () => (window as unknown as { rx: Rx }).rx.outcomes.filter((o) => o.kind === 'sent').flatMap((o) => o.eids);
      await until(async () => (await tab.evaluate(sent)).length === 5, 'five sent outcomes');
      expect(new Set(await tab.evaluate(sent)).size).to.equal(5);
      await until(() => tab.evaluate(() => (window as unknown as { rx: Rx }).rx.outboxSize() === 0), 'an empty outbox');
      expect(server.requested.filter((path) => path === rig.page.outbox)).to.have.length(1);
      expect(rig.collector.bad()).to.deep.equal([]);
    });
  });

  it('a page closed before the outbox arrives keeps its events in storage; the next load sends them (same eids, once)', async () => {
    const server = await holdBoth();
    await withPage(server, 2, 'closed-before-outbox', async ({ context, tab, eids }) => {
      await askedForBoth(server);
      await until(
        () => tab.evaluate(() => (window as unknown as { rx: Rx }).rx.outboxSize() === 3),
        'the three events in the stored outbox',
      );
      const closed = new Promise((resolve) => tab.once('close', resolve));
      await tab.close({ runBeforeUnload: true }); // pagehide runs: the events are written as the page leaves
      await closed;
      await rig.collector.idle();
      expect(rig.collector.good(), 'nothing was sent: the outbox never arrived').to.have.length(0);

      // The next load, at the same origin (the same storage), with the chunks served at once.
      server.release(rig.page.outbox);
      server.release(rig.page.ky);
      const next = await context.newPage();
      await next.goto(rig.url(server.origin));
      await pageReady(next);
      const nextView = (await next.evaluate(() => (window as unknown as { rx: Rx }).rx.tracked.slice()))[0]!;
      await rig.deliveredOnce([...eids, nextView], 'the kept events and the new page view');
      await until(() => next.evaluate(() => (window as unknown as { rx: Rx }).rx.outboxSize() === 0), 'an empty outbox');
    });
  });

  it('flush() and shutdown() before the outbox arrives wait for it, then deliver everything', async () => {
    const server = await holdBoth();
    await withPage(server, 2, 'flushed-before-outbox', async ({ tab, eids }) => {
      await askedForBoth(server);
      await tab.evaluate(() => {
        (window as unknown as { flushed?: boolean }).flushed = false;
        void (window as unknown as { rx: Rx }).rx.flush().then(() => ((window as unknown as { flushed?: boolean }).flushed = true));
      });
      await nothingYet(tab, 'a flush before the outbox arrives');
      expect(await tab.evaluate(() => (window as unknown as { flushed?: boolean }).flushed), 'the flush waits').to.equal(false);
      const report = tab.evaluate(() => (window as unknown as { rx: Rx }).rx.shutdown());
      server.release(rig.page.outbox);
      server.release(rig.page.ky);
      expect(await report, 'the shutdown delivered what was held').to.deep.equal({ sent: 3, failed: 0, dropped: 0, abandoned: 0 });
      expect(await tab.evaluate(() => (window as unknown as { flushed?: boolean }).flushed)).to.equal(true);
      await deliveredOnce(eids, 'the events flushed before the outbox arrived');
      expect(await tab.evaluate(() => (window as unknown as { rx: Rx }).rx.outboxSize())).to.equal(0);
    });
  });

  it('a shutdown whose deadline passes before the outbox arrives abandons the events, which stay stored for the next load', async () => {
    const server = await holdBoth();
    await withPage(server, 2, 'abandoned-before-outbox', async ({ context, tab, eids }) => {
      await askedForBoth(server);
      const report = await tab.evaluate(() => (window as unknown as { rx: Rx }).rx.shutdown(200));
      expect(report).to.deep.equal({ sent: 0, failed: 0, dropped: 0, abandoned: 3 });
      const abandoned = await tab.evaluate(() =>
        (window as unknown as { rx: Rx }).rx.outcomes.filter((o) => o.kind === 'dropped:abandoned').flatMap((o) => o.eids),
      );
      expect(abandoned).to.have.members(eids);
      expect(await tab.evaluate(() => (window as unknown as { rx: Rx }).rx.outboxSize()), 'kept, untouched, in storage').to.equal(3);
      // The chunks arrive after the end: nothing is sent from this page.
      server.release(rig.page.outbox);
      server.release(rig.page.ky);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await rig.collector.idle();
      expect(rig.collector.good(), 'nothing sent after a shutdown that ended before the outbox arrived').to.have.length(0);
      expect(await tab.evaluate(() => (window as unknown as { rx: Rx }).rx.outcomes.length), 'no outcome after the abandonment').to.equal(
        1,
      );
      await tab.close();

      const next = await context.newPage();
      await next.goto(rig.url(server.origin));
      await pageReady(next);
      const nextView = (await next.evaluate(() => (window as unknown as { rx: Rx }).rx.tracked.slice()))[0]!;
      await deliveredOnce([...eids, nextView], 'the abandoned events, by the next load');
    });
  });

  it('a failed chunk load is tried again at the next need: the events wait in storage, then go once', async () => {
    const server = await serveSplit(rig.page.files, []);
    server.fail(rig.page.outbox, 1);
    // Only the page view, tracked as the tracker is created: the load fails after it.
    await withPage(server, 0, 'failed-load', async ({ tab, eids }) => {
      await until(() => server.requested.includes(rig.page.outbox), 'the failed chunk request');
      await nothingYet(tab, 'after the chunk failed to load');
      expect(await tab.evaluate(() => (window as unknown as { rx: Rx }).rx.outboxSize()), 'the page view waits in storage').to.equal(1);
      const more = await tab.evaluate(() => (window as unknown as { rx: Rx }).rx.track(1, 'after-failure'));
      await deliveredOnce([...eids, ...more], 'the events of a page whose first chunk load failed');
      expect(server.requested.filter((path) => path === rig.page.outbox)).to.have.length(2);
    });
  });
});
