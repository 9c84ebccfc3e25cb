// This tab's key in localStorage: written at once (a settlement) or in a coalesced microtask (new events), removed
// when nothing is held, and given up for memory when the browser refuses a write. Nothing here throws.
import { recordText, removeItem, writeItem, type RecordContent, type StorageLike } from './storage.js';

/** What the writer reads of the sink at each write. */
export interface WriterSource {
  /** The tab may write its key (with Web Locks: once its own lock is granted). */
  owned(): boolean;
  /** The record to write; `undefined` when nothing is held (the key is removed). */
  record(leaving: boolean, clean: boolean): RecordContent | undefined;
  /** A write failed: the sink works in memory from now on. */
  failed(): void;
}

export class TabKeyWriter {
  /** The record says its page left for good (no Web Locks: others may adopt it). */
  leaving = false;
  /** The page is hidden or its sink ended: were it to go now, that would be a clean end. */
  clean = false;
  #storage: StorageLike | undefined;
  readonly #key: string;
  readonly #source: WriterSource;
  #queued = false;
  #stopped = false;

  constructor(storage: StorageLike | undefined, key: string, source: WriterSource) {
    this.#storage = storage;
    this.#key = key;
    this.#source = source;
  }

  /** The storage in use; `undefined` in memory mode. */
  get storage(): StorageLike | undefined {
    return this.#storage;
  }

  /** Writes in a microtask, not a timer: it runs before the page can go away, and a burst of events is written once. */
  later(): void {
    if (this.#queued || this.#storage === undefined || this.#stopped) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.now();
    });
  }

  /**
   * Writes now; `false` (and memory only from now on) when the browser refused. Only once this tab owns its key,
   * unless `going`: a page being hidden or unloaded (or a sink that ends) before its Web Lock was granted still writes
   * what it holds, marked `early`. Another tab could see that key before the lock manager sees this tab's request
   * (Chromium delivers the storage event first at times) and be granted this tab's lock; it then waits a grace
   * period before adopting an early record (adoption.ts), so a tab that lives on takes its lock first.
   */
  now(going = false): boolean {
    const storage = this.#storage;
    const owned = this.#source.owned();
    if (storage === undefined || this.#stopped || (!going && !owned)) return storage !== undefined;
    const content = this.#source.record(this.leaving, this.clean);
    const record = content === undefined || owned ? content : { ...content, early: true };
    if (record === undefined) {
      removeItem(storage, this.#key);
      return true;
    }
    if (writeItem(storage, this.#key, recordText(record))) return true;
    this.toMemory();
    return false;
  }

  /** Storage failed (quota, disabled): the events stay in memory; the stale key is removed so it is not replayed. */
  toMemory(): void {
    const storage = this.#storage;
    if (storage === undefined) return;
    this.#storage = undefined;
    removeItem(storage, this.#key);
    this.#source.failed();
  }

  /** One last write; from here on the key is never touched by this sink. */
  stop(): void {
    this.now(true);
    this.#stopped = true;
  }
}
