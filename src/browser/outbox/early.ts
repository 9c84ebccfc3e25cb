// What a page keeps before its outbox arrives (the outbox is loaded on demand, src/browser/deferred-sink.ts): the
// events tracked meanwhile, written under this tab's key in the outbox's own stored format (storage.ts, writer.ts), so
// that a page hidden or closed before the outbox arrived leaves them for the next load, which adopts them and sends
// them with their eids. The tab's Web Lock is asked for at once, as the outbox itself does, so no other tab can adopt
// the key while this page lives; the outbox, when it arrives, takes over the key and the lock. Nothing here throws.
import type { Subscription } from 'rxjs';
import type { Payload } from '../../payload/payload.js';
import { watchPage } from './lifecycle.js';
import type { ResolvedOutboxOptions } from './options.js';
import { openLocalStorage } from './storage.js';
import { lockName, outboxPrefix, requestOwnLock, type OwnLock } from './tab.js';
import { TabKeyWriter } from './writer.js';

/** What the page's lifecycle means to the sink that waits for the outbox. None may throw. */
export interface EarlyHandlers {
  /** The page is being hidden or unloaded (the events are written first). */
  hidden(): void;
  /** The page is visible again. */
  shown(): void;
  /** The browser is back online. */
  online(): void;
}

/** One event as the record keeps it: its JSON, when it was stored, and no crash yet. */
interface EarlyEvent {
  readonly json: string;
  readonly since: number;
  readonly crashes: 0;
}

/** This tab's key and lock until the outbox arrives. */
export class EarlyKey {
  /** This tab's id: the outbox, when it arrives, keeps it (and so the key). */
  readonly tabId: string;
  /** This tab's own Web Lock, asked for now; `undefined` without Web Locks or without storage. */
  readonly lock: OwnLock | undefined;
  private readonly events: EarlyEvent[] = [];
  private readonly writer: TabKeyWriter;
  private readonly listeners: Subscription;
  private readonly noLocks: boolean;
  private owned: boolean;
  private done = false;

  constructor(o: ResolvedOutboxOptions, name: string, handlers: EarlyHandlers) {
    this.tabId = o.newId();
    const win = o.window;
    const storage = o.storage === 'localStorage' ? openLocalStorage(win) : undefined;
    const prefix = outboxPrefix(o.storageKey, name);
    const locks = win?.navigator?.locks;
    const lockManager = storage !== undefined && typeof locks?.request === 'function' ? locks : undefined;
    this.noLocks = storage !== undefined && lockManager === undefined;
    // Without Web Locks the tab owns its key at once, as the outbox's adoption has it.
    this.owned = lockManager === undefined;
    this.lock = lockManager && requestOwnLock(lockManager, lockName(prefix, this.tabId));
    this.writer = new TabKeyWriter(storage, prefix + this.tabId, {
      // Once the outbox has the key, this writer never writes it again.
      owned: () => this.owned && !this.done,
      record: (leaving, clean) =>
        this.events.length === 0
          ? undefined
          : { closed: leaving, clean, at: o.scheduler.now(), events: this.events.slice(0, o.maxEvents), handedOff: [] },
      failed: () => undefined,
    });
    void this.lock?.granted.then((granted) => {
      this.owned = granted;
      if (this.done) return;
      if (granted) this.writer.now();
      else this.writer.toMemory(); // as the outbox does when Web Locks refuse the tab its lock
    });
    this.listeners = watchPage(win, prefix, {
      hidden: (leaving) => {
        // As the outbox: without Web Locks, a page leaving for good marks its record for the next load.
        if (leaving && this.noLocks) this.writer.leaving = true;
        this.writer.clean = true;
        this.writer.now(true);
        handlers.hidden();
      },
      shown: () => {
        this.writer.leaving = false;
        this.writer.clean = false;
        this.writer.now();
        handlers.shown();
      },
      online: () => handlers.online(),
      written: () => undefined, // adopting other tabs' keys is the outbox's business, once it is here
    });
  }

  /** Keeps an accepted event (written in a coalesced write, once this tab owns its key). */
  add(payload: Payload, now: number): void {
    let json: string;
    try {
      json = JSON.stringify(payload);
    } catch {
      return; // the outbox refuses it when it arrives (`dropped`, `error`)
    }
    this.events.push({ json, since: now, crashes: 0 });
    this.writer.later();
  }

  /**
   * The outbox has arrived with this tab's id and lock: the key and the lock are its own from now on. No last write
   * here: before the lock is granted only a page going away may write (Chromium may register a lock request after
   * another tab has seen a key written later), and the outbox writes the same events once it owns the key.
   */
  handOver(): void {
    this.done = true;
    this.listeners.unsubscribe();
    this.events.length = 0; // the outbox holds them now
  }

  /**
   * The sink ended before the outbox arrived: the events are written one last time (a clean end; without Web Locks,
   * marked for the next load) and stay there; the listeners are removed and the lock is released.
   */
  end(): void {
    this.writer.leaving = this.noLocks;
    this.writer.clean = true;
    this.writer.stop();
    this.handOver();
    this.lock?.keep(Promise.resolve());
  }
}
