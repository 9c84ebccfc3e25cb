// The collector's memory of recorded events: first in, first out, bounded by a count and by an estimate of bytes.

/** The bounds of a {@link RecordStore}. */
export interface StoreLimits {
  /** At most this many records; the oldest go first. */
  readonly maxRecords: number;
  /** At most about this many bytes (as estimated by the caller); the oldest go first, but the newest record stays. */
  readonly maxBytes: number;
}

interface Slot<T> {
  readonly record: T;
  readonly bytes: number;
}

/** A bounded FIFO of records that counts what it evicts. */
export class RecordStore<T> {
  readonly #limits: StoreLimits;
  /** Slots before `#head` are evicted and emptied, so they hold nothing; they are cut off now and then. */
  #slots: (Slot<T> | undefined)[] = [];
  #head = 0;
  #bytes = 0;
  #evicted = 0;

  constructor(limits: StoreLimits) {
    this.#limits = limits;
  }

  /** Records held now. */
  get size(): number {
    return this.#slots.length - this.#head;
  }

  /** The estimated bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Records evicted since the last {@link RecordStore.clear}. */
  get evicted(): number {
    return this.#evicted;
  }

  /** Adds a record, then evicts the oldest ones while a bound is exceeded; returns the evicted records. */
  push(record: T, bytes: number): T[] {
    this.#slots.push({ record, bytes });
    this.#bytes += bytes;
    const evicted: T[] = [];
    while (this.size > this.#limits.maxRecords || (this.#bytes > this.#limits.maxBytes && this.size > 1)) {
      const oldest = this.#slots[this.#head]!;
      this.#slots[this.#head] = undefined;
      this.#head++;
      this.#bytes -= oldest.bytes;
      this.#evicted++;
      evicted.push(oldest.record);
    }
    if (this.#head >= 1024 && this.#head * 2 > this.#slots.length) {
      this.#slots = this.#slots.slice(this.#head);
      this.#head = 0;
    }
    return evicted;
  }

  /** The records held, oldest first. */
  records(): T[] {
    return this.#slots.slice(this.#head).map((slot) => slot!.record);
  }

  /** Forgets every record and the eviction count. */
  clear(): void {
    this.#slots = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#evicted = 0;
  }
}
