// Child of durations.spec.ts: `node --import tsx durations.ts <collector url>`. Tries each duration option at 2^31 ms
// (must be refused at construction; when accepted, it is exercised, which prints a TimeoutOverflowWarning today), then
// uses the longest valid durations and shutdown({ timeoutMs: Infinity }). stderr must stay empty.
import { Emitter, Tracker, type EmitterOptions } from '../../../../src/index.js';
import { settlesWithin } from './race.js';

if (process.env['RXPLOW_HARDENING_CHILD'] === '1') {
  const endpoint = process.argv[2]!;
  const TOO_LONG = 2 ** 31;
  const MAX = 2 ** 31 - 1;
  const options: Record<string, EmitterOptions> = {
    timeoutMs: { timeoutMs: TOO_LONG },
    flushIntervalMs: { flushIntervalMs: TOO_LONG, bufferSize: 5 },
    baseDelayMs: { retry: { baseDelayMs: TOO_LONG } },
    maxDelayMs: { retry: { maxDelayMs: TOO_LONG } },
    maxAgeMs: { retry: { maxAgeMs: TOO_LONG } },
  };
  const rejected: Record<string, boolean> = {};
  for (const [name, option] of Object.entries(options)) {
    let emitter: Emitter;
    try {
      emitter = new Emitter('http://127.0.0.1:9', { method: 'post', ...option });
    } catch {
      rejected[name] = true;
      continue;
    }
    rejected[name] = false;
    // Accepted: exercise its timers (a refused connection: retries, batch timer, per-attempt timer).
    const tracker = new Tracker(emitter);
    tracker.trackStructEvent({ category: 'overflow', action: name });
    await settlesWithin(tracker.flush(), 200);
    await tracker.shutdown({ timeoutMs: 50 });
  }

  const emitter = new Emitter(endpoint, {
    method: 'post',
    bufferSize: 5,
    timeoutMs: MAX,
    flushIntervalMs: MAX,
    retry: { baseDelayMs: MAX, maxDelayMs: MAX, maxAgeMs: MAX },
  });
  const tracker = new Tracker(emitter);
  tracker.trackStructEvent({ category: 'longest', action: 'durations' });
  const report = await tracker.shutdown({ timeoutMs: Infinity });
  process.stdout.write(`${JSON.stringify({ rejected, report })}\n`);
}
