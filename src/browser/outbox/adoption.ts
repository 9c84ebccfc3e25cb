// Adoption of what gone tabs left: with Web Locks, a tab holds its own lock while it lives, so another tab's lock
// is granted only once that tab is gone, to one tab at a time; without them, tabs adopt keys marked closed at
// `pagehide` and keys untouched for a day (a weaker guarantee). The events themselves are the host's business.
import { OUTBOX_DEFAULTS } from './options.js';
import { listKeys, parseRecord, readItem } from './read.js';
import { removeItem, type StorageLike, type StoredRecord } from './storage.js';
import { lockName, requestOwnLock, type OwnLock } from './tab.js';

/** What adoption needs of the sink. None may throw. */
export interface AdoptionHost {
  /** The storage in use now (`undefined` once the sink works in memory). */
  storage(): StorageLike | undefined;
  /** The sink is ending or ended: adopt nothing more. */
  closing(): boolean;
  /** This tab now owns its key (its lock is granted, or there are no locks): write what waits. */
  owned(): void;
  /** Web Locks refused this tab its own lock: it cannot own a key (memory only). */
  refused(): void;
  /**
   * Takes a gone tab's events into this tab's key (written before the gone key is removed). Returns what to do once
   * the gone key is removed (deliver them), or `undefined` when they could not be stored here (the key stays).
   */
  take(record: StoredRecord): (() => void) | undefined;
  /** The outbox's clock. */
  now(): number;
  /** Runs `work` in `ms` on the outbox's scheduler (not after the sink ended). */
  later(ms: number, work: () => void): void;
}

/**
 * How long a record written before its tab's Web Lock was granted (`early`) is left alone by a tab granted that lock:
 * time enough for a tab that lives on to have its own lock request seen and granted.
 */
export const EARLY_GRACE_MS = 5_000;

/** A tab id: what `newId` may return (a key suffix and a lock name part). */
const TAB_ID = /^[0-9A-Za-z_-]{1,64}$/;

export class Adoption {
  /** This tab may write its key: with Web Locks, once its own lock is granted (before, another tab could adopt it). */
  owned = false;
  readonly #prefix: string;
  readonly #tabId: string;
  readonly #locks: LockManager | undefined;
  readonly #host: AdoptionHost;
  readonly #watched = new Set<string>();
  readonly #abort = typeof AbortController === 'function' ? new AbortController() : undefined;
  readonly #held: Promise<void>;
  #releaseLocks: () => void = () => undefined;
  readonly #ownLock: OwnLock | undefined;

  /** `ownLock`: this tab's own lock, when it was asked for before this outbox existed (the browser tracker's first load). */
  constructor(prefix: string, tabId: string, locks: LockManager | undefined, host: AdoptionHost, ownLock?: OwnLock) {
    this.#prefix = prefix;
    this.#tabId = tabId;
    this.#locks = locks;
    this.#host = host;
    this.#ownLock = ownLock;
    this.#held = new Promise((resolve) => (this.#releaseLocks = resolve));
  }

  /** Takes this tab's own lock, then adopts every gone tab's key. Never rejects. */
  async start(): Promise<void> {
    const locks = this.#locks;
    if (!locks) {
      this.#own();
      this.#adoptClosed();
      return;
    }
    const own = this.#ownLock ?? requestOwnLock(locks, this.#lockName(this.#tabId));
    own.keep(this.#held);
    // Web Locks refused (an opaque origin, …): without ownership this tab keeps its events in memory.
    if (await own.granted) this.#own();
    else this.#host.refused();
    await Promise.all(this.#candidates().map((tabId) => this.#watch(tabId)));
  }

  /** Another document wrote a key of this outbox: with Web Locks, wait for its end; without, adopt it if closed. */
  written(key: string, value: string): void {
    const tabId = key.slice(this.#prefix.length);
    if (!TAB_ID.test(tabId) || tabId === this.#tabId || this.#host.storage() === undefined) return;
    if (this.#locks) void this.#watch(tabId);
    else if (parseRecord(value)?.closed) this.#adopt(tabId);
  }

  /** Stops waiting for other tabs' locks (the sink works in memory from now on). */
  stopWaiting(): void {
    this.#abort?.abort();
  }

  /** The sink ended: stops waiting, and releases this tab's lock and those of the tabs it adopted. */
  release(): void {
    this.#abort?.abort();
    this.#releaseLocks();
  }

  #own(): void {
    this.owned = true;
    this.#host.owned();
  }

  #lockName(tabId: string): string {
    return lockName(this.#prefix, tabId);
  }

  /** Tab ids of the other outboxes in storage. */
  #candidates(): string[] {
    const storage = this.#host.storage();
    if (storage === undefined) return [];
    return listKeys(storage)
      .filter((key) => key.startsWith(this.#prefix))
      .map((key) => key.slice(this.#prefix.length))
      .filter((tabId) => TAB_ID.test(tabId) && tabId !== this.#tabId);
  }

  /**
   * Web Locks: tries another tab's lock at once; when its owner lives, waits for it (until this sink ends). Resolves
   * after the first try. The lock, once granted, is kept until this sink ends, so a tab whose view of localStorage
   * lags behind cannot adopt the same key again meanwhile.
   */
  #watch(tabId: string): Promise<void> {
    const locks = this.#locks;
    // Before this tab owns its key, the initial scan (run once it does) finds every key.
    if (!locks || !this.owned || this.#watched.has(tabId) || this.#host.closing()) return Promise.resolve();
    this.#watched.add(tabId);
    const name = this.#lockName(tabId);
    const onGrant = (lock: Lock | null): Promise<void> | undefined => {
      if (lock === null) return undefined;
      const wait = this.#earlyWait(tabId);
      if (wait > 0) {
        // Its tab may live on with its lock request still in flight: release the lock (that tab's request is served
        // first), and look again after the grace period.
        this.#host.later(wait, () => {
          this.#watched.delete(tabId);
          void this.#watch(tabId);
        });
        return undefined;
      }
      return this.#adopt(tabId) ? this.#held : undefined;
    };
    return new Promise<void>((tried) => {
      locks
        .request(name, { ifAvailable: true }, (lock) => {
          tried();
          if (lock === null) {
            if (!this.#host.closing() && this.#abort) locks.request(name, { signal: this.#abort.signal }, onGrant).catch(() => undefined);
            return undefined;
          }
          return onGrant(lock);
        })
        .catch(() => tried());
    });
  }

  /** How long to leave a gone tab's record alone: what is left of the grace period of a fresh `early` record, else 0. */
  #earlyWait(tabId: string): number {
    const storage = this.#host.storage();
    const record = storage === undefined ? undefined : parseRecord(readItem(storage, this.#prefix + tabId));
    if (record === undefined || !record.early) return 0;
    const age = this.#host.now() - record.at;
    return age >= 0 && age < EARLY_GRACE_MS ? EARLY_GRACE_MS - age : 0;
  }

  /** No Web Locks: adopt the outboxes their pages marked closed at `pagehide`, and those untouched for a day. */
  #adoptClosed(): void {
    const storage = this.#host.storage();
    if (storage === undefined) return;
    const now = this.#host.now();
    for (const tabId of this.#candidates()) {
      const record = parseRecord(readItem(storage, this.#prefix + tabId));
      if (record && (record.closed || now - record.at > OUTBOX_DEFAULTS.staleAfterMs)) this.#adopt(tabId);
    }
  }

  /** Moves a gone tab's stored events into this tab's key, then removes its key. `false`: nothing adopted. */
  #adopt(tabId: string): boolean {
    const storage = this.#host.storage();
    if (storage === undefined || this.#host.closing()) return false;
    const key = this.#prefix + tabId;
    const record = parseRecord(readItem(storage, key));
    if (record === undefined) {
      removeItem(storage, key); // Gone, or unreadable: nothing to deliver.
      return true;
    }
    const deliver = this.#host.take(record);
    if (deliver === undefined) return false; // This tab cannot store them: leave them where they are, for a tab that can.
    removeItem(storage, key);
    deliver();
    return true;
  }
}
