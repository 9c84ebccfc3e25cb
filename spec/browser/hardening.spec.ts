// Issue 9, item 1 in Chromium: lone UTF-16 surrogates, from any entry point, are made well-formed (U+FFFD) when the
// payload is built, so GET and POST send the same text and every event is `sent`; the page sees no uncaught error, no
// unhandled rejection and no console output. Uses the in-process testing collector as the emitters' `fetch`.
import { expect } from 'chai';
import { Emitter, structEvent, Tracker, type TrackerOptions } from '../../src/index.js';
import { createTestingCollector, type CollectedEvent } from '../../src/testing/index.js';
import { expectConservation, FFFD, LONE_HIGH, LONE_LOW, OutcomeLog, within, withoutStm } from '../support/hardening.js';

const SCHEMA = 'iglu:com.acme/hardening/jsonschema/1-0-0';
const ENTITY = 'iglu:com.acme/entity/jsonschema/1-0-0';
const FAST = { retry: { limit: 1, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 2_000, flushIntervalMs: 10 } as const;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug';

/** Runs `body` with the page watched: window.onerror, unhandled rejections and console output are recorded, then restored. */
async function watchPage<T>(body: () => Promise<T>, settleMs = 30): Promise<{ value: T; incidents: string[] }> {
  const incidents: string[] = [];
  const savedOnError = window.onerror;
  window.onerror = (message, _source, _line, _column, error) => {
    incidents.push(`uncaught: ${error ? `${error.name}: ${error.message}` : String(message)}`);
    return true;
  };
  const onRejection = (event: PromiseRejectionEvent) => {
    incidents.push(`unhandled rejection: ${String(event.reason)}`);
    event.preventDefault();
  };
  window.addEventListener('unhandledrejection', onRejection);
  const methods: ConsoleMethod[] = ['log', 'info', 'warn', 'error', 'debug'];
  const saved = methods.map((m) => console[m]);
  for (const m of methods) console[m] = (...args: unknown[]) => void incidents.push(`console.${m}: ${args.map(String).join(' ')}`);
  try {
    const value = await body();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return { value, incidents };
  } finally {
    methods.forEach((m, i) => (console[m] = saved[i]!));
    window.removeEventListener('unhandledrejection', onRejection);
    window.onerror = savedOnError;
  }
}

interface SurrogateCase {
  readonly title: string;
  readonly trackerOptions?: TrackerOptions;
  readonly track: (tracker: Tracker) => void;
  readonly check: (event: CollectedEvent) => void;
}

const CASES: readonly SurrogateCase[] = [
  {
    title: 'an event field cut through an emoji',
    track: (t) => t.trackStructEvent({ category: 'c', action: 'a', label: `cut ${'😀'.repeat(2)}`.slice(0, 7) }),
    check: (e) => expect(e.fields['se_la']).to.equal(`cut 😀${FFFD}`),
  },
  {
    title: 'page fields with a lone low surrogate and a reversed pair',
    track: (t) => t.trackPageView({ pageUrl: `https://shop.test/${LONE_LOW}`, pageTitle: `a${LONE_LOW}${LONE_HIGH}b` }),
    check: (e) => expect([e.fields['url'], e.fields['page']]).to.deep.equal([`https://shop.test/${FFFD}`, `a${FFFD}${FFFD}b`]),
  },
  {
    title: 'self-describing event data (base64)',
    track: (t) => t.trackSelfDescribingEvent({ schema: SCHEMA, data: { text: `x${LONE_HIGH}`, [`k${LONE_LOW}`]: 1 } }),
    check: (e) => expect(e.data).to.deep.equal({ text: `x${FFFD}`, [`k${FFFD}`]: 1 }),
  },
  {
    title: 'self-describing event data (raw JSON)',
    trackerOptions: { encodeBase64: false },
    track: (t) => t.trackSelfDescribingEvent({ schema: SCHEMA, data: { text: `x${LONE_HIGH}` } }),
    check: (e) => expect(e.data).to.deep.equal({ text: `x${FFFD}` }),
  },
  {
    title: 'context entity data',
    track: (t) => t.trackStructEvent({ category: 'c', action: 'a' }, { context: [{ schema: ENTITY, data: { name: `n${LONE_LOW}` } }] }),
    check: (e) => expect(e.contexts.map((c) => c.data)).to.deep.equal([{ name: `n${FFFD}` }]),
  },
  {
    title: 'setUserId and a per-call subject',
    track: (t) =>
      t.setUserId(`user${LONE_HIGH}`).trackStructEvent({ category: 'c', action: 'a' }, { subject: { useragent: `ua${LONE_LOW}` } }),
    check: (e) => expect([e.fields['uid'], e.fields['ua']]).to.deep.equal([`user${FFFD}`, `ua${FFFD}`]),
  },
  {
    title: 'the namespace and appId options',
    trackerOptions: { namespace: `ns${LONE_HIGH}`, appId: `app${LONE_LOW}` },
    track: (t) => t.trackStructEvent({ category: 'c', action: 'a' }),
    check: (e) => expect([e.fields['tna'], e.fields['aid']]).to.deep.equal([`ns${FFFD}`, `app${FFFD}`]),
  },
  {
    title: 'an event fed through tracker.input',
    track: (t) => t.input.next(structEvent({ category: `c${LONE_HIGH}`, action: 'a' })),
    check: (e) => expect(e.fields['se_ca']).to.equal(`c${FFFD}`),
  },
];

describe('hardening 1 in the browser: lone surrogates become U+FFFD, GET and POST alike', function () {
  this.timeout(10_000);

  for (const c of CASES) {
    it(`${c.title}: sent by GET and POST as U+FFFD, identical text, the page untouched`, async () => {
      const collector = createTestingCollector();
      const get = new Emitter(collector.url, { ...FAST, fetch: collector.fetch, method: 'get', name: 'get' });
      const post = new Emitter(collector.url, { ...FAST, fetch: collector.fetch, method: 'post', bufferSize: 5, name: 'post' });
      const tracker = new Tracker([get, post], { namespace: 'h1', appId: 'browser', ...c.trackerOptions });
      const logs = [new OutcomeLog(get.outcomes, tracker), new OutcomeLog(post.outcomes, tracker)];
      try {
        const { value: flushed, incidents } = await watchPage(async () => {
          c.track(tracker);
          return within(tracker.flush(), 3_000);
        });
        expect(incidents, 'what the page saw').to.deep.equal([]);
        expect(flushed.done, `flush() settled; GET ${logs[0]!.describe()} | POST ${logs[1]!.describe()}`).to.be.true;
        for (const log of logs) {
          expectConservation(log);
          expect(log.tally()).to.deep.equal({ sent: 1 });
        }
        const viaGet = collector.events.find((e) => e.method === 'GET');
        const viaPost = collector.events.find((e) => e.method === 'POST');
        expect(viaGet, 'GET event accepted').to.exist;
        expect(viaPost, 'POST event accepted').to.exist;
        for (const event of [viaGet!, viaPost!]) {
          expect(event.errors, 'decoding problems').to.deep.equal([]);
          c.check(event);
          for (const value of Object.values(event.fields)) expect(LONE_SURROGATE.test(value), JSON.stringify(value)).to.be.false;
        }
        expect(withoutStm(viaGet!.fields), 'GET and POST carry the same text').to.deep.equal(withoutStm(viaPost!.fields));
      } finally {
        await tracker.shutdown({ timeoutMs: 100 });
      }
    });
  }
});
