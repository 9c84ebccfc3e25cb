// The browser outbox (rxplow/browser, issue 12 items 5 and 6): every event is kept in localStorage until its final
// outcome, replayed with the same eid at the next load, and drained through keepalive requests when the page is
// hidden or unloaded. Importing this module touches no browser global: everything happens in createOutboxSink.
import { filter, fromEvent, merge, Subject, Subscription, type Observable, type SchedulerLike } from 'rxjs';
import { v4 as uuidv4 } from 'uuid';
import { Emitter } from '../../emitter/emitter.js';
import type { EmitterOptions } from '../../emitter/options.js';
import type { DeliveryOutcome, DeliveryReport, DropReason, FinalOutcome, ShutdownOptions } from '../../emitter/outcome.js';
import type { Admission, Sink } from '../../emitter/sink.js';
import type { CollectorRequest } from '../../emitter/transport.js';
import { InvalidOptionsError } from '../../errors.js';
import { utf8ByteLength } from '../../payload/base64.js';
import type { Payload } from '../../payload/payload.js';
import { createUnloadTransport, keepaliveLedger } from './keepalive.js';
import { listKeys, openLocalStorage, parseRecord, readItem, recordText, removeItem, writeItem, type StorageLike } from './store.js';

export { createUnloadTransport, keepaliveLedger } from './keepalive.js';
export type { KeepaliveLedger, UnloadTransportOptions } from './keepalive.js';

/** Every outbox option's default. */
export const OUTBOX_DEFAULTS = /* @__PURE__ */ Object.freeze({
  /** See {@link OutboxSinkOptions}: `storage`, `maxEvents`, `maxBytes`, `keepaliveBudgetBytes`, `retainFailed`, `keepaliveHandoff`. */
  storage: 'localStorage',
  maxEvents: 1_000,
  maxBytes: 1_000_000,
  keepaliveBudgetBytes: 49_152,
  retainFailed: true,
  keepaliveHandoff: 'trust-when-healthy',
  /** Without Web Locks: a stored outbox not written for this long is taken as its tab's leftovers. */
  staleAfterMs: 86_400_000,
} as const);

/** What the outbox needs of the window (a real `Window` has it all). */
export interface OutboxWindow {
  /** Where the outbox is kept; reading it may throw (disabled storage): the outbox then works in memory. */
  readonly localStorage?: Storage | undefined;
  /** `navigator.locks` (Web Locks), for the coordination of tabs; without it, the weaker fallback applies. */
  readonly navigator?: { readonly locks?: LockManager | undefined } | undefined;
  /** The document, for `visibilitychange` and `visibilityState`. */
  readonly document?: (EventTarget & { readonly visibilityState?: DocumentVisibilityState }) | undefined;
  /** For the `pagehide`, `pageshow` and `storage` listeners. */
  addEventListener: EventTarget['addEventListener'];
  /** Removes them (`shutdown()`, `dispose()`). */
  removeEventListener: EventTarget['removeEventListener'];
}

/** Options of {@link createOutboxSink}. */
export interface OutboxSinkOptions {
  /** The collector: a host or an http(s) URL, as for `new Emitter(endpoint)`. Required. */
  readonly endpoint: string;
  /**
   * Options of the inner HTTP emitter (batching, retries, headers, `anonymous`, `fetch`, …). Its `transport`, when
   * given, is wrapped (the keepalive budget still gates requests at unload, but keepalive itself is then up to it).
   * @default {}
   */
  readonly emitter?: EmitterOptions | undefined;
  /** Where the outbox lives: `'localStorage'` (memory only when it is unavailable), or `'memory'` (nothing kept across loads). @default 'localStorage' */
  readonly storage?: 'localStorage' | 'memory' | undefined;
  /**
   * The prefix of the outbox's localStorage keys (one key per tab: `<storageKey>#<tab id>`) and Web Lock names.
   * Sinks with the same `storageKey` adopt each other's leftovers, so give each collector its own. @default `rxplow.outbox:<emitter name>` (method and URL)
   */
  readonly storageKey?: string | undefined;
  /** Most events the outbox holds (this tab's and those adopted from earlier loads); a new event beyond it is `dropped` (`queue-full`). @default 1_000 */
  readonly maxEvents?: number | undefined;
  /**
   * Most bytes (UTF-8 JSON of the events) the outbox holds; a new event beyond it is `dropped` (`queue-full`), one larger
   * than `maxBytes` on its own is `dropped` (`oversize`). @default 1_000_000
   */
  readonly maxBytes?: number | undefined;
  /**
   * Most keepalive body bytes in flight at once on the page, all rxplow sinks together (browsers cap it at 64 KiB per
   * page, other scripts' keepalive requests included). @default 49_152 (48 KiB)
   */
  readonly keepaliveBudgetBytes?: number | undefined;
  /**
   * Keep an event whose final outcome here is `failed` for a transient cause (network error, timeout, abort, 408, 429,
   * 5xx: the retries ran out) in the outbox, for the next load. `false`: a `failed` event leaves the outbox. Events the
   * collector refused (other statuses) always leave it. @default true
   */
  readonly retainFailed?: boolean | undefined;
  /**
   * What the outbox does with events it hands to a `keepalive` request at unload, whose answer the page never sees:
   * - `'trust-when-healthy'`: unless the page's last answer from the collector was a failure (network error, timeout,
   *   408, 429, 5xx), they are stored marked "handed off". The next page that adopts them holds them until it hears
   *   from the collector: its first success drops them (the keepalive request most likely arrived: no duplicate at
   *   every navigation), its first transient failure sends them (the collector was likely down at unload too). After
   *   a failure in this page, they are stored unmarked and the next load sends them again.
   * - `'resend'`: they are stored unmarked, so the next load sends them again (same eid): never lost, but a duplicate
   *   whenever the keepalive request did arrive.
   * If the page lives on (hidden, then visible), the answer is seen as usual. @default 'trust-when-healthy'
   */
  readonly keepaliveHandoff?: 'trust-when-healthy' | 'resend' | undefined;
  /**
   * Rewrites each request just before it is sent, decided per request: how `createBrowserTracker` switches the
   * `SP-Anonymous` header at runtime without giving up keepalive (a custom `emitter.transport` would). Default: none.
   */
  readonly mapRequest?: ((request: CollectorRequest) => CollectorRequest) | undefined;
  /** The scheduler of the inner emitter (unless `emitter.scheduler` is given) and of the outbox's clock. @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
  /** The window to use (tests). @default globalThis.window; none (memory only, no listeners) on a server */
  readonly window?: OutboxWindow | undefined;
}

/** A {@link Sink} that keeps every event in a localStorage outbox until it is delivered, and drains at unload. */
export interface OutboxSink extends Sink {
  /** The inner HTTP emitter (its outcomes are this sink's, with the outbox's own drops). */
  readonly emitter: Emitter;
  /** Where the events are kept now: `'memory'` from the start when storage is unavailable, or after a write failed. */
  readonly mode: 'localStorage' | 'memory';
  /** How tabs are kept from sending the same stored event: `'web-locks'`, the weaker `'no-locks'` fallback, or `'none'` (memory only). */
  readonly coordination: 'web-locks' | 'no-locks' | 'none';
  /** This sink's tab id (the suffix of its storage key). */
  readonly tabId: string;
  /** How many events the outbox holds now (in flight, waiting, or kept for the next load). */
  readonly size: number;
  /**
   * Resolves once the sink owns its storage key (its Web Lock is granted) and has adopted the stored events of every
   * earlier page that was already gone. Never rejects.
   */
  readonly ready: Promise<void>;
  /**
   * What the `pagehide` and `visibilitychange → hidden` listeners call: writes the outbox, and sends every pending
   * event now, through `keepalive` requests within the shared budget (a request that does not fit is not sent: its
   * events stay in the outbox). Until the page is visible again, every request goes that way. Resolves when every
   * event pending at the call has a final outcome here (in a page that lives on); never rejects.
   */
  drainForUnload(): Promise<void>;
  /**
   * Ends this sink as a page's end would: writes the outbox one last time, removes the listeners, releases the Web
   * Locks (another sink may then adopt what is left), and aborts requests in flight (their events are `dropped`,
   * `abandoned`, and stay in storage for the next load). Idempotent; never rejects.
   */
  dispose(): Promise<void>;
}

interface Entry {
  readonly eid: string;
  readonly json: string;
  readonly bytes: number;
  /** Settled in this page but kept for the next load (`abandoned`, or `failed` for a transient cause). */
  kept: boolean;
  /** In a keepalive request sent while the collector was healthy: stored as handed off until an answer says otherwise. */
  handedOff: boolean;
  /**
   * Adopted as handed off by a gone page: not sent, until this page hears from the collector. A success drops it (the
   * keepalive request most likely arrived); a transient failure sends it (the collector was likely down at unload too).
   */
  limbo: Payload | undefined;
}

const TAB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EMPTY_REPORT: DeliveryReport = { sent: 0, failed: 0, dropped: 0, abandoned: 0 };

/**
 * Creates the browser outbox sink: give it to `createTracker` (or `createBrowserTracker` does). Never throws into the
 * host for storage trouble: without usable localStorage it works in memory.
 * @throws {InvalidOptionsError} for an unusable option (including the inner emitter's).
 */
export function createOutboxSink(options: OutboxSinkOptions): OutboxSink {
  return new BrowserOutbox(options);
}

class BrowserOutbox implements OutboxSink {
  readonly name: string;
  readonly outcomes: Observable<DeliveryOutcome>;
  readonly emitter: Emitter;
  readonly tabId = uuidv4();
  readonly ready: Promise<void>;

  readonly #win: OutboxWindow | undefined;
  readonly #locks: LockManager | undefined;
  readonly #scheduler: SchedulerLike | undefined;
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #retainFailed: boolean;
  readonly #trustKeepalive: boolean;
  readonly #prefix: string;
  readonly #key: string;
  readonly #intake = new Subject<Admission>();
  readonly #own = new Subject<DeliveryOutcome>();
  readonly #entries = new Map<number, Entry>();
  readonly #byEid = new Map<string, number[]>();
  readonly #subscriptions = new Subscription();
  readonly #abort = typeof AbortController === 'function' ? new AbortController() : undefined;
  readonly #watched = new Set<string>();
  #storage: StorageLike | undefined;
  #coordination: OutboxSink['coordination'];
  #releaseLocks: () => void = () => undefined;
  #held: Promise<void>;
  #bytes = 0;
  #seq = 0;
  #dropped = 0;
  #unloading = false;
  /** This tab may write its key: with Web Locks, once its own lock is granted (before, another tab could adopt it). */
  #owned = false;
  /** No failure seen since the collector's last success (a page starts healthy). */
  #healthy = true;
  #writeQueued = false;
  #closed = false;
  #connected = false;
  #shutdown: Promise<DeliveryReport> | undefined;

  constructor(options: OutboxSinkOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidOptionsError('options', 'expected { endpoint, ... }');
    this.#maxEvents = positive(options.maxEvents, 'maxEvents', OUTBOX_DEFAULTS.maxEvents);
    this.#maxBytes = positive(options.maxBytes, 'maxBytes', OUTBOX_DEFAULTS.maxBytes);
    const budgetBytes = positive(options.keepaliveBudgetBytes, 'keepaliveBudgetBytes', OUTBOX_DEFAULTS.keepaliveBudgetBytes);
    this.#retainFailed = options.retainFailed ?? OUTBOX_DEFAULTS.retainFailed;
    const handoff = options.keepaliveHandoff ?? OUTBOX_DEFAULTS.keepaliveHandoff;
    if (handoff !== 'trust-when-healthy' && handoff !== 'resend')
      throw new InvalidOptionsError('keepaliveHandoff', `expected 'trust-when-healthy' or 'resend', got ${String(handoff)}`);
    this.#trustKeepalive = handoff === 'trust-when-healthy';
    const storageOption = options.storage ?? OUTBOX_DEFAULTS.storage;
    if (storageOption !== 'localStorage' && storageOption !== 'memory')
      throw new InvalidOptionsError('storage', `expected 'localStorage' or 'memory', got ${String(storageOption)}`);
    this.#win = options.window ?? (typeof window === 'undefined' ? undefined : window);
    const emitterOptions = options.emitter ?? {};
    this.#scheduler = emitterOptions.scheduler ?? options.scheduler;
    const transport = createUnloadTransport({
      fetch: emitterOptions.fetch,
      credentials: emitterOptions.credentials,
      transport: emitterOptions.transport,
      mapRequest: options.mapRequest,
      ledger: keepaliveLedger(this.#win ?? {}),
      budgetBytes,
      unloading: () => this.#unloading,
      onKeepalive: (request) => this.#handOff(request),
    });
    this.emitter = new Emitter(options.endpoint, {
      ...emitterOptions,
      ...(this.#scheduler ? { scheduler: this.#scheduler } : {}),
      transport,
    });
    this.name = this.emitter.name;
    this.outcomes = merge(this.emitter.outcomes, this.#own);
    this.#prefix = `${options.storageKey ?? `rxplow.outbox:${this.name}`}#`;
    this.#key = this.#prefix + this.tabId;
    this.#held = new Promise((resolve) => (this.#releaseLocks = resolve));

    this.#subscriptions.add(this.emitter.outcomes.subscribe((outcome) => this.#settle(outcome)));
    this.emitter.connect(this.#intake.asObservable());
    this.#storage = storageOption === 'localStorage' ? openLocalStorage(this.#win) : undefined;
    const locks = this.#win?.navigator?.locks;
    this.#locks = typeof locks?.request === 'function' ? locks : undefined;
    this.#coordination = this.#storage === undefined ? 'none' : this.#locks ? 'web-locks' : 'no-locks';
    this.#listen();
    this.ready = this.#start();
  }

  get mode(): 'localStorage' | 'memory' {
    return this.#storage === undefined ? 'memory' : 'localStorage';
  }

  get coordination(): OutboxSink['coordination'] {
    return this.#coordination;
  }

  get size(): number {
    return this.#entries.size;
  }

  connect(admissions: Observable<Admission>): Subscription {
    if (this.#connected)
      throw new InvalidOptionsError(
        'emitters',
        `the outbox sink "${this.name}" is already connected to a tracker; give each tracker its own`,
      );
    this.#connected = true;
    return admissions.subscribe((admission) => this.#admit(admission));
  }

  flush(): Promise<void> {
    return this.emitter.flush();
  }

  shutdown(options: ShutdownOptions = {}): Promise<DeliveryReport> {
    if (this.#shutdown) return this.#shutdown;
    // Validates `timeoutMs` at the call (throws as the emitter's does).
    const inner = this.emitter.shutdown(options);
    this.#shutdown = inner.then((report) => {
      this.#end();
      return { ...report, dropped: report.dropped + this.#dropped };
    });
    return this.#shutdown;
  }

  drainForUnload(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#unloading = true;
    this.#writeNow();
    return this.emitter.flush();
  }

  async dispose(): Promise<void> {
    if (this.#closed) return;
    this.#end();
    await this.emitter.shutdown({ timeoutMs: 0 }).catch(() => EMPTY_REPORT);
  }

  // ---- intake ------------------------------------------------------------------------------------------------------

  #admit(admission: Admission): void {
    if (admission.kind === 'rejected' || this.#closed || this.#shutdown) {
      // The inner emitter reports it (`invalid`, `filtered`, `error`, or `shutdown`); nothing to keep.
      this.#intake.next(admission);
      return;
    }
    const payload = admission.payload;
    let json: string;
    try {
      json = JSON.stringify(payload);
    } catch {
      this.#intake.next(admission); // The emitter reports what is wrong with it.
      return;
    }
    const bytes = utf8ByteLength(json) + 1;
    if (bytes > this.#maxBytes) return this.#drop('oversize', payload);
    if (this.#entries.size >= this.#maxEvents || this.#bytes + bytes > this.#maxBytes) return this.#drop('queue-full', payload);
    this.#add(payload['eid'] ?? '', json, bytes);
    this.#scheduleWrite();
    this.#intake.next(admission);
  }

  #drop(reason: DropReason, payload: Payload): void {
    this.#dropped++;
    this.#own.next({ kind: 'dropped', emitter: this.name, events: [payload], attempt: 0, willRetry: false, reason, error: undefined });
  }

  #add(eid: string, json: string, bytes: number): number {
    const id = this.#seq++;
    this.#entries.set(id, { eid, json, bytes, kept: false, handedOff: false, limbo: undefined });
    this.#bytes += bytes;
    const ids = this.#byEid.get(eid);
    if (ids) ids.push(id);
    else this.#byEid.set(eid, [id]);
    return id;
  }

  #remove(id: number): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    this.#bytes -= entry.bytes;
    const ids = this.#byEid.get(entry.eid);
    if (!ids) return;
    ids.splice(ids.indexOf(id), 1);
    if (ids.length === 0) this.#byEid.delete(entry.eid);
  }

  /** A final outcome at the inner emitter: the events leave the outbox, or are kept for the next load. */
  #settle(outcome: DeliveryOutcome): void {
    const transient = outcome.kind === 'retrying' || (outcome.kind === 'failed' && isTransient(outcome.status));
    if (outcome.kind === 'sent') this.#healthy = true;
    else if (transient) this.#healthy = false;
    let changed = outcome.kind === 'sent' || transient ? this.#decideLimbo(outcome.kind === 'sent') : false;
    if (outcome.kind === 'retrying') {
      // Not delivered (yet): whatever was handed to keepalive goes back into storage.
      for (const event of outcome.events) {
        const entry = this.#pendingEntry(event['eid'])?.[1];
        if (entry?.handedOff) {
          entry.handedOff = false;
          changed = true;
        }
      }
      if (changed) this.#writeNow();
      return;
    }
    const keep = this.#keeps(outcome);
    for (const event of outcome.events) {
      const found = this.#pendingEntry(event['eid']);
      if (found === undefined) continue;
      const [id, entry] = found;
      changed = true;
      if (keep) {
        entry.kept = true;
        entry.handedOff = false;
      } else this.#remove(id);
    }
    // Now, not in a microtask: a flush resolving on this outcome finds storage up to date.
    if (changed) this.#writeNow();
  }

  /** The first entry of an eid not yet settled in this page. */
  #pendingEntry(eid: string | undefined): [number, Entry] | undefined {
    for (const id of this.#byEid.get(eid ?? '') ?? []) {
      const entry = this.#entries.get(id)!;
      if (!entry.kept && entry.limbo === undefined) return [id, entry];
    }
    return undefined;
  }

  /** The collector answered: drop (success) or send (failure) what gone pages handed to keepalive. `true`: something changed. */
  #decideLimbo(delivered: boolean): boolean {
    const limbo = [...this.#entries].filter(([, entry]) => entry.limbo !== undefined);
    for (const [id, entry] of limbo) {
      if (delivered) {
        this.#remove(id);
        continue;
      }
      const payload = entry.limbo!;
      entry.limbo = undefined;
      entry.handedOff = false;
      this.#intake.next({ kind: 'event', payload });
    }
    return limbo.length > 0;
  }

  /** A keepalive request is about to leave: with a healthy collector, its events leave the stored outbox (see `keepaliveHandoff`). */
  #handOff(request: CollectorRequest): void {
    if (!this.#trustKeepalive || !this.#healthy || this.#storage === undefined) return;
    let changed = false;
    for (const eid of eidsOf(request)) {
      const entry = this.#pendingEntry(eid)?.[1];
      if (entry && !entry.handedOff) {
        entry.handedOff = true;
        changed = true;
      }
    }
    if (changed) this.#writeNow();
  }

  #keeps(outcome: FinalOutcome): boolean {
    if (outcome.kind === 'dropped') return outcome.reason === 'abandoned';
    if (outcome.kind !== 'failed' || !this.#retainFailed) return false;
    return isTransient(outcome.status);
  }

  // ---- storage -----------------------------------------------------------------------------------------------------

  #scheduleWrite(): void {
    if (this.#writeQueued || this.#storage === undefined || this.#closed) return;
    this.#writeQueued = true;
    // A microtask, not a timer: it runs before the page can go away, and a burst of events is written once.
    queueMicrotask(() => {
      this.#writeQueued = false;
      this.#writeNow();
    });
  }

  /** Writes this tab's key now; `false` (and memory only from now on) when the browser refused. */
  #writeNow(closed = false): boolean {
    const storage = this.#storage;
    if (storage === undefined || this.#closed || !this.#owned) return storage !== undefined;
    if (this.#entries.size === 0) {
      removeItem(storage, this.#key);
      return true;
    }
    const texts: string[] = [];
    const handedOff: string[] = [];
    for (const entry of this.#entries.values()) {
      texts.push(entry.json);
      if (entry.handedOff) handedOff.push(entry.eid);
    }
    if (writeItem(storage, this.#key, recordText(closed, this.#now(), texts, handedOff))) return true;
    this.#toMemory();
    return false;
  }

  /** Storage failed (quota, disabled): the events stay in memory; the stale key is removed so it is not replayed. */
  #toMemory(): void {
    const storage = this.#storage;
    if (storage === undefined) return;
    this.#storage = undefined;
    this.#coordination = 'none';
    removeItem(storage, this.#key);
    this.#abort?.abort();
  }

  #now(): number {
    return this.#scheduler?.now() ?? Date.now();
  }

  // ---- adoption of earlier pages' leftovers ---------------------------------------------------------------------------

  async #start(): Promise<void> {
    if (this.#storage === undefined) return;
    const locks = this.#locks;
    if (locks) {
      const owned = new Promise<void>((granted) => {
        locks
          .request(this.#lockName(this.tabId), () => {
            this.#owned = true;
            this.#writeNow(); // what was admitted while the lock was on its way
            granted();
            return this.#held;
          })
          .catch(() => {
            // Web Locks refused (an opaque origin, …): without ownership this tab keeps its events in memory.
            this.#toMemory();
            granted();
          });
      });
      await owned;
      await Promise.all(this.#candidates().map((tabId) => this.#watch(tabId)));
    } else {
      this.#owned = true;
      this.#writeNow();
      this.#adoptClosed();
    }
  }

  #lockName(tabId: string): string {
    return `${this.#prefix}lock#${tabId}`;
  }

  /** Tab ids of the other outboxes in storage. */
  #candidates(): string[] {
    if (this.#storage === undefined) return [];
    return listKeys(this.#storage)
      .filter((key) => key.startsWith(this.#prefix))
      .map((key) => key.slice(this.#prefix.length))
      .filter((tabId) => TAB_ID.test(tabId) && tabId !== this.tabId);
  }

  /**
   * Web Locks: a tab holds its own lock while it lives, so another tab's lock is granted only once that tab is gone.
   * Tries at once; when the owner lives, waits for the lock (until this sink ends). Resolves after the first try.
   */
  #watch(tabId: string): Promise<void> {
    const locks = this.#locks;
    // Before this tab owns its key, the initial scan (run once it does) finds every key.
    if (!locks || !this.#owned || this.#watched.has(tabId) || this.#closed) return Promise.resolve();
    this.#watched.add(tabId);
    const name = this.#lockName(tabId);
    const onGrant = (lock: Lock | null): Promise<void> | undefined => (lock !== null && this.#adopt(tabId) ? this.#held : undefined);
    return new Promise<void>((tried) => {
      locks
        .request(name, { ifAvailable: true }, (lock) => {
          tried();
          if (lock === null) {
            if (!this.#closed && this.#abort) locks.request(name, { signal: this.#abort.signal }, onGrant).catch(() => undefined);
            return undefined;
          }
          return onGrant(lock);
        })
        .catch(() => tried());
    });
  }

  /** No Web Locks: adopt the outboxes their pages marked closed at `pagehide`, and those untouched for a day. */
  #adoptClosed(): void {
    const storage = this.#storage;
    if (storage === undefined || this.#closed) return;
    const now = this.#now();
    for (const tabId of this.#candidates()) {
      const record = parseRecord(readItem(storage, this.#prefix + tabId));
      if (record && (record.closed || now - record.at > OUTBOX_DEFAULTS.staleAfterMs)) this.#adopt(tabId);
    }
  }

  /**
   * Moves a gone tab's stored events into this tab's key (written first, then the old key removed) and sends them
   * with their own eids. With Web Locks, the caller keeps the gone tab's lock until this sink ends, so a tab whose
   * view of localStorage lags behind cannot adopt the same key again meanwhile. `false`: nothing adopted.
   */
  #adopt(tabId: string): boolean {
    const storage = this.#storage;
    if (storage === undefined || this.#closed) return false;
    const key = this.#prefix + tabId;
    const record = parseRecord(readItem(storage, key));
    if (record === undefined) {
      removeItem(storage, key); // Gone, or unreadable: nothing to deliver.
      return true;
    }
    const added: { id: number; payload: Payload }[] = [];
    const limbo: number[] = [];
    for (const payload of record.events) {
      const eid = payload['eid']!;
      if (this.#byEid.has(eid)) continue; // Already here (an adoption interrupted after its write).
      const json = JSON.stringify(payload);
      const id = this.#add(eid, json, utf8ByteLength(json) + 1);
      if (!record.handedOff.has(eid)) {
        added.push({ id, payload });
        continue;
      }
      const entry = this.#entries.get(id)!;
      entry.handedOff = true;
      entry.limbo = payload;
      limbo.push(id);
    }
    if (added.length + limbo.length > 0 && !this.#writeNow()) {
      // This tab cannot store them: leave them where they are, for a tab that can.
      for (const id of [...added.map((a) => a.id), ...limbo]) this.#remove(id);
      return false;
    }
    removeItem(storage, key);
    for (const { payload } of added) this.#intake.next({ kind: 'event', payload });
    return true;
  }

  // ---- page lifecycle -----------------------------------------------------------------------------------------------

  #listen(): void {
    const win = this.#win;
    if (!win) return;
    const doc = win.document;
    this.#subscriptions.add(
      fromEvent<PageTransitionEvent>(win, 'pagehide').subscribe((event) => {
        void this.drainForUnload();
        // Without Web Locks, a page leaving for good marks its outbox for the next load to adopt.
        if (this.#coordination === 'no-locks' && !event.persisted) this.#writeNow(true);
      }),
    );
    this.#subscriptions.add(fromEvent(win, 'pageshow').subscribe(() => this.#resume()));
    if (doc) {
      this.#subscriptions.add(
        fromEvent(doc, 'visibilitychange').subscribe(() => {
          if (doc.visibilityState === 'hidden') void this.drainForUnload();
          else this.#resume();
        }),
      );
    }
    // Another tab wrote its outbox: with Web Locks, wait for its end; without, adopt it if it says it is closed.
    this.#subscriptions.add(
      fromEvent<StorageEvent>(win, 'storage')
        .pipe(filter((event) => event.newValue !== null && typeof event.key === 'string' && event.key.startsWith(this.#prefix)))
        .subscribe((event) => {
          const tabId = event.key!.slice(this.#prefix.length);
          if (!TAB_ID.test(tabId) || tabId === this.tabId || this.#storage === undefined) return;
          if (this.#coordination === 'web-locks') void this.#watch(tabId);
          else if (this.#coordination === 'no-locks' && parseRecord(event.newValue)?.closed) this.#adopt(tabId);
        }),
    );
  }

  #resume(): void {
    if (this.#closed) return;
    this.#unloading = false;
    if (this.#coordination === 'no-locks') this.#writeNow(false);
  }

  /** Last write, listeners off, locks released: from here on this sink never touches storage. */
  #end(): void {
    if (this.#closed) return;
    this.#writeNow(this.#coordination === 'no-locks');
    this.#closed = true;
    this.#subscriptions.unsubscribe();
    this.#abort?.abort();
    this.#releaseLocks();
  }
}

/** Network error, timeout or abort (no status), 408, 429, 5xx: the collector may take it later. */
const isTransient = (status: number | undefined): boolean => status === undefined || status === 408 || status === 429 || status >= 500;

const EID_IN_BODY = /"eid":"([^"\\]*)"/g;

/** The eids a request carries (POST body or GET query). */
function eidsOf(request: CollectorRequest): string[] {
  if (request.body === undefined) {
    try {
      const eid = new URL(request.url).searchParams.get('eid');
      return eid === null ? [] : [eid];
    } catch {
      return [];
    }
  }
  return Array.from(request.body.matchAll(EID_IN_BODY), (match) => match[1]!);
}

function positive(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw new InvalidOptionsError(name, `expected a positive integer, got ${String(value)}`);
}
