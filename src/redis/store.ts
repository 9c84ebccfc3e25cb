import type { QueuedEvent } from '../emitter/batch.js';
import { PendingLedger } from '../emitter/ledger.js';
import type { DeliveryOutcome } from '../emitter/outcome.js';
import type { QueueStore } from '../emitter/store.js';

/**
 * The worker's store under its HTTP emitter: an in-memory ledger of the entries restored into the emitter (each
 * event's `ref` is its stream entry id), and every settlement, `retrying` included, handed on with the very items it
 * concerns, so the worker acknowledges or dead-letters those entries directly (no matching by `eid`).
 */
export class RedisStore implements QueueStore {
  readonly #ledger = new PendingLedger();

  /** `onSettle` must not throw (the worker catches and reports). */
  constructor(private readonly onSettle: (items: readonly QueuedEvent[], outcome: DeliveryOutcome) => void) {}

  get size(): number {
    return this.#ledger.size;
  }

  add(item: QueuedEvent): void {
    this.#ledger.add(item);
  }

  settle(items: readonly QueuedEvent[], outcome: DeliveryOutcome): void {
    this.#ledger.settle(items, outcome);
    this.onSettle(items, outcome);
  }

  remaining(): QueuedEvent[] {
    return this.#ledger.remaining();
  }

  whenSettledBelow(below: number): Promise<void> {
    return this.#ledger.whenSettledBelow(below);
  }
}
