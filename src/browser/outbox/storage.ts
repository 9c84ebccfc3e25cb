// localStorage, behind a wall: nothing here throws. A failed write says so (`false`). The records' format: written here
// (`recordText`, also by the page's first load before the outbox arrives), read in read.ts (by the outbox only).
import type { Payload } from '../../payload/payload.js';

/** What the outbox needs of `localStorage`. */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

/** One tab's stored outbox (the value of its key). */
export interface StoredRecord {
  /** Its owner wrote it when the page was going away for good (no Web Locks: others may adopt it). */
  readonly closed: boolean;
  /** The owner's last write, ms since the epoch. */
  readonly at: number;
  /** The events, as the tracker built them (no `stm`). */
  readonly events: readonly Payload[];
  /** The eids of the events handed to a keepalive request at unload (see the outbox's `keepaliveHandoff`). */
  readonly handedOff: ReadonlySet<string>;
  /**
   * Its page ended cleanly: it was hidden, or its sink ended (`false` while the page is visible and at work). An
   * adopting page counts a crash against each event of a record that is not clean. Records without it are clean.
   */
  readonly clean: boolean;
  /** Per event (same order): when it was first stored (ms, the outbox's clock) and the crashes counted against it. */
  readonly held: readonly StoredHeld[];
  /**
   * Written before its tab's Web Lock was granted (a page leaving early): that tab may still live, its lock request
   * not yet seen by the lock manager, so another tab adopts the record only after a grace period (adoption.ts).
   */
  readonly early: boolean;
}

/** What a record keeps about one event besides the event itself. */
export interface StoredHeld {
  /** When the event was first stored, ms since the epoch on the outbox's clock; `undefined`: not recorded (from now). */
  readonly since: number | undefined;
  /** Pages that ended without a clean end while holding it (see the outbox's `maxCrashes`). */
  readonly crashes: number;
}

/** A record to write: the events' JSON texts (each serialised once) and what is kept about each. */
export interface RecordContent {
  readonly closed: boolean;
  readonly clean: boolean;
  readonly at: number;
  readonly events: readonly { readonly json: string; readonly since: number; readonly crashes: number }[];
  readonly handedOff: readonly string[];
  /** Written before this tab's Web Lock was granted (see {@link StoredRecord.early}). */
  readonly early?: boolean | undefined;
}

const PROBE_KEY = 'rxplow.outbox.probe';

/** The window's localStorage when it can be read and written; `undefined` (memory only) when it cannot. */
export function openLocalStorage(win: { readonly localStorage?: StorageLike | undefined } | undefined): StorageLike | undefined {
  try {
    const storage = win?.localStorage;
    if (!storage) return undefined;
    storage.setItem(PROBE_KEY, '1');
    storage.removeItem(PROBE_KEY);
    return storage;
  } catch {
    // Disabled storage (SecurityError), a full quota, an exotic window: memory only.
    return undefined;
  }
}

/** Writes a value; `false` when the browser refused (quota, disabled meanwhile). */
export function writeItem(storage: StorageLike, key: string, value: string): boolean {
  try {
    storage.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

export function removeItem(storage: StorageLike, key: string): void {
  try {
    storage.removeItem(key);
  } catch {
    // Nothing else to do: a later load finds the key and delivers its events again, with the same eids.
  }
}

/** A record's text. */
export function recordText(record: RecordContent): string {
  const { closed, clean, at, events, handedOff, early } = record;
  const held = events.map((e) => `[${e.since},${e.crashes}]`).join(',');
  const texts = events.map((e) => e.json).join(',');
  return `{"v":1,"closed":${closed},"clean":${clean},${early ? '"early":true,' : ''}"at":${at},"handedOff":${JSON.stringify(handedOff)},"held":[${held}],"events":[${texts}]}`;
}
