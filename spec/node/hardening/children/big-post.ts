// Child of post-size.spec.ts: `node --import tsx big-post.ts <collector url>`. 100 events of 6 MB each in one
// bufferSize-100 POST batch at the default maxPostBytes. Today the batch is joined into one ~600 MB body string:
// RangeError (Invalid string length), exit 1. Must: each event measured alone, every one `dropped` (`oversize`), the
// emitter goes on (later small events `sent`), flush() resolves, memory stays sane. Prints one JSON report line.
import { Emitter, Tracker, type DeliveryOutcome } from '../../../../src/index.js';
import { settlesWithin } from './race.js';

if (process.env['RXPLOW_HARDENING_CHILD'] === '1') {
  const endpoint = process.argv[2]!;
  const emitter = new Emitter(endpoint, {
    method: 'post',
    bufferSize: 100,
    flushIntervalMs: 50,
    timeoutMs: 2_000,
    retry: { limit: 1, baseDelayMs: 5 },
  });
  const tracker = new Tracker(emitter, { namespace: 'h2', appId: 'big' });
  const tracked: string[] = [];
  const outcomes: DeliveryOutcome[] = [];
  tracker.payloads.subscribe((p) => tracked.push(p['eid']!));
  emitter.outcomes.subscribe((o) => outcomes.push(o));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

  const big = 'x'.repeat(6_000_000); // one string, shared: the events themselves cost ~6 MB in all
  for (let i = 0; i < 100; i++) tracker.trackStructEvent({ category: 'big', action: 'track', label: big, value: i });
  const bigFlushed = await settlesWithin(tracker.flush(), 8_000);
  for (let i = 0; i < 3; i++) tracker.trackStructEvent({ category: 'small', action: 'track', value: i });
  const smallFlushed = await settlesWithin(tracker.flush(), 4_000);
  const report = await tracker.shutdown({ timeoutMs: 200 });
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const finals = new Map<string, string[]>();
  for (const o of outcomes) {
    if (o.kind === 'retrying') continue;
    for (const p of o.events)
      finals.set(p['eid']!, [...(finals.get(p['eid']!) ?? []), o.kind === 'dropped' ? `dropped:${o.reason}` : o.kind]);
  }
  const tally: Record<string, number> = {};
  for (const eid of tracked) {
    const key = (finals.get(eid) ?? ['(none)']).join('+');
    tally[key] = (tally[key] ?? 0) + 1;
  }
  const bigEids = tracked.slice(0, 100);
  const bigTally: Record<string, number> = {};
  for (const eid of bigEids)
    bigTally[(finals.get(eid) ?? ['(none)']).join('+')] = (bigTally[(finals.get(eid) ?? ['(none)']).join('+')] ?? 0) + 1;
  process.stdout.write(
    `${JSON.stringify({ bigFlushed, smallFlushed, report, tally, bigTally, tracked: tracked.length, peakRssMb: Math.round(peakRss / 1e6) })}\n`,
  );
}
