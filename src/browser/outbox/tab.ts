// This tab's place in the outbox: the prefix of the outbox's keys and lock names, and the tab's own Web Lock, which
// may be asked for before the outbox itself exists (the browser tracker's first load asks for it; the outbox, loaded
// on demand, keeps it). Part of the page's first load: nothing here touches a browser global at import.

/** The prefix of an outbox's localStorage keys (`<prefix><tab id>`) and Web Lock names. */
export const outboxPrefix = (storageKey: string | undefined, name: string): string => `${storageKey ?? `rxplow.outbox:${name}`}#`;

/** The Web Lock a tab holds while it lives: another tab may adopt the tab's key only once it is granted to it. */
export const lockName = (prefix: string, tabId: string): string => `${prefix}lock#${tabId}`;

/** A tab's own lock, asked for once. */
export interface OwnLock {
  /** Resolves `true` once the lock is held, `false` when Web Locks refused it (an opaque origin, …). Never rejects. */
  readonly granted: Promise<boolean>;
  /** Keeps the lock until `until` settles (the first call decides; without one the lock is held for good). */
  keep(until: Promise<void>): void;
}

/** Asks for the lock `name` now, so that no other tab can take it first; it is held until `keep`'s promise settles. */
export function requestOwnLock(locks: LockManager, name: string): OwnLock {
  let keep!: (until: Promise<void>) => void;
  const kept = new Promise<void>((resolve) => (keep = resolve));
  const granted = new Promise<boolean>((resolve) => {
    locks
      .request(name, () => {
        resolve(true);
        return kept;
      })
      .catch(() => resolve(false));
  });
  return { granted, keep };
}
