// Reading the stored outboxes, what adoption does (the outbox only, loaded on demand): the keys, and each record's
// events, checked as they are read. Nothing here throws; reads that fail read nothing.
import type { Payload } from '../../payload/payload.js';
import type { StorageLike, StoredHeld, StoredRecord } from './storage.js';

export function readItem(storage: StorageLike, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch {
    return null;
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
    early?: unknown;
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
  return { closed: record.closed === true, clean: record.clean !== false, at, events, handedOff, held, early: record.early === true };
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
