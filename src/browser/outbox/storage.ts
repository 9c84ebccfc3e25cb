// localStorage, behind a wall: nothing here throws. A failed write says so (`false`); reads that fail read nothing.
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

export function readItem(storage: StorageLike, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch {
    return null;
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

/** Every key of the storage (a snapshot); `[]` when it cannot be listed. */
export function listKeys(storage: StorageLike): string[] {
  const keys: string[] = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key !== null) keys.push(key);
    }
  } catch {
    // Listing failed: nothing to adopt this time.
  }
  return keys;
}

/** A record's text. */
export function recordText(record: RecordContent): string {
  const { closed, clean, at, events, handedOff } = record;
  const held = events.map((e) => `[${e.since},${e.crashes}]`).join(',');
  const texts = events.map((e) => e.json).join(',');
  return `{"v":1,"closed":${closed},"clean":${clean},"at":${at},"handedOff":${JSON.stringify(handedOff)},"held":[${held}],"events":[${texts}]}`;
}

/** Reads a record; events that are not flat objects of strings with an `eid` are skipped; `undefined` when unreadable. */
export function parseRecord(text: string | null): StoredRecord | undefined {
  if (text === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as {
    v?: unknown;
    closed?: unknown;
    clean?: unknown;
    at?: unknown;
    events?: unknown;
    handedOff?: unknown;
    held?: unknown;
  };
  if (record.v !== 1 || !Array.isArray(record.events)) return undefined;
  const at = typeof record.at === 'number' ? record.at : 0;
  const heldIn = Array.isArray(record.held) ? (record.held as unknown[]) : [];
  const events: Payload[] = [];
  const held: StoredHeld[] = [];
  (record.events as unknown[]).forEach((event, i) => {
    if (!isStoredPayload(event)) return;
    events.push(Object.freeze({ ...event }));
    held.push(readHeld(heldIn[i]));
  });
  const handedOff = new Set(
    Array.isArray(record.handedOff) ? record.handedOff.filter((eid): eid is string => typeof eid === 'string') : [],
  );
  return { closed: record.closed === true, clean: record.clean !== false, at, events, handedOff, held };
}

/** An event's `[since, crashes]`; without one (older records): age unknown, no crash. */
function readHeld(value: unknown): StoredHeld {
  if (!Array.isArray(value)) return { since: undefined, crashes: 0 };
  const [since, crashes] = value as unknown[];
  return {
    since: typeof since === 'number' && Number.isFinite(since) ? since : undefined,
    crashes: typeof crashes === 'number' && Number.isSafeInteger(crashes) && crashes > 0 ? crashes : 0,
  };
}

function isStoredPayload(value: unknown): value is Payload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  return typeof (value as Record<string, unknown>)['eid'] === 'string' && typeof (value as Record<string, unknown>)['e'] === 'string';
}
