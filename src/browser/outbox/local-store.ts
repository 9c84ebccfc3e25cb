// The outbox's QueueStore: every event the outbox holds, from acceptance (or adoption) until it leaves, and what the
// stored record keeps about it. The emitter hands each settlement over with the very items it concerns (an accepted
// event is known by its queued item, a restored one by its `ref`, the entry itself), so nothing here matches
// outcomes by eid. Pure bookkeeping: no clock but `now()`, no storage, no timer (the wiring does those).
import type { QueuedEvent } from '../../emitter/batch.js';
import { PendingLedger } from '../../emitter/ledger.js';
import type { DeliveryOutcome, DropReason } from '../../emitter/outcome.js';
import type { QueueStore } from '../../emitter/store.js';
import { utf8ByteLength } from '../../payload/base64.js';
import type { Payload } from '../../payload/payload.js';
import { asRetrying, fateOf, isTransient, verdict, type Entry, type EntryState, type StoreLimits, type Taken } from './retention.js';
import type { RecordContent, StoredRecord } from './storage.js';

/** What the store tells the wiring. Called synchronously; none may throw. */
export interface StoreHooks {
  /** What is stored changed: `urgent` (a settlement) is written now, the rest in a coalesced write. */
  changed(urgent: boolean): void;
  /** Limbo entries the collector's failure releases: deliver them. */
  release(entries: readonly Entry[]): void;
  /** The collector accepted events. */
  delivered(): void;
  /** Events were retained after a transient failure. */
  retained(): void;
}

export class LocalStorageStore implements QueueStore {
  /** No failure seen since the collector's last success (a page starts healthy). */
  healthy = true;
  /** The sink is ending: a transient failure is kept for a later load, no longer retained for this page. */
  closing = false;

  readonly #limits: StoreLimits;
  readonly #now: () => number;
  readonly #hooks: StoreHooks;
  readonly #ledger = new PendingLedger();
  /** Oldest first. */
  readonly #entries = new Set<Entry>();
  readonly #byItem = new WeakMap<QueuedEvent, Entry>();
  /** Eids held: an adoption skips stored copies it already holds (a copy left by an interrupted adoption). */
  readonly #eids = new Set<string>();
  readonly #retainedOutcomes = new WeakSet<DeliveryOutcome>();
  #bytes = 0;
  #candidate: { readonly item: QueuedEvent; readonly json: string; readonly bytes: number } | undefined;

  constructor(limits: StoreLimits, now: () => number, hooks: StoreHooks) {
    this.#limits = limits;
    this.#now = now;
    this.#hooks = hooks;
  }

  /** Events in the emitter's hands (the queue's bound counts these). */
  get size(): number {
    return this.#ledger.size;
  }

  /** Every event held, in any state. */
  get held(): number {
    return this.#entries.size;
  }

  refuse(item: QueuedEvent): DropReason | undefined {
    let json: string;
    try {
      json = JSON.stringify(item.payload);
    } catch {
      return 'error';
    }
    const bytes = utf8ByteLength(json) + 1;
    if (bytes > this.#limits.maxBytes) return 'oversize';
    if (this.#entries.size >= this.#limits.maxEvents || this.#bytes + bytes > this.#limits.maxBytes) return 'queue-full';
    this.#candidate = { item, json, bytes };
    return undefined;
  }

  add(item: QueuedEvent): void {
    this.#ledger.add(item);
    const restored = this.#entry(item.ref);
    if (restored) {
      restored.state = 'queued';
      this.#byItem.set(item, restored);
      return;
    }
    const candidate = this.#candidate?.item === item ? this.#candidate : undefined;
    this.#candidate = undefined;
    const json = candidate?.json ?? JSON.stringify(item.payload);
    const entry = this.#hold(item.payload, json, candidate?.bytes ?? utf8ByteLength(json) + 1, this.#now(), 0, 'queued');
    this.#byItem.set(item, entry);
    this.#hooks.changed(false);
  }

  settle(items: readonly QueuedEvent[], outcome: DeliveryOutcome): void {
    this.#ledger.settle(items, outcome);
    const entries = items.map((item) => this.#entry(item.ref) ?? this.#byItem.get(item)).filter((e): e is Entry => e !== undefined);
    const transient = outcome.kind === 'retrying' || (outcome.kind === 'failed' && isTransient(outcome.status));
    if (outcome.kind === 'sent') this.healthy = true;
    else if (transient) this.healthy = false;
    let changed = (outcome.kind === 'sent' || transient) && this.#decideLimbo(outcome.kind === 'sent');
    if (outcome.kind === 'retrying') {
      // Not delivered (yet): whatever was handed to keepalive goes back into storage.
      for (const entry of entries) {
        if (!entry.handedOff) continue;
        entry.handedOff = false;
        changed = true;
      }
      if (changed) this.#hooks.changed(true);
      return;
    }
    const fate = fateOf(outcome, transient, this.#limits.retainFailed, this.closing);
    for (const entry of entries) {
      changed = true;
      entry.handedOff = false;
      if (fate === 'remove') this.#remove(entry);
      else entry.state = fate;
    }
    if (fate === 'retained' && entries.length > 0) {
      this.#retainedOutcomes.add(outcome);
      this.#hooks.retained();
    }
    if (changed) this.#hooks.changed(true);
    if (outcome.kind === 'sent') this.#hooks.delivered();
  }

  remaining(): QueuedEvent[] {
    return this.#ledger.remaining();
  }

  whenSettledBelow(below: number): Promise<void> {
    return this.#ledger.whenSettledBelow(below);
  }

  /** The outcome as the outbox reports it: a `failed` whose events were retained is `retrying` (not final) here. */
  present(outcome: DeliveryOutcome): DeliveryOutcome {
    if (outcome.kind !== 'failed' || !this.#retainedOutcomes.has(outcome)) return outcome;
    return asRetrying(outcome, this.#limits.retryDelayMs);
  }

  /** A keepalive request carries these items: while the collector is healthy, they are stored as handed off. */
  handOff(items: readonly QueuedEvent[]): void {
    if (!this.#limits.trustKeepalive || !this.healthy) return;
    let changed = false;
    for (const item of items) {
      const entry = this.#entry(item.ref) ?? this.#byItem.get(item);
      if (entry?.state !== 'queued' || entry.handedOff) continue;
      entry.handedOff = true;
      changed = true;
    }
    if (changed) this.#hooks.changed(true);
  }

  /** Holds a gone page's events: each to deliver, to hold in limbo (handed off), or to drop (expired, poison). */
  take(record: StoredRecord): Taken {
    const now = this.#now();
    const send: Entry[] = [];
    const limbo: Entry[] = [];
    const drop: { entry: Entry; reason: DropReason }[] = [];
    record.events.forEach((payload, i) => {
      if (this.#eids.has(payload['eid']!)) return;
      const held = record.held[i] ?? { since: undefined, crashes: 0 };
      const crashes = held.crashes + (record.clean ? 0 : 1);
      const handedOff = record.handedOff.has(payload['eid']!);
      const json = JSON.stringify(payload);
      const entry = this.#hold(payload, json, utf8ByteLength(json) + 1, held.since ?? now, crashes, handedOff ? 'limbo' : 'queued');
      entry.handedOff = handedOff;
      const reason = verdict(entry, now, this.#limits);
      if (reason !== undefined) {
        this.#remove(entry);
        drop.push({ entry, reason });
      } else (handedOff ? limbo : send).push(entry);
    });
    return { send, limbo, drop };
  }

  /** Forgets entries taken but not stored (an adoption whose write failed). */
  untake(entries: readonly Entry[]): void {
    for (const entry of entries) this.#remove(entry);
  }

  /** This page's retry round: the retained entries to deliver again, and those too old to. */
  reoffer(): Taken {
    const now = this.#now();
    const send: Entry[] = [];
    const drop: { entry: Entry; reason: DropReason }[] = [];
    for (const entry of this.#entries) {
      if (entry.state !== 'retained') continue;
      const reason = verdict(entry, now, this.#limits);
      if (reason === undefined) {
        entry.state = 'queued';
        send.push(entry);
      } else {
        this.#remove(entry);
        drop.push({ entry, reason });
      }
    }
    return { send, limbo: [], drop };
  }

  /** The sink ends: retained entries are kept, untouched, for a later load. Returns them. */
  keepRetained(): Entry[] {
    const kept = [...this.#entries].filter((entry) => entry.state === 'retained');
    for (const entry of kept) entry.state = 'kept';
    return kept;
  }

  get retainedCount(): number {
    let n = 0;
    for (const entry of this.#entries) if (entry.state === 'retained') n++;
    return n;
  }

  /** What to write: every held entry, whatever its state. */
  record(closed: boolean, clean: boolean, at: number): RecordContent {
    const entries = [...this.#entries];
    return { closed, clean, at, events: entries, handedOff: entries.filter((e) => e.handedOff).map((e) => e.payload['eid']!) };
  }

  /** The collector answered: drop (success) or deliver (failure) what gone pages handed to keepalive. */
  #decideLimbo(delivered: boolean): boolean {
    const limbo = [...this.#entries].filter((entry) => entry.state === 'limbo');
    for (const entry of limbo) {
      if (delivered) this.#remove(entry);
      else {
        entry.handedOff = false;
        entry.state = 'queued';
      }
    }
    if (!delivered && limbo.length > 0) this.#hooks.release(limbo);
    return limbo.length > 0;
  }

  #entry(ref: unknown): Entry | undefined {
    return this.#entries.has(ref as Entry) ? (ref as Entry) : undefined;
  }

  #hold(payload: Payload, json: string, bytes: number, since: number, crashes: number, state: EntryState): Entry {
    const entry: Entry = { payload, json, bytes, since, crashes, state, handedOff: false };
    this.#entries.add(entry);
    this.#eids.add(payload['eid'] ?? '');
    this.#bytes += bytes;
    return entry;
  }

  #remove(entry: Entry): void {
    if (!this.#entries.delete(entry)) return;
    this.#eids.delete(entry.payload['eid'] ?? '');
    this.#bytes -= entry.bytes;
  }
}
