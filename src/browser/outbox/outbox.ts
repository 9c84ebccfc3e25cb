// The browser outbox sink itself: it wires the parts (the store under the emitter, local-store.ts; the tab's record,
// writer.ts; adoption of gone tabs' events, adoption.ts; the page's lifecycle, lifecycle.ts; the unload transport,
// keepalive.ts) and answers as a sink. Made by `createOutboxSink` (index.ts); importing it touches no browser global.
import { EMPTY, map, merge, Subject, Subscription, timer, type Observable, type SchedulerLike } from 'rxjs';
import { Emitter } from '../../emitter/emitter.js';
import { countFinal, type DeliveryOutcome, type DeliveryReport, type DropReason, type ShutdownOptions } from '../../emitter/outcome.js';
import type { Admission } from '../../emitter/sink.js';
import type { CollectorRequest } from '../../emitter/transport.js';
import { Adoption } from './adoption.js';
import { createUnloadTransport, keepaliveLedger } from './keepalive.js';
import { watchPage } from './lifecycle.js';
import { LocalStorageStore } from './local-store.js';
import { dropOutcomes, type Entry } from './retention.js';
import type { OutboxSink, ResolvedOutboxOptions } from './options.js';
import { openLocalStorage, type StoredRecord } from './storage.js';
import { outboxPrefix } from './tab.js';
import { TabKeyWriter } from './writer.js';

/** The outbox sink (see the module comment); `createOutboxSink` checks and resolves its options. */
export class BrowserOutbox implements OutboxSink {
  readonly name: string;
  readonly outcomes: Observable<DeliveryOutcome>;
  readonly emitter: Emitter;
  readonly tabId: string;
  readonly ready: Promise<void>;

  readonly #scheduler: SchedulerLike;
  readonly #store: LocalStorageStore;
  readonly #adoption: Adoption;
  readonly #own = new Subject<DeliveryOutcome>();
  /** `online`, or the page visible again: every backoff ends, retained events are retried. */
  readonly #wake = new Subject<void>();
  readonly #counts = { sent: 0, failed: 0, dropped: 0, abandoned: 0 };
  readonly #listeners: Subscription;
  readonly #writer: TabKeyWriter;
  #coordination: OutboxSink['coordination'];
  #retry: Subscription | undefined;
  /** Adoption's looks again at records written early (adoption.ts), ended with intake. */
  readonly #adoptionTimers = new Subscription();
  #unloading = false;
  #closing = false;
  #closed = false;
  #shutdown: Promise<DeliveryReport> | undefined;

  constructor(o: ResolvedOutboxOptions) {
    this.#scheduler = o.scheduler;
    this.tabId = o.tab?.id ?? o.newId();
    const win = o.window;
    this.#store = new LocalStorageStore(o, () => this.#scheduler.now(), {
      changed: (urgent) => (urgent ? this.#writer.now() : this.#writer.later()),
      release: (entries) => this.#soon(() => this.#deliver(entries)),
      delivered: () => {
        if (this.#store.retainedCount > 0) this.#soon(() => this.#retryRetained());
      },
      retained: () => {
        this.#retry ??= timer(o.retryDelayMs, this.#scheduler).subscribe(() => this.#retryRetained());
      },
    });
    const transport = createUnloadTransport({
      fetch: o.emitter.fetch,
      credentials: o.emitter.credentials,
      transport: o.emitter.transport,
      mapRequest: o.mapRequest,
      ledger: keepaliveLedger(win ?? {}),
      budgetBytes: o.keepaliveBudgetBytes,
      unloading: () => this.#unloading,
      onKeepalive: (request) => this.#handOff(request),
    });
    this.emitter = new Emitter(o.endpoint, {
      ...o.emitter,
      scheduler: o.scheduler,
      transport,
      store: this.#store,
      retryNow: merge(this.#wake, o.emitter.retryNow ?? EMPTY),
    });
    this.name = this.emitter.name;
    this.outcomes = merge(this.emitter.outcomes.pipe(map((outcome) => this.#store.present(outcome))), this.#own);
    this.outcomes.subscribe((outcome) => countFinal(this.#counts, outcome));
    const prefix = outboxPrefix(o.storageKey, this.name);
    const storage = o.storage === 'localStorage' ? openLocalStorage(win) : undefined;
    this.#writer = new TabKeyWriter(storage, prefix + this.tabId, {
      owned: () => this.#adoption.owned,
      record: (leaving, clean) => (this.#store.held === 0 ? undefined : this.#store.record(leaving, clean, this.#scheduler.now())),
      failed: () => {
        this.#coordination = 'none';
        this.#adoption.stopWaiting();
      },
    });
    const locks = win?.navigator?.locks;
    const lockManager = typeof locks?.request === 'function' ? locks : undefined;
    this.#coordination = storage === undefined ? 'none' : lockManager ? 'web-locks' : 'no-locks';
    this.#adoption = new Adoption(
      prefix,
      this.tabId,
      lockManager,
      {
        storage: () => this.#writer.storage,
        closing: () => this.#closing,
        owned: () => this.#writer.now(),
        refused: () => this.#writer.toMemory(),
        take: (record) => this.#take(record),
        now: () => this.#scheduler.now(),
        later: (ms, work) => void this.#adoptionTimers.add(this.#scheduler.schedule(() => this.#closing || work(), ms)),
      },
      o.tab?.lock,
    );
    this.#listeners = watchPage(win, prefix, {
      hidden: (leaving) => {
        // Without Web Locks, a page leaving for good marks its record for the next load (until shown again).
        if (leaving && this.#coordination === 'no-locks') this.#writer.leaving = true;
        void this.drainForUnload();
      },
      shown: () => this.#resume(),
      online: () => this.#wakeUp(),
      written: (key, value) => this.#adoption.written(key, value),
    });
    this.ready = storage === undefined ? Promise.resolve() : this.#adoption.start();
  }

  get mode(): 'localStorage' | 'memory' {
    return this.#writer.storage === undefined ? 'memory' : 'localStorage';
  }

  get coordination(): OutboxSink['coordination'] {
    return this.#coordination;
  }

  get size(): number {
    return this.#store.held;
  }

  /** @throws {InvalidOptionsError} when it is already connected (a sink serves one tracker). */
  connect(admissions: Observable<Admission>): Subscription {
    return this.emitter.connect(admissions);
  }

  flush(): Promise<void> {
    return this.emitter.flush();
  }

  shutdown(options: ShutdownOptions = {}): Promise<DeliveryReport> {
    if (this.#shutdown) return this.#shutdown;
    // Validates `timeoutMs` at the call (throws as the emitter's does).
    const inner = this.emitter.shutdown(options);
    this.#close();
    this.#shutdown = inner.then(() => {
      this.#end();
      return { ...this.#counts };
    });
    return this.#shutdown;
  }

  drainForUnload(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#unloading = true;
    this.#writer.clean = true;
    this.#writer.now(true);
    return this.emitter.flush();
  }

  async dispose(): Promise<void> {
    if (this.#closed) return;
    this.#close();
    this.#end();
    await this.emitter.shutdown({ timeoutMs: 0 }).catch(() => undefined);
  }

  /** Puts held entries (adopted, released from limbo, retried) back into the emitter, each known by its entry. */
  #deliver(entries: readonly Entry[]): void {
    if (this.#closing || entries.length === 0) return;
    this.emitter.restore(entries.map((entry) => ({ payload: entry.payload, ref: entry })));
    void this.emitter.flush(); // they waited long enough: sent at once, not after the batch timer
  }

  /**
   * This page's retry of its retained events: those too old leave (`expired`), the others are delivered again. Not
   * while the page is hidden or unloading (a request whose answer the page may never see would only make a
   * duplicate): it resumes when the page is visible again.
   */
  #retryRetained(): void {
    this.#retry?.unsubscribe();
    this.#retry = undefined;
    if (this.#closing || this.#unloading) return;
    const { send, drop } = this.#store.reoffer();
    if (drop.length > 0) this.#writer.now();
    this.#drop(drop);
    this.#deliver(send);
  }

  #wakeUp(): void {
    if (this.#closing) return;
    this.#wake.next();
    if (this.#store.retainedCount > 0) this.#retryRetained();
  }

  /** Runs `work` on the scheduler, outside the settlement that asked for it. */
  #soon(work: () => void): void {
    this.#scheduler.schedule(() => work());
  }

  /** A gone tab's record: its events are held here (written first), then delivered; expired and poison ones dropped. */
  #take(record: StoredRecord): (() => void) | undefined {
    if (this.#closing) return undefined;
    const { send, limbo, drop } = this.#store.take(record);
    if (send.length + limbo.length > 0 && !this.#writer.now()) {
      this.#store.untake([...send, ...limbo]);
      return undefined;
    }
    return () => {
      this.#drop(drop);
      this.#deliver(send);
    };
  }

  #drop(drops: readonly { readonly entry: Entry; readonly reason: DropReason }[]): void {
    for (const outcome of dropOutcomes(this.name, drops)) this.#own.next(outcome);
  }

  /** A keepalive request is about to leave: with a healthy collector, its events are stored as handed off. */
  #handOff(request: CollectorRequest): void {
    if (this.#writer.storage !== undefined && request.items) this.#store.handOff(request.items);
  }

  #resume(): void {
    if (this.#closed) return;
    this.#unloading = false;
    this.#writer.leaving = false;
    this.#writer.clean = false;
    this.#writer.now();
    this.#wakeUp();
  }

  /** Intake stops adopting and retrying: retained events are kept, untouched, for a later load (`abandoned` here). */
  #close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#store.closing = true;
    this.#retry?.unsubscribe();
    this.#retry = undefined;
    this.#adoptionTimers.unsubscribe();
    const kept = this.#store.keepRetained();
    if (kept.length > 0) this.#drop(kept.map((entry) => ({ entry, reason: 'abandoned' })));
  }

  /** Last write, listeners off, locks released: from here on this sink never touches storage. */
  #end(): void {
    if (this.#closed) return;
    this.#writer.leaving = this.#coordination === 'no-locks';
    this.#writer.clean = true;
    this.#writer.stop();
    this.#closed = true;
    this.#listeners.unsubscribe();
    this.#adoption.release();
  }
}
