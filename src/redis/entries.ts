// What a worker decides about a stream entry and about an outcome, as pure functions: no Redis, no clock.
import type { DeliveryOutcome } from '../emitter/outcome.js';
import type { Payload } from '../payload/payload.js';
import { asArray, asRecord, type StreamEntry } from './client.js';
import { PAYLOAD_FIELD } from './queue-emitter.js';

/** Why an entry went to the dead-letter stream. */
export type DeadLetterKind = 'refused' | 'dropped' | 'malformed' | 'poison' | 'expired';

/** One event of an entry read: deliver it, or a dead letter (`malformed`) when its line is no tracker payload. */
export type EventDecision =
  | { readonly kind: 'deliver'; readonly payload: Payload; readonly json: string | undefined }
  | {
      readonly kind: 'dead';
      readonly dead: DeadLetterKind;
      readonly reason: string;
      readonly eid: string | undefined;
      readonly raw: string;
    };

/** What to do with an entry just read. */
export type EntryDecision =
  /** Each of its events (an entry holds a producer's batch, one payload JSON per line). */
  | { readonly kind: 'events'; readonly events: readonly EventDecision[] }
  /**
   * Read before without an outcome (a worker may have crashed on it) and holding several events: split it (see
   * `SPLIT`), each new entry carrying the `reads` so far.
   */
  | { readonly kind: 'split'; readonly lines: readonly string[]; readonly reads: number };

/** The limits an entry is checked against when read. */
export interface EntryLimits {
  /** Reads of an entry (XPENDING's delivery counter) allowed without an outcome; beyond it, `poison`. */
  readonly maxDeliveries: number;
  /** Age of an entry (from its time) beyond which it is `expired`, in ms. */
  readonly maxAgeMs: number;
}

/**
 * Decides an entry's fate when read, event by event: every event a dead letter when the entry was read too often
 * (`poison`) or is too old (`expired`); split first when it was read before and holds several events; else each
 * event delivered, or dead-lettered (`malformed`) when its line is no tracker payload.
 */
export function decideEntry(entry: StreamEntry, deliveries: number, now: number, limits: EntryLimits): EntryDecision {
  const raw = entry.fields[PAYLOAD_FIELD];
  // An entry split from a batch carries the batch's reads without an outcome (`d`): they count.
  const reads = deliveries + priorReads(entry);
  if (raw === undefined) {
    const reason = `no tracker payload with an eid in field "${PAYLOAD_FIELD}"`;
    return { kind: 'events', events: [{ kind: 'dead', dead: 'malformed', reason, eid: undefined, raw: JSON.stringify(entry.fields) }] };
  }
  const lines = entryLines(raw);
  const age = now - entryTime(entry);
  const all = (dead: DeadLetterKind, reason: string): EntryDecision => ({
    kind: 'events',
    events: lines.map((line) => ({ kind: 'dead', dead, reason, eid: parsePayload(line)?.['eid'], raw: line })),
  });
  if (reads > limits.maxDeliveries)
    return all('poison', `read ${reads} times without an outcome (maxDeliveries ${limits.maxDeliveries}): a worker crashed or hung on it`);
  if (age > limits.maxAgeMs) return all('expired', `${age} ms old (maxAgeMs ${limits.maxAgeMs})`);
  // This read is not an attempt: the reads without an outcome are the ones before it.
  if (reads > 1 && lines.length > 1 && parsePayload(raw) === undefined) return { kind: 'split', lines, reads: reads - 1 };
  const events = lines.map(decideLine);
  // One JSON object written with newlines of its own (by hand, say) is one payload, not lines.
  if (lines.length > 1 && events.some((e) => e.kind === 'dead') && parsePayload(raw) !== undefined)
    return { kind: 'events', events: [decideLine(raw)] };
  return { kind: 'events', events };
}

/** One line of an entry: its payload to deliver, or a `malformed` dead letter. */
function decideLine(line: string): EventDecision {
  const payload = parsePayload(line);
  if (payload === undefined)
    return {
      kind: 'dead',
      dead: 'malformed',
      reason: `no tracker payload with an eid in field "${PAYLOAD_FIELD}"`,
      eid: undefined,
      raw: line,
    };
  return { kind: 'deliver', payload, json: sendableAsStored(line, payload) };
}

/** The payload JSONs of an entry's `p` field: one per line (a producer's batch). */
export const entryLines = (raw: string): string[] => (raw.includes('\n') ? raw.split('\n') : [raw]);

/**
 * The entry's text itself, when the worker's POST can carry it as it is (with `stm` put before its closing brace):
 * a JSON object (it parsed as the payload) that ends with its brace and has no `stm` of its own. Otherwise
 * `undefined`, and the payload is serialised again.
 */
export const sendableAsStored = (raw: string, payload: Payload): string | undefined =>
  raw.charCodeAt(raw.length - 1) === 0x7d && !Object.prototype.hasOwnProperty.call(payload, 'stm') ? raw : undefined;

/** What an outcome means for the entries it concerns. */
export type Verdict =
  /** Delivered: acknowledge. */
  | { readonly kind: 'ack' }
  /** Transient trouble, another attempt is coming: keep them. */
  | { readonly kind: 'retrying' }
  /** Refused for good (an isolated 4xx, a drop that no retry fixes): dead-letter, or isolate first when several. */
  | { readonly kind: 'refused'; readonly dead: DeadLetterKind; readonly reason: string; readonly status: number | undefined }
  /** Not this worker's to finish (its stop): leave them pending in the stream for a later read. */
  | { readonly kind: 'release' }
  /** A final failure that is not a refusal (should not happen with an unlimited retry): deliver them again. */
  | { readonly kind: 'again' };

/** The statuses that are a collector's permanent refusal: 4xx but 408 (timeout) and 429 (too many requests). */
export const isRefusal = (status: number | undefined): boolean =>
  status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;

/** The pure rule from an emitter outcome to what happens to its entries. */
export function verdictOf(outcome: DeliveryOutcome): Verdict {
  switch (outcome.kind) {
    case 'sent':
      return { kind: 'ack' };
    case 'retrying':
      return { kind: 'retrying' };
    case 'failed':
      return isRefusal(outcome.status)
        ? { kind: 'refused', dead: 'refused', reason: `refused: ${outcome.error.message}`, status: outcome.status }
        : { kind: 'again' };
    case 'dropped':
      if (outcome.reason === 'shutdown' || outcome.reason === 'abandoned' || outcome.reason === 'queue-full') return { kind: 'release' };
      return {
        kind: 'refused',
        dead: 'dropped',
        reason: `dropped (${outcome.reason})${outcome.error ? `: ${outcome.error.message}` : ''}`,
        status: undefined,
      };
  }
}

/** A payload read back from a stream entry: a JSON object of strings with an `eid`; `undefined` otherwise. */
export function parsePayload(raw: string | undefined): Payload | undefined {
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(raw) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== 'string') return undefined;
    const payload = value as Payload;
    return typeof payload['eid'] === 'string' && payload['eid'] !== '' ? Object.freeze(payload) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads of the batch an entry was split from, before the split (its `d` field); 0 for any other entry. */
const priorReads = (entry: StreamEntry): number => {
  const d = Number(entry.fields['d']);
  return Number.isInteger(d) && d > 0 ? d : 0;
};

/** An entry's time in ms: its `t` field (an entry split from a batch keeps the batch's time), else its id's (`<ms>-<seq>`). */
export const entryTime = (entry: StreamEntry): number => {
  const t = entry.fields['t'];
  const at = t === undefined ? NaN : Number(t);
  return Number.isFinite(at) ? at : parseInt(entry.id, 10);
};

/**
 * The entries of a reply listing stream entries (XRANGE, XAUTOCLAIM's second element, one stream of XREADGROUP), with
 * the ids whose data is gone (a pending entry deleted or trimmed: nil fields) and the last id of either kind.
 */
export function splitEntries(reply: unknown): { entries: StreamEntry[]; gone: string[]; lastId: string | undefined } {
  const entries: StreamEntry[] = [];
  const gone: string[] = [];
  let lastId: string | undefined;
  for (const item of asArray(reply)) {
    const pair = asArray(item);
    if (pair.length === 0) continue;
    lastId = String(pair[0]);
    if (pair[1] === null || pair[1] === undefined) {
      gone.push(lastId);
      continue;
    }
    const fields: Record<string, string> = {};
    const flat = asArray(pair[1]);
    for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = String(flat[i + 1]);
    entries.push({ id: lastId, fields });
  }
  return { entries, gone, lastId };
}

/** The entries part of an XREADGROUP reply for one stream (RESP2: `[[stream, entries]]`; RESP3: `{ stream: entries }`; nil: none). */
export function readGroupReply(reply: unknown): unknown {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) return asArray(reply[0])[1];
  return Object.values(asRecord(reply))[0];
}
