// What a worker holds: the entries read and not yet written back or released, counted in entries and in events (an
// entry holds a producer's batch), and the size of the next read in entries, from the sizes of the entries read so far.
import type { DeadEvent } from './settler.js';

/** An entry read and not yet written back or released. */
export interface Held {
  readonly id: string;
  /** Reads of the entry so far (XPENDING's counter). */
  readonly deliveries: number;
  /** The events it holds. */
  readonly events: number;
  /** Its events not yet done (delivered or dead). */
  left: number;
  /** Its events refused or malformed: appended to the dead-letter stream before the entry is acknowledged. */
  readonly dead: DeadEvent[];
  /** Called once the entry is written back or released (entries read for a delivery of their own wait on it). */
  done: (() => void) | undefined;
}

export class HeldEntries {
  readonly #byId = new Map<string, Held>();
  #events = 0;
  /**
   * Events per entry expected in the next read (from the reads so far, or the stream's at start); undefined while
   * unknown (an empty stream at start, nothing read yet).
   */
  #perEntry: number | undefined;

  /** Entries held. */
  get entries(): number {
    return this.#byId.size;
  }

  /** Events in the entries held. */
  get events(): number {
    return this.#events;
  }

  get(id: string): Held | undefined {
    return this.#byId.get(id);
  }

  /** True while this very record is held (not written back or released meanwhile). */
  holds(held: Held): boolean {
    return this.#byId.get(held.id) === held;
  }

  ids(): string[] {
    return [...this.#byId.keys()];
  }

  all(): Held[] {
    return [...this.#byId.values()];
  }

  add(held: Held): void {
    this.#byId.set(held.id, held);
    this.#events += held.events;
  }

  remove(held: Held): void {
    if (this.#byId.delete(held.id)) this.#events -= held.events;
  }

  /**
   * Entries to read next for about `events` events, at the size expected (1 at least). While the size is unknown, 1:
   * a first read of a backlog of batches, sized as single events, would take up to `events` batches at once.
   */
  entriesFor(events: number): number {
    return this.#perEntry === undefined ? 1 : Math.max(1, Math.floor(events / this.#perEntry));
  }

  /** The stream holds `events` events in `entries` entries: the first read's size (before any entry was read). */
  expect(events: number, entries: number): void {
    if (entries > 0 && events > 0) this.#perEntry = Math.max(1, Math.ceil(events / entries));
  }

  /**
   * A read of new entries found `largest` events in its largest entry: the next read's size follows it, at once when
   * larger, by a tenth per read when smaller, so that a read of single events (split ones, say) is not followed by one
   * of hundreds of batches.
   */
  read(largest: number): void {
    this.#perEntry = Math.max(1, largest, Math.floor((this.#perEntry ?? 1) * 0.9));
  }
}
