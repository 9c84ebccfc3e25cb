// ky on demand, in Chromium (issue 20): the page script is bundled as a bundler splits it (esbuild, `splitting`), so
// ky is a chunk of its own that the page imports with import() when its tracker is created. The page server holds
// that chunk back until the spec lets it go: the events tracked before ky arrives wait and are then delivered once;
// a page closed before ky ever arrived keeps its events in storage, and the next load sends them (same eids).
import { expect } from 'chai';
import { serveSplit, useSplitRig } from './split.js';
import { pageReady, until, type Rx } from './support.js';

describe('e2e: ky in a deferred chunk (Chromium, a split bundle, rxplow collector)', function () {
  this.timeout(60_000);
  const rig = useSplitRig();
  const { openAndTrack, deliveredOnce } = rig;

  it('the first event and every event tracked before ky arrives are delivered once it has, each exactly once', async () => {
    const server = await serveSplit(rig.page.files, [rig.page.ky]);
    // The page view and 3 events, tracked while the ky chunk is still held back by the server.
    const { context, tab, eids } = await openAndTrack(server, 3, 'before-ky');
    try {
      await until(
        () => server.requested.includes(rig.page.ky),
        'the page to ask for the ky chunk (prefetched when the tracker is created)',
      );
      expect(server.requested.indexOf(rig.page.ky), 'ky is fetched after the entry').to.be.above(server.requested.indexOf('/page.js'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await rig.collector.idle();
      expect(rig.collector.good(), 'nothing can be sent before ky arrives').to.have.length(0);
      const final = () => (window as unknown as { rx: Rx }).rx.outcomes.filter((o) => o.kind !== 'retrying');
      expect(await tab.evaluate(final), 'and nothing is final yet').to.deep.equal([]);

      server.release(rig.page.ky);
      await deliveredOnce(eids, 'the events tracked before ky arrived');
      const later = await tab.evaluate(() => (window as unknown as { rx: Rx }).rx.track(1, 'after-ky'));
      await deliveredOnce([...eids, ...later], 'an event tracked after ky arrived');
      const sent = () => (window as unknown as { rx: Rx }).rx.outcomes.filter((o) => o.kind === 'sent').flatMap((o) => o.eids);
      await until(async () => (await tab.evaluate(sent)).length === 5, 'five sent outcomes');
      expect(rig.collector.bad()).to.deep.equal([]);
    } finally {
      await context.close();
      await server.close();
    }
  });

  it('a page closed before ky ever arrives keeps its events in storage; the next load sends them (same eids, once)', async () => {
    const server = await serveSplit(rig.page.files, [rig.page.ky]);
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
      await rig.collector.idle();
      expect(rig.collector.good(), 'nothing was sent: ky never arrived').to.have.length(0);

      // The next load, at the same origin (the same storage), with ky served at once.
      server.release(rig.page.ky);
      const next = await context.newPage();
      await next.goto(rig.url(server.origin));
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
