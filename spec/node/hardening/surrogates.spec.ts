// Issue 9, item 1: lone UTF-16 surrogates in any string a caller gives (event fields, self-describing data and
// contexts, subject fields, per-call subject, tracker options, tracker.input) are made well-formed when the payload is
// built: each becomes U+FFFD, as TextEncoder does. GET and POST then send the same text, every event is `sent`, and the
// host sees no uncaught exception, no unhandled rejection and no console write.
import { expect } from 'chai';
import { Emitter, structEvent, Tracker, type Payload, type TrackerOptions } from '../../../src/index.js';
import { LoopbackCollector } from '../../support/collector.js';
import { expectConservation, FFFD, LONE_HIGH, LONE_LOW, OutcomeLog, within, withoutStm } from '../../support/hardening.js';
import { childSummary, incidentLines, runChild, watchHost } from './support.js';

const SCHEMA = 'iglu:com.acme/hardening/jsonschema/1-0-0';
const ENTITY = 'iglu:com.acme/entity/jsonschema/1-0-0';
const FAST = { retry: { limit: 1, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 2_000, flushIntervalMs: 10 } as const;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every string (keys included) in a JSON value, for checking that nothing still holds a lone surrogate. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)]);
  return [];
}

const fromBase64Url = (text: string): unknown => JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
/** The self-describing event's data, from `ue_px` (base64url) or `ue_pr` (raw JSON). */
const unstructData = (event: Payload): Record<string, unknown> =>
  (
    (event['ue_px'] !== undefined ? fromBase64Url(event['ue_px']) : JSON.parse(event['ue_pr']!)) as {
      data: { data: Record<string, unknown> };
    }
  ).data.data;
/** The first context entity's data, from `cx` (base64url) or `co` (raw JSON). */
const contextData = (event: Payload): Record<string, unknown> =>
  ((event['cx'] !== undefined ? fromBase64Url(event['cx']) : JSON.parse(event['co']!)) as { data: { data: Record<string, unknown> }[] })
    .data[0]!.data;

interface SurrogateCase {
  readonly title: string;
  readonly trackerOptions?: TrackerOptions;
  /** Tracks exactly one event that carries lone surrogates. */
  readonly track: (tracker: Tracker) => void;
  /** Checks the event as the collector received it (GET and POST alike). */
  readonly check: (event: Payload) => void;
}

const CASES: readonly SurrogateCase[] = [
  {
    title: 'an event field cut through an emoji (label.slice(0, n))',
    track: (t) => t.trackStructEvent({ category: 'c', action: 'a', label: `cut ${'😀'.repeat(3)}`.slice(0, 7) }),
    check: (e) => expect(e['se_la']).to.equal(`cut 😀${FFFD}`),
  },
  {
    title: 'lone low surrogates and a reversed pair in page fields',
    track: (t) =>
      t.trackPageView({
        pageUrl: `https://shop.test/${LONE_LOW}`,
        pageTitle: `a${LONE_LOW}${LONE_HIGH}b`,
        referrer: `https://r.test/${LONE_HIGH}`,
      }),
    check: (e) => {
      expect(e['url']).to.equal(`https://shop.test/${FFFD}`);
      expect(e['page']).to.equal(`a${FFFD}${FFFD}b`);
      expect(e['refr']).to.equal(`https://r.test/${FFFD}`);
    },
  },
  {
    title: 'self-describing event data, values and keys (base64)',
    track: (t) =>
      t.trackSelfDescribingEvent({ schema: SCHEMA, data: { text: `x${LONE_HIGH}`, [`k${LONE_LOW}`]: 'v', list: [`${LONE_HIGH}`] } }),
    check: (e) => expect(unstructData(e)).to.deep.equal({ text: `x${FFFD}`, [`k${FFFD}`]: 'v', list: [FFFD] }),
  },
  {
    title: 'self-describing event data (raw JSON, encodeBase64: false)',
    trackerOptions: { encodeBase64: false },
    track: (t) => t.trackSelfDescribingEvent({ schema: SCHEMA, data: { text: `x${LONE_HIGH}y` } }),
    check: (e) => expect(unstructData(e)).to.deep.equal({ text: `x${FFFD}y` }),
  },
  {
    title: 'context entity data (base64)',
    track: (t) =>
      t.trackStructEvent(
        { category: 'c', action: 'a' },
        { context: [{ schema: ENTITY, data: { name: `n${LONE_LOW}`, [`${LONE_HIGH}`]: 1 } }] },
      ),
    check: (e) => expect(contextData(e)).to.deep.equal({ name: `n${FFFD}`, [FFFD]: 1 }),
  },
  {
    title: 'context entity data (raw JSON, encodeBase64: false)',
    trackerOptions: { encodeBase64: false },
    track: (t) => t.trackStructEvent({ category: 'c', action: 'a' }, { context: [{ schema: ENTITY, data: { name: `n${LONE_HIGH}` } }] }),
    check: (e) => expect(contextData(e)).to.deep.equal({ name: `n${FFFD}` }),
  },
  {
    title: 'setUserId',
    track: (t) => t.setUserId(`user ${LONE_HIGH}`).trackStructEvent({ category: 'c', action: 'a' }),
    check: (e) => expect(e['uid']).to.equal(`user ${FFFD}`),
  },
  {
    title: 'a per-call subject',
    track: (t) =>
      t.trackStructEvent({ category: 'c', action: 'a' }, { subject: { useragent: `ua ${LONE_LOW}`, language: `en${LONE_HIGH}` } }),
    check: (e) => expect([e['ua'], e['lang']]).to.deep.equal([`ua ${FFFD}`, `en${FFFD}`]),
  },
  {
    title: 'the namespace and appId options',
    trackerOptions: { namespace: `ns${LONE_HIGH}`, appId: `app${LONE_LOW}` },
    track: (t) => t.trackStructEvent({ category: 'c', action: 'a' }),
    check: (e) => expect([e['tna'], e['aid']]).to.deep.equal([`ns${FFFD}`, `app${FFFD}`]),
  },
  {
    title: 'an event fed through tracker.input',
    track: (t) => t.input.next(structEvent({ category: `c${LONE_HIGH}`, action: 'a' })),
    check: (e) => expect(e['se_ca']).to.equal(`c${FFFD}`),
  },
  {
    title: 'a well-formed emoji pair (unchanged)',
    track: (t) => t.trackStructEvent({ category: 'c', action: 'a', label: '😀' }),
    check: (e) => expect(e['se_la']).to.equal('😀'),
  },
];

describe('lone surrogates are made well-formed when the payload is built', function () {
  this.timeout(10_000);

  for (const c of CASES) {
    it(`${c.title}: GET and POST both send U+FFFD, identical text, outcome sent, host untouched`, async () => {
      const collector = await LoopbackCollector.start();
      const get = new Emitter(collector.url, { ...FAST, method: 'get', name: 'get' });
      const post = new Emitter(collector.url, { ...FAST, method: 'post', bufferSize: 5, name: 'post' });
      const tracker = new Tracker([get, post], { namespace: 'h1', appId: 'spec', ...c.trackerOptions });
      const logs = [new OutcomeLog(get.outcomes, tracker), new OutcomeLog(post.outcomes, tracker)];
      const built: Payload[] = [];
      tracker.payloads.subscribe((p) => built.push({ ...p }));
      try {
        const { value: flushed, incidents } = await watchHost(async () => {
          c.track(tracker);
          return within(tracker.flush(), 3_000);
        });
        expect(incidentLines(incidents), 'what the host saw').to.deep.equal([]);
        expect(flushed.done, `flush() settled; outcomes: GET ${logs[0]!.describe()} | POST ${logs[1]!.describe()}`).to.be.true;
        expect(built, 'one payload built').to.have.length(1);
        for (const value of Object.values(built[0]!))
          expect(LONE_SURROGATE.test(value), `built payload value ${JSON.stringify(value)}`).to.be.false;
        for (const log of logs) {
          expectConservation(log);
          expect(log.tally()).to.deep.equal({ sent: 1 });
        }
        const received = (method: string) => collector.requests.filter((r) => r.method === method).flatMap((r) => r.events);
        const [viaGet] = received('GET');
        const [viaPost] = received('POST');
        expect(viaGet, 'GET event received').to.exist;
        expect(viaPost, 'POST event received').to.exist;
        c.check(viaGet!);
        c.check(viaPost!);
        expect(withoutStm(viaGet!), 'GET and POST carry the same text').to.deep.equal(withoutStm(viaPost!));
        expect(withoutStm(viaPost!), 'what was sent is what was built').to.deep.equal(built[0]);
        for (const event of [viaGet!, viaPost!]) {
          for (const [key, value] of Object.entries(event)) {
            const decoded =
              key === 'ue_px' || key === 'cx' ? fromBase64Url(value) : key === 'ue_pr' || key === 'co' ? JSON.parse(value) : value;
            for (const text of stringsIn(decoded))
              expect(LONE_SURROGATE.test(text), `received ${key}: ${JSON.stringify(text)}`).to.be.false;
          }
        }
      } finally {
        await tracker.shutdown({ timeoutMs: 100 });
        await collector.close();
      }
    });
  }

  it('a real host process: all of the above in one child, which exits 0 with an empty stderr and only its report on stdout', async function () {
    this.timeout(15_000);
    const collector = await LoopbackCollector.start();
    try {
      const result = await runChild('surrogates', [collector.url], { killAfterMs: 10_000 });
      expect(result.killed, childSummary(result)).to.be.false;
      expect(result.code, childSummary(result)).to.equal(0);
      expect(result.stderr, childSummary(result)).to.equal('');
      expect(result.stdout.trim().split('\n'), 'stdout holds the report line only').to.have.length(1);
      const report = result.report as { flushed: boolean; report: Record<string, number>; tracked: number };
      expect(report.flushed, childSummary(result)).to.be.true;
      // Every event at both emitters sent (the input-invalid one aside, there is none here).
      expect(report.report).to.deep.equal({ sent: 2 * report.tracked, failed: 0, dropped: 0, abandoned: 0 });
      const events = collector.requests.flatMap((r) => r.events);
      expect(events).to.have.length(2 * report.tracked);
      for (const event of events)
        for (const value of Object.values(event)) expect(LONE_SURROGATE.test(value), JSON.stringify(value)).to.be.false;
      expect(events.filter((e) => e['se_la'] === `cut ${FFFD}`)).to.have.length(2);
    } finally {
      await collector.close();
    }
  });
});
