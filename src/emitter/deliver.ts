import { map, type Observable } from 'rxjs';
import type { Payload } from '../payload/payload.js';
import { runAttempts, type AttemptEngine, type Settlement } from './attempts.js';
import type { QueuedEvent } from './batch.js';
import { eventsAsSent, type CollectorRequest } from './request.js';
import type { Transport } from './transport.js';

export { unexpected, type Settlement } from './attempts.js';

/**
 * Everything the delivery of one batch over HTTP depends on: explicit inputs, no hidden state. The attempt engine's
 * settings (name, scheduler, `timeoutMs`, retry policy, `isSuccess`, jitter, `retryNow`), plus how an attempt is made.
 */
export interface DeliveryEnvironment extends Omit<AttemptEngine, 'attempt' | 'where'> {
  /** The collector URL, for errors. */
  readonly url: string;
  readonly transport: Transport;
  /** Builds an attempt's request from its queued events, the same events as sent (with `stm`), and `stm`. */
  readonly buildRequest: (items: readonly QueuedEvent[], events: readonly Payload[], sentAt: number) => CollectorRequest;
}

/**
 * One batch's delivery over HTTP, on the attempt engine ({@link runAttempts}): each attempt builds its request (with
 * a fresh `stm`) and hands it to the transport, whose first response settles the attempt (later values are ignored;
 * completing without one is a failed, retryable attempt). Every item ends in exactly one final outcome; the
 * Observable never errors. Unsubscribing aborts the request in flight and cancels a pending retry.
 */
export function deliverBatch(batch: readonly QueuedEvent[], env: DeliveryEnvironment): Observable<Settlement> {
  const { scheduler } = env;
  return runAttempts(batch, {
    name: env.name,
    where: env.url,
    scheduler,
    timeoutMs: env.timeoutMs,
    retry: env.retry,
    isSuccess: env.isSuccess,
    random: env.random,
    retryNow: env.retryNow,
    attempt: (items) => {
      const sentAt = scheduler.now();
      const events = eventsAsSent(items, sentAt);
      const request = env.buildRequest(items, events, sentAt);
      return {
        events,
        answer: env
          .transport(request)
          .pipe(
            map(
              (response) =>
                [{ items, events, result: { kind: 'response', status: response.status, retryAfter: response.retryAfter } }] as const,
            ),
          ),
      };
    },
  });
}
