// The debug switch (issue 19): `debugOutcomes(tracker)`, one line, logs every outcome readably to the console (sent,
// each retry, failed, every drop with its reason); nothing is logged without it. The same printer as `npm start`.
import { expect } from 'chai';
import { debugOutcomes, Emitter, formatOutcome, Tracker, type DeliveryOutcome } from '../../src/index.js';
import { createTestingCollector } from '../../src/testing/index.js';

type Method = 'log' | 'info' | 'warn' | 'error' | 'debug';
const METHODS: readonly Method[] = ['log', 'info', 'warn', 'error', 'debug'];

/** Records every console call while `body` runs (and prints nothing). */
async function consoleDuring(body: () => Promise<void>): Promise<{ method: Method; text: string }[]> {
  const calls: { method: Method; text: string }[] = [];
  const saved = METHODS.map((m) => console[m]);
  for (const m of METHODS) console[m] = (...args: unknown[]) => void calls.push({ method: m, text: args.map(String).join(' ') });
  try {
    await body();
  } finally {
    METHODS.forEach((m, i) => (console[m] = saved[i]!));
  }
  return calls;
}

/** A tracker with default emitter options against a testing collector that answers the first request 503. */
function flakyTracker() {
  const collector = createTestingCollector();
  collector.respondWith(503);
  const tracker = new Tracker(new Emitter(collector.url, { fetch: collector.fetch, name: 'POST test' }), {
    filter: ({ kind }) => kind !== 'screenView',
  });
  return { tracker, collector };
}

function trackAll(tracker: Tracker): void {
  tracker.trackPageView({ pageUrl: 'https://shop.example/' }).trackStructEvent({ category: 'c', action: 'a' });
  tracker.trackScreenView({ name: 'filtered out' });
  tracker.input.next({ kind: 'structEvent', category: 'c' } as never); // invalid: no action
}

describe('debug switch: debugOutcomes(tracker)', () => {
  it('is off by default: a tracker that retries, filters and drops writes nothing to the console', async () => {
    const calls = await consoleDuring(async () => {
      const { tracker } = flakyTracker();
      trackAll(tracker);
      await tracker.flush();
    });
    expect(calls).to.deep.equal([]);
  });

  it('one line turns on a readable line per outcome: the retry, the send, the filtered and the invalid event', async () => {
    const calls = await consoleDuring(async () => {
      const { tracker } = flakyTracker();
      debugOutcomes(tracker);
      trackAll(tracker);
      await tracker.flush();
    });
    const lines = calls.map((c) => `${c.method} ${c.text}`);
    expect(lines).to.have.length(4);
    expect(lines).to.include.members([
      'warn [rxplow] ✘ POST test dropped  1 event(s) [ue]: filtered',
      'warn [rxplow] ✘ POST test dropped  1 event(s) [-]: invalid: action: required: expected a string (RXP0101, see docs/errors.md#rxp0101)',
    ]);
    expect(lines.find((l) => l.includes('↻'))).to.match(
      /^warn \[rxplow\] ↻ POST test retrying 2 event\(s\) in \d+ ms: collector answered 503 .*\(attempt 1\) \[pv,se\]$/,
    );
    expect(lines.find((l) => l.includes('✔'))).to.match(/^info \[rxplow\] ✔ POST test sent +2 event\(s\) \[pv,se\] status 200, attempt 2$/);
  });

  it('takes its own logger, and unsubscribing turns it off again; a logger that throws breaks nothing', async () => {
    const { tracker, collector } = flakyTracker();
    collector.reset();
    const lines: string[] = [];
    const on = debugOutcomes(tracker, (line, outcome) => lines.push(`${outcome.kind}|${line}`));
    const thrower = debugOutcomes(tracker.outcomes, () => {
      throw new Error('logger broke');
    });
    tracker.trackStructEvent({ category: 'c', action: 'a' });
    await tracker.flush();
    on.unsubscribe();
    thrower.unsubscribe();
    tracker.trackStructEvent({ category: 'c', action: 'b' });
    await tracker.flush();
    expect(lines).to.deep.equal(['sent|✔ POST test sent     1 event(s) [se] status 200, attempt 1']);
    expect(collector.events).to.have.length(2);
  });

  it('formatOutcome prints failed and abandoned outcomes with their attempt and error', () => {
    const base = { emitter: 'GET /i', events: [{ e: 'pv' }], willRetry: false } as const;
    const error = { message: 'collector answered 400' } as never;
    expect(formatOutcome({ ...base, kind: 'failed', attempt: 1, status: 400, error } satisfies DeliveryOutcome)).to.equal(
      '✘ GET /i   failed   1 event(s) [pv] (attempt 1): collector answered 400',
    );
    expect(
      formatOutcome({
        ...base,
        kind: 'dropped',
        attempt: 3,
        reason: 'abandoned',
        error: { message: 'shutdown' } as never,
      } satisfies DeliveryOutcome),
    ).to.equal('✘ GET /i   dropped  1 event(s) [pv]: abandoned: shutdown');
  });
});
