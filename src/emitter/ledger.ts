import type { QueuedEvent } from './batch.js';
import type { DeliveryOutcome } from './outcome.js';
import type { QueueStore } from './store.js';

/**
 * The in-memory {@link QueueStore}: the events an emitter accepted and has not yet given a final outcome, in acceptance order, plus the flushes
 * waiting on them. Each operation is O(1) amortised per event: never a scan of the backlog.
 *
 * Events arrive with increasing `seq` (the emitter numbers them as it accepts them), so they are kept in an array
 * indexed by `seq - base`: a settled event leaves a hole, the front is skipped past holes as it settles, and the
 * settled prefix is cut off once it is most of the array (amortised O(1)). No hash map, no per-event entry object.
 */
export class PendingLedger implements QueueStore {
  #slots: (QueuedEvent | undefined)[] = [];
  /** The `seq` of `#slots[0]`. */
  #base = 0;
  /** Index of the first slot that may still be pending; every slot before it is settled. */
  #head = 0;
  #size = 0;
  readonly #waiters: { readonly below: number; readonly resolve: () => void }[] = [];

  get size(): number {
    return this.#size;
  }

  add(item: QueuedEvent): void {
    if (this.#size === 0) {
      // Empty: restart the array at this event.
      this.#slots = [];
      this.#base = item.seq;
      this.#head = 0;
    }
    const index = item.seq - this.#base;
    if (index < this.#slots.length) throw new RangeError(`PendingLedger: seq ${item.seq} is not above the last one added`);
    while (this.#slots.length < index) this.#slots.push(undefined);
    this.#slots.push(item);
    this.#size++;
  }

  /** Ends these items (a final outcome); a `retrying` outcome changes nothing. */
  settle(items: readonly QueuedEvent[], outcome?: DeliveryOutcome): void {
    if (outcome?.kind === 'retrying') return;
    for (const item of items) {
      const index = item.seq - this.#base;
      if (index >= this.#head && index < this.#slots.length && this.#slots[index] === item) {
        this.#slots[index] = undefined;
        this.#size--;
      }
    }
    this.#release();
  }

  /** Resolves once every event with `seq < below` has settled. */
  whenSettledBelow(below: number): Promise<void> {
    if (this.#oldest() >= below) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ below, resolve }));
  }

  /** The events still pending, oldest first. */
  remaining(): QueuedEvent[] {
    const out: QueuedEvent[] = [];
    for (let i = this.#head; i < this.#slots.length; i++) {
      const item = this.#slots[i];
      if (item !== undefined) out.push(item);
    }
    return out;
  }

  #oldest(): number {
    const slots = this.#slots;
    let head = this.#head;
    while (head < slots.length && slots[head] === undefined) head++;
    if (head >= 1024 && head * 2 >= slots.length) {
      slots.splice(0, head);
      this.#base += head;
      head = 0;
    }
    this.#head = head;
    return head < slots.length ? this.#base + head : Infinity;
  }

  #release(): void {
    const oldest = this.#oldest();
    if (this.#waiters.length === 0) return;
    // Waiters are added with non-decreasing `below`, so the ones to release are at the front.
    while (this.#waiters.length > 0 && this.#waiters[0]!.below <= oldest) this.#waiters.shift()!.resolve();
  }
}
