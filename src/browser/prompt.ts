// Prompt first event (issue 21): an event that finds the browser's delivery idle is sent at once, without waiting for
// the batch timer (a visitor who bounces still has their page view counted); batching applies to the events after it.
// Around the outbox sink, so the Emitter and its batching stay as they are.
import { Observable, type Subscription } from 'rxjs';
import type { Admission, Sink } from '../emitter/sink.js';

/** The pure decision: idle when no event was admitted for at least the batch interval (so no batch is waiting). */
export const isIdle = (sinceLastMs: number, intervalMs: number): boolean => sinceLastMs >= intervalMs;

/**
 * `sink`, with a flush right after each event admitted while idle ({@link isIdle}): the batch holding that one event
 * is sent at once. The sink takes each admission synchronously (the outbox hands it to its emitter at once). Before
 * `ready` (the outbox adopting what earlier pages left) the flush waits for it, so the first answer the collector
 * gives comes after the adoption, which needs one to settle what was handed off at the last page hide.
 */
export function promptFirst<S extends Sink>(sink: S, now: () => number, intervalMs: number, ready?: Promise<void>): Sink {
  let last = -Infinity;
  let isReady = ready === undefined;
  const settle = (): void => void (isReady = true);
  void ready?.then(settle, settle); // a failed adoption: the outbox works on, and so does this
  const flushNow = (): void => void sink.flush();
  const flush = (): void => {
    if (isReady) flushNow();
    else void ready!.then(flushNow, flushNow);
  };
  return {
    name: sink.name,
    outcomes: sink.outcomes,
    connect: (admissions: Observable<Admission>): Subscription =>
      sink.connect(
        new Observable<Admission>((subscriber) =>
          admissions.subscribe({
            next: (admission) => {
              const at = now();
              const idle = admission.kind === 'event' && isIdle(at - last, intervalMs);
              if (admission.kind === 'event') last = at;
              subscriber.next(admission);
              if (idle) flush();
            },
            error: (error: unknown) => subscriber.error(error),
            complete: () => subscriber.complete(),
          }),
        ),
      ),
    flush: () => sink.flush(),
    shutdown: (options) => sink.shutdown(options),
  };
}
