import { catchError, concat, defer, map, mergeMap, Observable, of, race, take, throwError, timer, type SchedulerLike } from 'rxjs';
import { HttpStatusError, isRxplowError, NetworkError, TimeoutError, UnexpectedError } from '../errors.js';
import type { Payload } from '../payload/payload.js';
import type { QueuedEvent } from './batch.js';
import type { ResolvedRetryOptions } from './options.js';
import type { DeliveryError, DeliveryOutcome } from './outcome.js';
import { eventsAsSent, type CollectorRequest } from './request.js';
import { decide, type AttemptResult, type Decision } from './retry-policy.js';
import type { Transport } from './transport.js';

/** An outcome with the queued events it settles. */
export interface Settlement {
  readonly outcome: DeliveryOutcome;
  readonly items: readonly QueuedEvent[];
}

/** Everything the delivery of one batch depends on: explicit inputs, no hidden state. */
export interface DeliveryEnvironment {
  /** The name outcomes carry. */
  readonly name: string;
  /** The collector URL, for errors. */
  readonly url: string;
  readonly transport: Transport;
  /** Builds an attempt's request from its queued events, the same events as sent (with `stm`), and `stm`. */
  readonly buildRequest: (items: readonly QueuedEvent[], events: readonly Payload[], sentAt: number) => CollectorRequest;
  /** Every timer (attempt timeouts, retry delays) and clock reading (`stm`, elapsed time) goes through it. */
  readonly scheduler: SchedulerLike;
  /** Per-attempt timeout, in ms. */
  readonly timeoutMs: number;
  /** The retry policy. */
  readonly retry: ResolvedRetryOptions;
  /** Decides which HTTP statuses mean delivered. */
  readonly isSuccess: (status: number) => boolean;
  /** A number in [0, 1) for jitter. @default Math.random */
  readonly random?: (() => number) | undefined;
  /** Each emission ends every pending retry's backoff at once. Default: none. */
  readonly retryNow?: Observable<unknown> | undefined;
}

/**
 * One batch's whole story as an Observable of settlements: attempts (each bounded by `timeoutMs` on the scheduler),
 * retries after backoff, 413 splits (the halves one after the other, in the batch's slot). Every item ends in
 * exactly one final outcome; anything that throws becomes `dropped` (`error`) for the items concerned, so the
 * Observable never errors. Unsubscribing aborts the request in flight and cancels a pending retry.
 */
export function deliverBatch(batch: readonly QueuedEvent[], env: DeliveryEnvironment): Observable<Settlement> {
  const { scheduler, name } = env;
  const random = env.random ?? Math.random;
  const firstAttemptAt = scheduler.now();

  const decideSafely = (result: AttemptResult, attempt: number, batchSize: number): Decision => {
    const now = scheduler.now();
    const input = {
      result,
      attempt,
      batchSize,
      elapsedMs: now - firstAttemptAt,
      now,
      random: random(),
      policy: env.retry,
      isSuccess: env.isSuccess,
    };
    try {
      return decide(input);
    } catch {
      // A throwing `isSuccess` counts as a failed attempt, not a crash.
      return decide({ ...input, isSuccess: () => false });
    }
  };

  // A retry waits its delay, or less when `retryNow` emits first.
  const backoffOver = (delayMs: number): Observable<unknown> =>
    env.retryNow ? race(timer(delayMs, scheduler), env.retryNow).pipe(take(1)) : timer(delayMs, scheduler);

  const attempt = (items: readonly QueuedEvent[], n: number): Observable<Settlement> =>
    defer(() => {
      const sentAt = scheduler.now();
      const events = eventsAsSent(items, sentAt);
      const request = env.buildRequest(items, events, sentAt);
      // The attempt's deadline is our own timer: it holds whether or not the transport honours unsubscription.
      const deadline = timer(env.timeoutMs, scheduler).pipe(mergeMap(() => throwError(() => new TimeoutError(request.url, env.timeoutMs))));
      return race(env.transport(request), deadline).pipe(
        map((response): AttemptResult => ({ kind: 'response', status: response.status, retryAfter: response.retryAfter })),
        catchError((error: unknown) => of<AttemptResult>({ kind: 'error', error: toDeliveryError(error, request.url) })),
        mergeMap((result) => {
          const decision = decideSafely(result, n, items.length);
          const base = { emitter: name, events, attempt: n };
          if (result.kind === 'response' && decision.kind === 'sent') {
            return of({ outcome: { ...base, kind: 'sent', status: result.status, willRetry: false } as const, items });
          }
          const status = result.kind === 'response' ? result.status : undefined;
          const error = result.kind === 'error' ? result.error : new HttpStatusError(result.status, env.url);
          switch (decision.kind) {
            case 'split': {
              const half = Math.ceil(items.length / 2);
              return concat(attempt(items.slice(0, half), n + 1), attempt(items.slice(half), n + 1));
            }
            case 'retry':
              return concat(
                of({ outcome: { ...base, kind: 'retrying', status, error, delayMs: decision.delayMs, willRetry: true } as const, items }),
                backoffOver(decision.delayMs).pipe(mergeMap(() => attempt(items, n + 1))),
              );
            default:
              return of({ outcome: { ...base, kind: 'failed', status, error, willRetry: false } as const, items });
          }
        }),
      );
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

function toDeliveryError(error: unknown, url: string): DeliveryError {
  if (isRxplowError(error) && (error.code === 'network' || error.code === 'timeout' || error.code === 'aborted'))
    return error as DeliveryError;
  return new NetworkError(url, { cause: error });
}
