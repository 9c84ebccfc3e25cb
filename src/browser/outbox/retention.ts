// What becomes of an event the outbox holds, as pure decisions: retained after a transient failure, kept for a
// later load, dropped as too old or poison, or gone; and how a retained event's outcome reads (`retrying`).
import type { DeliveryOutcome, DropReason, FailedOutcome, RetryingOutcome } from '../../emitter/outcome.js';
import type { Payload } from '../../payload/payload.js';

/**
 * Where an entry is: `queued` in the emitter (waiting, in flight or retrying); `retained` after a transient failure,
 * waiting for this page's next retry; `kept` for a later load (the sink ended before it was delivered); `limbo`
 * adopted as handed to a keepalive request by a gone page, held until this page hears from the collector.
 */
export type EntryState = 'queued' | 'retained' | 'kept' | 'limbo';

/** One held event. */
export interface Entry {
  readonly payload: Payload;
  /** Its JSON, as stored. */
  readonly json: string;
  /** What it counts against `maxBytes`: its UTF-8 JSON bytes and a comma. */
  readonly bytes: number;
  /** When it was first stored, on the outbox's clock (its age counts from here). */
  readonly since: number;
  /** Pages that ended without a clean end while holding it. */
  readonly crashes: number;
  state: EntryState;
  /** In a keepalive request sent while the collector was healthy: stored as handed off. */
  handedOff: boolean;
}

/** The outbox's bounds. */
export interface StoreLimits {
  readonly maxEvents: number;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
  readonly maxCrashes: number;
  /** Retain events whose retries ran out on a transient failure (else they leave, `failed`). */
  readonly retainFailed: boolean;
  /** Trust keepalive requests sent while the collector is healthy (`keepaliveHandoff: 'trust-when-healthy'`). */
  readonly trustKeepalive: boolean;
  /** How long a retained event waits for this page's next retry, in ms (what its `retrying` outcome says). */
  readonly retryDelayMs: number;
}

/** What an adoption or a retry round gives: entries to deliver, and entries to drop with their reason. */
export interface Taken {
  readonly send: readonly Entry[];
  readonly limbo: readonly Entry[];
  readonly drop: readonly { readonly entry: Entry; readonly reason: DropReason }[];
}

/** Network error, timeout or abort (no status), 408, 429, 5xx: the collector may take it later. */
export const isTransient = (status: number | undefined): boolean =>
  status === undefined || status === 408 || status === 429 || status >= 500;

/** Whether a held event leaves instead of being delivered again (a pure decision): too old, or poison. */
export function verdict(
  held: { readonly since: number; readonly crashes: number },
  now: number,
  limits: StoreLimits,
): DropReason | undefined {
  if (now - held.since > limits.maxAgeMs) return 'expired';
  if (held.crashes >= limits.maxCrashes) return 'poison';
  return undefined;
}

/** What a final outcome at the emitter does to its entries: they leave, wait for this page's retry, or stay stored. */
export function fateOf(
  outcome: DeliveryOutcome,
  transient: boolean,
  retainFailed: boolean,
  closing: boolean,
): 'remove' | 'retained' | 'kept' {
  if (outcome.kind === 'dropped') return outcome.reason === 'abandoned' || outcome.reason === 'shutdown' ? 'kept' : 'remove';
  if (outcome.kind !== 'failed' || !transient || !retainFailed) return 'remove';
  return closing ? 'kept' : 'retained';
}

/** A `failed` outcome whose events were retained, as the outbox reports it: `retrying`, after `delayMs`. */
export function asRetrying(outcome: FailedOutcome, delayMs: number): RetryingOutcome {
  const { emitter, events, attempt, status, error } = outcome;
  return { kind: 'retrying', emitter, events, attempt, status, error, delayMs, willRetry: true };
}

/** The outbox's own `dropped` outcomes (expired, poison, abandoned at its end), one per reason. */
export function dropOutcomes(emitter: string, drops: readonly { readonly entry: Entry; readonly reason: DropReason }[]): DeliveryOutcome[] {
  return [...new Set(drops.map((d) => d.reason))].map((reason) => {
    const events = drops.filter((d) => d.reason === reason).map((d) => d.entry.payload);
    return { kind: 'dropped', emitter, events, attempt: 0, willRetry: false, reason, error: undefined };
  });
}
