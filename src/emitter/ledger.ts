import type { QueuedEvent } from './batch.js';

/**
 * The events an emitter accepted and has not yet given a final outcome, in acceptance order, plus the flushes
 * waiting on them. Each operation is O(1) amortised per event: never a scan of the backlog.
 */
export class PendingLedger {
  readonly #pending = new Map<number, QueuedEvent>();
  readonly #waiters: { readonly below: number; readonly resolve: () => void }[] = [];

  get size(): number {
    return this.#pending.size;
  }

  add(item: QueuedEvent): void {
    this.#pending.set(item.seq, item);
  }

  settle(items: readonly QueuedEvent[]): void {
    for (const item of items) this.#pending.delete(item.seq);
    this.#release();
  }

  /** Resolves once every event with `seq < below` has settled. */
  whenSettledBelow(below: number): Promise<void> {
    if (this.#oldest() >= below) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ below, resolve }));
  }

  /** The events still pending, oldest first. */
  remaining(): QueuedEvent[] {
    return [...this.#pending.values()];
  }

  #oldest(): number {
    // Map iteration follows insertion order, and seq grows with insertion: the first key is the oldest pending event.
    for (const seq of this.#pending.keys()) return seq;
    return Infinity;
  }

  #release(): void {
    if (this.#waiters.length === 0) return;
    const oldest = this.#oldest();
    // Waiters are added with non-decreasing `below`, so the ones to release are at the front.
    while (this.#waiters.length > 0 && this.#waiters[0]!.below <= oldest) this.#waiters.shift()!.resolve();
  }
}
