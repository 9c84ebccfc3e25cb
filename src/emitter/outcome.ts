import type { AbortedError, HttpStatusError, InvalidEventError, NetworkError, TimeoutError, UnexpectedError } from '../errors.js';
import type { Payload } from '../payload/payload.js';

/** Why an event was never sent. */
export type DropReason =
  /** It cannot fit in one request under `maxPostBytes` / `maxGetBytes`, even alone. */
  | 'oversize'
  /** The emitter already held `maxQueueSize` undelivered events. */
  | 'queue-full'
  /** It was tracked after `shutdown()` began. */
  | 'shutdown'
  /** `shutdown()` reached its deadline before the event had a final outcome. */
  | 'abandoned'
  /** It came through `tracker.input` and could not be built (the error says why). */
  | 'invalid'
  /** The tracker's `filter` option rejected it. */
  | 'filtered'
  /** Something threw while it was being admitted, batched, built or sent (an `UnexpectedError` says what). */
  | 'error'
  /**
   * A durable queue held it, undelivered, longer than its age limit (the browser outbox's `maxAgeMs`, 7 days by
   * default): it leaves the queue instead of being retried again.
   */
  | 'expired'
  /**
   * A durable queue gave it up as poison: it was held by as many runs that ended without a clean end (crashed, or
   * killed) as the queue's poison limit allows (the browser outbox's `maxCrashes`), so it may be what ends them.
   */
  | 'poison';

/** Why a request failed. */
export type DeliveryError = HttpStatusError | NetworkError | TimeoutError | AbortedError;

interface OutcomeBase {
  /** The emitter's `name`. */
  readonly emitter: string;
  /**
   * The events concerned, as sent (string values; with this attempt's `stm` once sent). The same shape for GET and
   * POST; a GET outcome always holds one event.
   */
  readonly events: readonly Payload[];
  /**
   * The attempt this outcome is about: 1 for the first request; 0 when nothing was sent. For `dropped` with reason
   * `abandoned`: the attempts already made (each answered or failed) when shutdown gave up, 0 if none.
   */
  readonly attempt: number;
  /** Whether the emitter will send these events again. Only `retrying` says `true`. */
  readonly willRetry: boolean;
}

/** The collector accepted the events. Final. */
export interface SentOutcome extends OutcomeBase {
  readonly kind: 'sent';
  readonly status: number;
  readonly willRetry: false;
}

/** An attempt failed and another will follow after `delayMs`. Not final. */
export interface RetryingOutcome extends OutcomeBase {
  readonly kind: 'retrying';
  /** The HTTP status, when the collector answered. */
  readonly status: number | undefined;
  readonly error: DeliveryError;
  /** How long until the next attempt, in ms. */
  readonly delayMs: number;
  readonly willRetry: true;
}

/** The events were not delivered and will not be retried. Final. */
export interface FailedOutcome extends OutcomeBase {
  readonly kind: 'failed';
  /** The HTTP status, when the collector answered. */
  readonly status: number | undefined;
  readonly error: DeliveryError;
  readonly willRetry: false;
}

/** The events were never sent (or no longer will be). Final. */
export interface DroppedOutcome extends OutcomeBase {
  readonly kind: 'dropped';
  readonly reason: DropReason;
  /** For `invalid`, what was wrong; for `abandoned`, the abort; for `error`, what threw. */
  readonly error: InvalidEventError | AbortedError | UnexpectedError | undefined;
  readonly willRetry: false;
}

/** What happened to some events at one emitter. Every tracked event gets exactly one final outcome per emitter. */
export type DeliveryOutcome = SentOutcome | RetryingOutcome | FailedOutcome | DroppedOutcome;

/** The outcome kinds that end an event's story at an emitter. */
export type FinalOutcome = SentOutcome | FailedOutcome | DroppedOutcome;

export const isFinalOutcome = (outcome: DeliveryOutcome): outcome is FinalOutcome => outcome.kind !== 'retrying';

/** Adds a final outcome to a report's counts (a drop without events, an admission never built, counts as one). */
export function countFinal(counts: { sent: number; failed: number; dropped: number; abandoned: number }, outcome: DeliveryOutcome): void {
  if (outcome.kind === 'retrying') return;
  const events = outcome.events.length === 0 && outcome.kind === 'dropped' ? 1 : outcome.events.length;
  counts[outcome.kind === 'dropped' && outcome.reason === 'abandoned' ? 'abandoned' : outcome.kind] += events;
}

/**
 * Counts of final outcomes, per event and sink: an emitter's report counts its own events; a tracker's sums its sinks'
 * reports, so one event tracked through two emitters counts twice (e.g. `sent: 2`).
 */
export interface DeliveryReport {
  /** Events the collector accepted. */
  readonly sent: number;
  /** Events that failed for good. */
  readonly failed: number;
  /** Events never sent: oversize, queue full, invalid, filtered, error, or tracked after shutdown began. */
  readonly dropped: number;
  /** Events still undelivered when `shutdown()` reached its deadline. */
  readonly abandoned: number;
}

/** Options of `shutdown()`. */
export interface ShutdownOptions {
  /**
   * How long to wait for pending events, in ms, before aborting requests and retries (their events are `dropped`,
   * reason `abandoned`). `Infinity`: no deadline, wait for every final outcome. An integer in [0, 2^31 − 1] or
   * `Infinity`; anything else throws an `InvalidOptionsError` at the call. @default 10_000
   */
  readonly timeoutMs?: number | undefined;
}
