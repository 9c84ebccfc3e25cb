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

/** A record's text, from the events' JSON texts (each serialised once). */
export function recordText(closed: boolean, at: number, eventTexts: readonly string[], handedOff: readonly string[]): string {
  return `{"v":1,"closed":${closed},"at":${at},"handedOff":${JSON.stringify(handedOff)},"events":[${eventTexts.join(',')}]}`;
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
  const record = value as { v?: unknown; closed?: unknown; at?: unknown; events?: unknown; handedOff?: unknown };
  if (record.v !== 1 || !Array.isArray(record.events)) return undefined;
  const events: Payload[] = [];
  for (const event of record.events as unknown[]) if (isStoredPayload(event)) events.push(Object.freeze({ ...event }));
  const handedOff = new Set(
    Array.isArray(record.handedOff) ? record.handedOff.filter((eid): eid is string => typeof eid === 'string') : [],
  );
  return { closed: record.closed === true, at: typeof record.at === 'number' ? record.at : 0, events, handedOff };
}

function isStoredPayload(value: unknown): value is Payload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  return typeof (value as Record<string, unknown>)['eid'] === 'string' && typeof (value as Record<string, unknown>)['e'] === 'string';
}
