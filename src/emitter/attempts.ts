import { catchError, concat, defer, map, mergeMap, Observable, of, race, take, throwIfEmpty, timer, type SchedulerLike } from 'rxjs';
import { HttpStatusError, isRxplowError, NetworkError, TimeoutError, UnexpectedError } from '../errors.js';
import type { Payload } from '../payload/payload.js';
import type { QueuedEvent } from './batch.js';
import type { ResolvedRetryOptions } from './options.js';
import type { DeliveryError, DeliveryOutcome, DropReason } from './outcome.js';
import { decide, type AttemptResult, type Decision } from './retry-policy.js';

/** An outcome with the queued events it settles. */
export interface Settlement {
  readonly outcome: DeliveryOutcome;
  readonly items: readonly QueuedEvent[];
}

/**
 * What one attempt came to for some of its items: one part for an HTTP request, one per reply kind for a Redis append.
 * A part carries the attempt's `result` (decided by the retry policy), or a `dropped` reason (final, never retried:
 * a full Redis stream refused the items).
 */
export type AttemptPart = {
  readonly items: readonly QueuedEvent[];
  /** The events as outcomes carry them (for HTTP: as sent, with `stm`). */
  readonly events: readonly Payload[];
} & ({ readonly result: AttemptResult; readonly dropped?: undefined } | { readonly result?: undefined; readonly dropped: DropReason });

/** One attempt in the making: its answer, and what it knows when the engine's deadline cuts it short. */
export interface Attempt {
  /** The attempt's answer: its first emission settles the attempt (later ones are ignored); completing without one, or erroring, is a failed attempt. */
  readonly answer: Observable<readonly AttemptPart[]>;
  /** The events as outcomes carry them when the attempt fails as a whole. @default the items' payloads */
  readonly events?: readonly Payload[] | undefined;
  /** At the deadline (after the answer was unsubscribed): what is known by then. Default: every item timed out. */
  readonly timedOut?: (() => readonly AttemptPart[]) | undefined;
}

/**
 * Everything the attempt engine needs: explicit inputs, no hidden state. The HTTP emitter and the Redis producer each
 * say how one attempt is made; the engine owns the rest (the deadline, the retry decision, backoff, 413 splits).
 */
export interface AttemptEngine {
  /** The name outcomes carry. */
  readonly name: string;
  /** Where attempts go (a URL, a stream), for errors. */
  readonly where: string;
  /** Makes attempt `n` (from 1) for these items. May throw: that is settled as `dropped` (`error`). */
  readonly attempt: (items: readonly QueuedEvent[], n: number) => Attempt;
  /** Every timer (attempt deadlines, retry delays) and clock reading goes through it. */
  readonly scheduler: SchedulerLike;
  /** Per-attempt deadline, in ms, on the scheduler: it holds whether or not the attempt honours unsubscription. */
  readonly timeoutMs: number;
  readonly retry: ResolvedRetryOptions;
  /** Which response statuses mean delivered. */
  readonly isSuccess: (status: number) => boolean;
  /** A number in [0, 1) for jitter. @default Math.random */
  readonly random?: (() => number) | undefined;
  /** Each emission ends every pending retry's backoff at once. Default: none. */
  readonly retryNow?: Observable<unknown> | undefined;
}

/**
 * One batch's whole story as an Observable of settlements: attempts (each bounded by `timeoutMs`), retries after
 * backoff, 413 splits (the halves one after the other). Every item ends in exactly one final outcome; anything that
 * throws becomes `dropped` (`error`) for the items concerned, so the Observable never errors. Unsubscribing aborts
 * the attempt in flight and cancels a pending retry.
 */
export function runAttempts(batch: readonly QueuedEvent[], engine: AttemptEngine): Observable<Settlement> {
  const { scheduler, name } = engine;
  const random = engine.random ?? Math.random;
  const firstAttemptAt = scheduler.now();

  const decideSafely = (result: AttemptResult, attempt: number, batchSize: number): Decision => {
    const now = scheduler.now();
    const input = { result, attempt, batchSize, elapsedMs: now - firstAttemptAt, now, random: random(), policy: engine.retry };
    try {
      return decide({ ...input, isSuccess: engine.isSuccess });
    } catch {
      // A throwing `isSuccess` counts as a failed attempt, not a crash.
      return decide({ ...input, isSuccess: () => false });
    }
  };

  // A retry waits its delay, or less when `retryNow` emits first.
  const backoff = (delayMs: number): Observable<unknown> =>
    engine.retryNow ? race(timer(delayMs, scheduler), engine.retryNow).pipe(take(1)) : timer(delayMs, scheduler);

  const settle = (part: AttemptPart, n: number): Observable<Settlement> => {
    const { items, events } = part;
    if (part.dropped !== undefined) {
      const outcome = {
        kind: 'dropped',
        emitter: name,
        events,
        attempt: n,
        willRetry: false,
        reason: part.dropped,
        error: undefined,
      } as const;
      return of({ outcome, items });
    }
    const result = part.result;
    const decision = decideSafely(result, n, items.length);
    const base = { emitter: name, events, attempt: n };
    if (result.kind === 'response' && decision.kind === 'sent')
      return of({ outcome: { ...base, kind: 'sent', status: result.status, willRetry: false } as const, items });
    const status = result.kind === 'response' ? result.status : undefined;
    const error = result.kind === 'error' ? result.error : new HttpStatusError(result.status, engine.where);
    switch (decision.kind) {
      case 'split': {
        const half = Math.ceil(items.length / 2);
        return concat(attempt(items.slice(0, half), n + 1), attempt(items.slice(half), n + 1));
      }
      case 'retry':
        return concat(
          of({ outcome: { ...base, kind: 'retrying', status, error, delayMs: decision.delayMs, willRetry: true } as const, items }),
          backoff(decision.delayMs).pipe(mergeMap(() => attempt(items, n + 1))),
        );
      default:
        return of({ outcome: { ...base, kind: 'failed', status, error, willRetry: false } as const, items });
    }
  };

  const attempt = (items: readonly QueuedEvent[], n: number): Observable<Settlement> =>
    defer(() => {
      const made = engine.attempt(items, n);
      const failedWith = (error: DeliveryError): readonly AttemptPart[] => [
        { items, events: made.events ?? items.map((item) => item.payload), result: { kind: 'error', error } },
      ];
      const answered = made.answer.pipe(
        take(1),
        throwIfEmpty(() => new NetworkError(engine.where, { cause: new Error('the attempt completed without an answer') })),
        catchError((error: unknown) => of(failedWith(toDeliveryError(error, engine.where)))),
      );
      // The deadline is the engine's own timer: it holds whether or not the attempt honours unsubscription.
      const deadline = timer(engine.timeoutMs, scheduler).pipe(
        map(() => made.timedOut?.() ?? failedWith(new TimeoutError(engine.where, engine.timeoutMs))),
      );
      return race(answered, deadline).pipe(mergeMap((parts) => concat(...parts.map((part) => settle(part, n)))));
    }).pipe(catchError((error: unknown) => of(unexpected(name, items, error, 'delivering a batch'))));

  return attempt(batch, 1);
}

/** A final `dropped` (`error`) settlement for items something threw on. */
export function unexpected(name: string, items: readonly QueuedEvent[], error: unknown, where: string): Settlement {
  const outcome = {
    kind: 'dropped',
    emitter: name,
    events: items.map((item) => item.payload),
    attempt: 0,
    willRetry: false,
    reason: 'error',
    error: new UnexpectedError(where, error),
  } as const;
  return { outcome, items };
}

function toDeliveryError(error: unknown, where: string): DeliveryError {
  if (isRxplowError(error) && (error.code === 'network' || error.code === 'timeout' || error.code === 'aborted'))
    return error as DeliveryError;
  return new NetworkError(where, { cause: error });
}
