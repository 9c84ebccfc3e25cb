// Child of timeouts.spec.ts: `node --expose-gc --import tsx gc-timeout.ts <slow server url>`. Forces gc() every few
// ms while (A) the server holds back its headers for 3 s (timeoutMs 500) and (B) the server answers 200 at once and
// trickles the body for 4 s (timeoutMs 1000). Must: (A) a TimeoutError at ~500 ms; (B) `sent` as soon as the status
// is known. On Node 20 a GC used to cut the AbortSignal off from the body read, so the timeout never fired.
import { Emitter, Tracker, type DeliveryOutcome } from '../../../../src/index.js';
import { settlesWithin } from './race.js';

if (process.env['RXPLOW_HARDENING_CHILD'] === '1') {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const base = process.argv[2]!;
  const collect = setInterval(() => gc(), 5);

  async function scenario(
    path: string,
    timeoutMs: number,
  ): Promise<{ outcomes: string[]; flushed: boolean; firstAtMs: number | undefined }> {
    const emitter = new Emitter(`${base}/${path}`, { method: 'get', timeoutMs, retry: 0 });
    const tracker = new Tracker(emitter);
    const start = Date.now();
    const outcomes: string[] = [];
    let firstAtMs: number | undefined;
    emitter.outcomes.subscribe((o: DeliveryOutcome) => {
      firstAtMs ??= Date.now() - start;
      outcomes.push(`${o.kind}${'error' in o && o.error ? `:${o.error.code}` : ''}`);
    });
    tracker.trackStructEvent({ category: 'gc', action: path });
    const flushed = await settlesWithin(tracker.flush(), 5_000);
    await tracker.shutdown({ timeoutMs: 100 });
    return { outcomes, flushed, firstAtMs };
  }

  const pending = await scenario('headers-late', 500);
  const trickle = await scenario('trickle', 1_000);
  clearInterval(collect);
  process.stdout.write(`${JSON.stringify({ pending, trickle })}\n`);
}
