// Outcomes a queue gives events it will not send: dropped at admission or on shutdown, and what is left at a
// shutdown's end (abandoned). Pure: no state, no clock.
import type { AbortedError, InvalidEventError, UnexpectedError } from '../errors.js';
import type { Payload } from '../payload/payload.js';
import type { Settlement } from './attempts.js';
import type { QueuedEvent } from './batch.js';
import type { DeliveryOutcome, DropReason } from './outcome.js';

/** A `dropped` outcome for `events` (never retried). `attempt`: how many attempts were made first (0: never sent). */
export function dropped(
  emitter: string,
  reason: DropReason,
  events: readonly Payload[],
  error: InvalidEventError | AbortedError | UnexpectedError | undefined,
  attempt = 0,
): DeliveryOutcome {
  return { kind: 'dropped', emitter, events, attempt, willRetry: false, reason, error };
}

/**
 * What is left when a shutdown ends (drained, or at its deadline): `abandoned`, one settlement per number of attempts
 * already made (0: never sent), so each outcome's `attempt` says what happened to its events.
 */
export function abandonment(
  emitter: string,
  left: readonly QueuedEvent[],
  attemptsOf: (item: QueuedEvent) => number,
  error: AbortedError,
): Settlement[] {
  const byAttempt = new Map<number, QueuedEvent[]>();
  for (const item of left) {
    const attempt = attemptsOf(item);
    const group = byAttempt.get(attempt);
    if (group) group.push(item);
    else byAttempt.set(attempt, [item]);
  }
  return [...byAttempt].map(([attempt, items]) => ({
    outcome: dropped(
      emitter,
      'abandoned',
      items.map((item) => item.payload),
      error,
      attempt,
    ),
    items,
  }));
}
