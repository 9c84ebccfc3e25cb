// End to end, in Debian's Chromium: what createBrowserTracker puts on the wire (issue 12 items 1-3 and the privacy
// modes), checked at rxplow collector: page view fields and the web_page entity, every event good against the Iglu
// schemas, ids and sessions across loads, page pings and their offsets, anonymous tracking.
import { expect } from 'chai';
import {
  good,
  launchChromium,
  pageReady,
  param,
  quietCollector,
  servePage,
  until,
  type Browser,
  type GoodEvent,
  type PageServer,
  type RunningCollector,
} from './support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WEB_PAGE = 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0';

describe('e2e: createBrowserTracker on the wire (Chromium, rxplow collector)', function () {
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

  const ofType = async (e: string): Promise<GoodEvent[]> => (await good(collector)).filter((event) => param(event, 'e') === e);
  /** Waits for `count` good events of a type. */
  const waitFor = (e: string, count: number): Promise<GoodEvent[]> =>
    until(
      async () => {
        const found = await ofType(e);
        return found.length >= count ? found : undefined;
      },
      async () => `${count} "${e}" events (have ${(await ofType(e)).length}; bad: ${JSON.stringify(collector.bad()).slice(0, 2_000)})`,
    );

  async function allGood(): Promise<void> {
    await collector.idle();
    expect(collector.bad(), 'bad events').to.deep.equal([]);
  }

  it('sends a page view with url, title, referrer, res, vp, duid, sid, vid and a valid web_page entity', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 700 } });
    const page = await context.newPage();
    const url = server.url({ collector: collector.url }, '/products/shoes');
    await page.goto(url, { referer: `${server.origin}/home` });
    await pageReady(page);
    const [view] = await waitFor('pv', 1);
    const p = view!.rawEvent.parameters as Record<string, string>;
    expect(p['url']).to.equal(url);
    expect(p['page']).to.equal('rxplow e2e');
    expect(p['refr']).to.equal(`${server.origin}/home`);
    expect(p['res']).to.match(/^\d+x\d+$/);
    expect(p['vp']).to.equal('1024x700');
    expect(p['duid']).to.match(UUID);
    expect(p['sid']).to.match(UUID);
    expect(p['vid']).to.equal('1');
    expect(p['aid']).to.equal('e2e');
    expect(view!.contexts).to.include(WEB_PAGE);
    const entity = (view!.event['contexts'] as { data: { schema: string; data: { id: string } }[] }).data.find(
      (c) => c.schema === WEB_PAGE,
    )!;
    expect(entity.data.id).to.match(UUID);
    // A later event carries the same page's web_page id, url and referrer.
    await page.evaluate(() => (window as unknown as { rx: { track(n: number, a: string): string[] } }).rx.track(1, 'after-view'));
    const [struct] = await waitFor('se', 1);
    expect(param(struct!, 'url')).to.equal(url);
    const structEntity = (struct!.event['contexts'] as { data: { schema: string; data: { id: string } }[] }).data.find(
      (c) => c.schema === WEB_PAGE,
    )!;
    expect(structEntity.data.id).to.equal(entity.data.id);
    await allGood();
    await context.close();
  });

  it('keeps duid across loads, starts a new session (sid, vid + 1) after the session timeout', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const url = server.url({ collector: collector.url, sessionTimeoutMs: 1_000 });
    await page.goto(url);
    await pageReady(page);
    const [first] = await waitFor('pv', 1);
    await page.reload();
    await pageReady(page);
    const [, second] = await waitFor('pv', 2);
    // The session times out after 1 s without an event: the only fixed wait of the suite is that timeout itself.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    await page.reload();
    await pageReady(page);
    const [, , third] = await waitFor('pv', 3);
    const ids = [first, second, third].map((e) => ({ duid: param(e!, 'duid'), sid: param(e!, 'sid'), vid: param(e!, 'vid') }));
    expect(ids[1]).to.deep.equal(ids[0]); // within the timeout: same user, same session
    expect(ids[2]!.duid).to.equal(ids[0]!.duid);
    expect(ids[2]!.sid).to.match(UUID).and.not.equal(ids[0]!.sid);
    expect(ids[2]!.vid).to.equal('2');
    await allGood();
    await context.close();
  });

  it('scrolling produces page pings with the scroll offsets seen; a hidden tab sends none', async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    const page = await context.newPage();
    await page.goto(server.url({ collector: collector.url, pings: { minimumVisitLength: 1, heartbeatDelay: 1 } }));
    await pageReady(page);
    await waitFor('pv', 1);
    await page.mouse.move(10, 10);
    await page.evaluate(() => window.scrollTo(150, 1_200));
    await page.mouse.move(20, 20);
    const [ping] = await waitFor('pp', 1);
    expect({
      mix: param(ping!, 'pp_mix'),
      max: param(ping!, 'pp_max'),
      miy: param(ping!, 'pp_miy'),
      may: param(ping!, 'pp_may'),
    }).to.deep.equal({
      mix: '0',
      max: '150',
      miy: '0',
      may: '1200',
    });
    expect(param(ping!, 'url')).to.equal(param((await ofType('pv'))[0]!, 'url'));

    // Hidden (as when another tab is in front): activity is ignored and no ping is sent.
    // (A string: tsx would wrap the getters' functions in a helper the page lacks.) Headless Chromium keeps every tab
    // visible, so the page is made hidden as the browser would make it: visibilityState, hidden, visibilitychange.
    await page.evaluate(`
      Object.defineProperty(document, 'visibilityState', { configurable: true, get() { return 'hidden'; } });
      Object.defineProperty(document, 'hidden', { configurable: true, get() { return true; } });
      document.dispatchEvent(new Event('visibilitychange'));
    `);
    const pingsWhenHidden = (await ofType('pp')).length;
    for (let i = 0; i < 5; i++) {
      await page.mouse.move(30 + i * 10, 30);
      await page.evaluate((y) => window.scrollTo(0, y), 500 + i * 100);
      await new Promise((resolve) => setTimeout(resolve, 500)); // 2.5 s: two heartbeat periods and more, all hidden
    }
    await page.evaluate(() => (window as unknown as { rx: { flush(): Promise<void> } }).rx.flush());
    expect((await ofType('pp')).length).to.equal(pingsWhenHidden);
    await allGood();
    await context.close();
  });

  it('anonymous mode sends no user or session ids, and the SP-Anonymous header', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const headers: Record<string, string>[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(collector.url) && request.method() === 'POST') headers.push(request.headers());
    });
    await page.goto(server.url({ collector: collector.url, anonymous: true }));
    await pageReady(page);
    await page.evaluate(() => (window as unknown as { rx: { track(n: number, a: string): string[] } }).rx.track(2, 'anonymous'));
    const events = [...(await waitFor('pv', 1)), ...(await waitFor('se', 2))];
    for (const event of events) {
      for (const key of ['duid', 'sid', 'vid', 'uid', 'nuid', 'tnuid']) expect(param(event, key), key).to.equal(undefined);
      expect(event.contexts).to.not.include('iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2');
      // The collector honoured SP-Anonymous: no IP address, the all-zero network user id.
      expect(event.event['user_ipaddress']).to.equal(undefined);
      expect(event.event['network_userid']).to.equal('00000000-0000-4000-A000-000000000000');
    }
    expect(headers.length).to.be.greaterThan(0);
    expect(headers.every((h) => h['sp-anonymous'] === '*')).to.equal(true);
    await allGood();
    await context.close();
  });

  it('prompt first event: the page view arrives although the batch timer is a minute; the events after it wait for it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url({ collector: collector.url, flushIntervalMs: 60_000 }));
    await pageReady(page);
    await waitFor('pv', 1); // within until()'s deadline, far below the 60 s batch timer
    await page.evaluate(() => (window as unknown as { rx: { track(n: number, action: string): string[] } }).rx.track(2, 'after'));
    await collector.idle();
    expect(await ofType('se'), 'batched behind the first event').to.have.length(0);
    await page.evaluate(() => (window as unknown as { rx: { flush(): Promise<void> } }).rx.flush());
    await waitFor('se', 2);
    await allGood();
    await context.close();
  });
});
