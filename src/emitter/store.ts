import type { QueuedEvent } from './batch.js';
import type { DeliveryOutcome, DropReason } from './outcome.js';

/**
 * Where a queue keeps the events it holds, from acceptance (or restoration) until each has a final outcome. The queue
 * hands every settlement to its store with the very items it concerns, so a store never matches outcomes back to its
 * entries by `eid`. The in-memory `PendingLedger` is the default store; a durable queue (the browser outbox's
 * localStorage, the Redis worker's pending entries) supplies its own, usually wrapping a ledger.
 *
 * Every method is called synchronously by the queue and must not throw (a store catches its own storage errors).
 */
export interface QueueStore {
  /** Events held: accepted or restored, without a final outcome here yet. */
  readonly size: number;
  /**
   * Asked before an accepted event is added: a reason to refuse it (`queue-full` when the store is at its bound,
   * `oversize` when the event could never fit it), or `undefined` to take it. Restored events are not asked.
   */
  refuse?(item: QueuedEvent): DropReason | undefined;
  /** Holds an accepted or restored event (`seq` increases with each call). */
  add(item: QueuedEvent): void;
  /**
   * An outcome for these items, `retrying` included. A final one (`sent`, `failed`, `dropped`) ends them here: the
   * store forgets them, or keeps a durable copy for a later run when the outcome says so (`dropped` `shutdown` or
   * `abandoned`: the events were never delivered, only the page or process ended).
   */
  settle(items: readonly QueuedEvent[], outcome: DeliveryOutcome): void;
  /** The events held, oldest first. */
  remaining(): QueuedEvent[];
  /** Resolves once every event with `seq < below` has a final outcome. Never rejects. */
  whenSettledBelow(below: number): Promise<void>;
}
