// Delivery in Chromium with REAL HTTP: Emitters post to the Karma server's collector middleware
// (spec/support/karma-collector.cjs) on the page's own origin, one session per spec.
import { expect } from 'chai';
import { Emitter } from '../../src/emitter/emitter.js';
import type { EmitterOptions } from '../../src/emitter/options.js';
import type { Payload } from '../../src/payload/payload.js';
import { SCHEMAS } from '../../src/payload/schemas.js';
import { SelfDescribingJson } from '../../src/payload/self-describing-json.js';
import { Tracker } from '../../src/tracker/tracker.js';
import { decodePayload } from '../helpers/decode.js';
import { expectConservation, OutcomeLog } from '../support/conservation.js';
import { withoutStm } from '../support/payloads.js';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly status: number;
  readonly schema: string | undefined;
  readonly events: Payload[];
}

/** A fresh collector session in the Karma server: its endpoint, a way to script answers, what it received. */
function collectorSession() {
  const endpoint = `${window.location.origin}/__rxplow/${Math.random().toString(36).slice(2)}`;
  return {
    endpoint,
    script: async (answers: readonly (number | { status: number; retryAfter: string })[]) => {
      const response = await fetch(`${endpoint}/__script`, { method: 'POST', body: JSON.stringify(answers) });
      expect(response.status).to.equal(204);
    },
    received: async (): Promise<Received[]> => (await fetch(`${endpoint}/__received`)).json() as Promise<Received[]>,
  };
}

const FAST: EmitterOptions = { retry: { limit: 5, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 2_000, flushIntervalMs: 20 };
const LINK_CLICK = 'iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1';
const WEB_PAGE = 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0';

describe('delivery in the browser (real HTTP to the Karma collector)', function () {
  this.timeout(10_000);

  it('delivers GET and POST events that decode to what was tracked', async () => {
    const session = collectorSession();
    const get = new Emitter(session.endpoint, { ...FAST, method: 'get' });
    const post = new Emitter(session.endpoint, { ...FAST, bufferSize: 3, anonymous: true, headers: { 'X-Team': 'web' } });
    const tracker = new Tracker([get, post], { namespace: 'cf', appId: 'browser' });
    const built: Payload[] = [];
    tracker.payloads.subscribe((p) => built.push(p));
    tracker.trackPageView({ pageUrl: 'https://shop.test/é', pageTitle: 'Crème 🚀' });
    tracker.trackSelfDescribingEvent(new SelfDescribingJson(LINK_CLICK, { targetUrl: 'https://shop.test/next' }), {
      context: [new SelfDescribingJson(WEB_PAGE, { id: '3a2b1c0d-9e8f-4a7b-b6c5-d4e3f2a1b0c9' })],
    });
    await tracker.flush();
    const received = await session.received();

    const gets = received.filter((r) => r.method === 'GET');
    expect(gets.map((r) => r.path)).to.deep.equal(['/i', '/i']);
    expect(gets.map((r) => withoutStm(r.events[0]!))).to.deep.equal(built);

    const posts = received.filter((r) => r.method === 'POST');
    expect(posts).to.have.length(1);
    expect(posts[0]!.path).to.equal('/com.snowplowanalytics.snowplow/tp2');
    expect(posts[0]!.schema).to.equal(SCHEMAS.payloadData);
    expect(posts[0]!.headers).to.include({ 'content-type': 'application/json; charset=utf-8', 'sp-anonymous': '*', 'x-team': 'web' });
    expect(posts[0]!.events.map(withoutStm)).to.deep.equal(built);

    const decoded = decodePayload(posts[0]!.events[1]!);
    expect(decoded.unstructEvent?.data).to.deep.equal({ schema: LINK_CLICK, data: { targetUrl: 'https://shop.test/next' } });
    expect(decoded.contexts?.data).to.deep.equal([{ schema: WEB_PAGE, data: { id: '3a2b1c0d-9e8f-4a7b-b6c5-d4e3f2a1b0c9' } }]);
    expect(decodePayload(gets[0]!.events[0]!).fields).to.include({ url: 'https://shop.test/é', page: 'Crème 🚀' });
  });

  for (const method of ['get', 'post'] as const) {
    it(`${method.toUpperCase()}: a scripted 503 then 200 gives retrying, then sent; flush waits for it`, async () => {
      const session = collectorSession();
      await session.script([503, { status: 503, retryAfter: '0' }]);
      const emitter = new Emitter(session.endpoint, { ...FAST, method, bufferSize: 1 });
      const tracker = new Tracker(emitter);
      const log = new OutcomeLog(emitter.outcomes, tracker);
      let finalAtFlush = false;
      tracker.trackStructEvent({ category: 'browser', action: 'retry' });
      await tracker.flush().then(() => (finalAtFlush = log.allFinal()));
      expect(finalAtFlush).to.be.true;
      expect(log.outcomes.map((o) => [o.kind, o.attempt, o.willRetry])).to.deep.equal([
        ['retrying', 1, true],
        ['retrying', 2, true],
        ['sent', 3, false],
      ]);
      expect((await session.received()).map((r) => r.status)).to.deep.equal([503, 503, 200]);
      expectConservation(log);
    });
  }

  it('fails at once on 400 without retrying', async () => {
    const session = collectorSession();
    await session.script([400]);
    const emitter = new Emitter(session.endpoint, { ...FAST, bufferSize: 1 });
    const tracker = new Tracker(emitter);
    const log = new OutcomeLog(emitter.outcomes, tracker);
    tracker.trackStructEvent({ category: 'browser', action: 'bad request' });
    await tracker.flush();
    expect(log.outcomes.map((o) => [o.kind, o.attempt])).to.deep.equal([['failed', 1]]);
    expect(await session.received()).to.have.length(1);
  });

  it('shutdown reports counts that add up, abandoning events still retrying at the deadline, and starts no request after', async () => {
    const session = collectorSession();
    await session.script([200, ...Array<number>(200).fill(503)]);
    const started: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      started.push(String(input));
      return globalThis.fetch(input, init);
    };
    const retry = { limit: 1_000, baseDelayMs: 20, maxDelayMs: 40 };
    const emitter = new Emitter(session.endpoint, { ...FAST, fetch, bufferSize: 1, concurrency: 1, retry });
    const tracker = new Tracker(emitter);
    const log = new OutcomeLog(emitter.outcomes, tracker);
    for (let i = 0; i < 3; i++) tracker.trackStructEvent({ category: 'browser', action: 'shutdown', value: i });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const report = await tracker.shutdown({ timeoutMs: 100 });
    expect(report).to.deep.equal({ sent: 1, failed: 0, dropped: 0, abandoned: 2 });
    expectConservation(log, report);
    const startedBeforeShutdown = started.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started).to.have.length(startedBeforeShutdown);
    expect((await session.received()).length).to.be.at.most(startedBeforeShutdown);
  });
});
