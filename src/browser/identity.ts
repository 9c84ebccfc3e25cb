import { Subject, type Observable } from 'rxjs';
import { v4 as uuid } from 'uuid';
import { cookieValues, discoverRootDomain, writeCookie, type CookieAttributes } from './cookies.js';
import { newest, parse, plausibleTime, serialise, type IdState, type InheritedIds, type SessionRecord } from './id-state.js';

export type { IdState, InheritedIds, SessionRecord } from './id-state.js';

/** Where the browser tracker keeps its ids (`duid`, `sid`, `vid`): first-party cookie, localStorage, or memory only. */
export type StorageKind = 'cookie' | 'localStorage' | 'none';

/** How the id entry is stored. Every field has a default. */
export interface CookieOptions {
  /** Prefix of the cookie (or localStorage key): the ids live in `<prefix>id`. @default '_rxp_' */
  readonly prefix?: string | undefined;
  /**
   * The cookie's `Domain` (e.g. `'.example.com'` to share ids with sub-domains), or `'auto'`: the widest domain the
   * browser accepts (`shop.example.com` → `example.com`, Snowplow's `discoverRootDomain`). Default: none (a host-only cookie).
   */
  readonly domain?: string | undefined;
  /** The cookie's `Path`. @default '/' */
  readonly path?: string | undefined;
  /** The cookie's `SameSite`. `'None'` needs `secure`. @default 'Lax' */
  readonly sameSite?: 'Strict' | 'Lax' | 'None' | undefined;
  /** The cookie's `Secure` flag. Default: `true` on an https page, `false` otherwise. */
  readonly secure?: boolean | undefined;
  /** The cookie's lifetime in seconds (`Max-Age`), renewed by every event. @default 63_072_000 (two years) */
  readonly lifetimeSeconds?: number | undefined;
}

/** One key/value entry in a cookie or localStorage. Never throws. */
export interface IdStore {
  /** `client_session`'s `storageMechanism`. */
  readonly mechanism: 'COOKIE_1' | 'LOCAL_STORAGE';
  /** Every stored value (a host-only and a Domain cookie of the same name may both be there). */
  read(): string[];
  write(value: string): void;
  clear(): void;
}

/** The id cookie's attributes from the options (`domain: 'auto'` resolved by `domain()`, called once, when first needed). */
export function cookieAttributes(options: CookieOptions = {}): () => CookieAttributes {
  let resolved: CookieAttributes | undefined;
  return () => {
    if (resolved) return resolved;
    const base = {
      path: options.path ?? '/',
      sameSite: options.sameSite ?? 'Lax',
      secure: options.secure ?? location.protocol === 'https:',
    };
    const domain = options.domain === 'auto' ? discoverRootDomain(location.hostname, base) : options.domain || undefined;
    return (resolved = { ...base, domain });
  };
}

/**
 * The cookie store of the id entry. With a cookie domain, a host-only cookie of the same name (left by a page that
 * had no domain set) is deleted at the first write: the Domain cookie replaces it, and never hides behind it.
 */
export function cookieStore(options: CookieOptions = {}, attributes = cookieAttributes(options)): IdStore {
  const name = `${options.prefix ?? '_rxp_'}id`;
  let migrated = false;
  return {
    mechanism: 'COOKIE_1',
    read: () => cookieValues(name),
    write: (value) => {
      const a = attributes();
      if (a.domain && !migrated) writeCookie(name, '', 0, { ...a, domain: undefined });
      migrated = true;
      writeCookie(name, value, options.lifetimeSeconds ?? 63_072_000, a);
    },
    clear: () => {
      const a = attributes();
      writeCookie(name, '', 0, a);
      if (a.domain) writeCookie(name, '', 0, { ...a, domain: undefined });
    },
  };
}

/** The localStorage store of the id entry (no expiry). */
export function localStorageStore(options: CookieOptions = {}): IdStore {
  const key = `${options.prefix ?? '_rxp_'}id`;
  const attempt = <T>(action: (storage: Storage) => T): T | undefined => {
    try {
      return action(window.localStorage);
    } catch {
      return undefined; // disabled, full, or a sandboxed document
    }
  };
  return {
    mechanism: 'LOCAL_STORAGE',
    read: () => {
      const value = attempt((s) => s.getItem(key));
      return value ? [value] : [];
    },
    write: (value) => attempt((s) => s.setItem(key, value)),
    clear: () => attempt((s) => s.removeItem(key)),
  };
}

/** The anonymous-tracking modes: `'full'` (no ids at all) and `'session'` (session ids only, in memory). */
export type AnonymousMode = 'full' | 'session';

const EMPTY: IdState = { duid: '', vid: 0, sid: '', last: 0, prev: '', firstId: '', firstTs: 0, index: 0 };

/**
 * Identity and sessions: the domain user id and the session (id, index, first event, event index) with an
 * inactivity timeout. Each event reads the stored entry (so several tabs share one session), updates it and writes
 * it back; memory holds a copy for when storage is unavailable. Nothing is stored before the first event. Every
 * stored value is checked on read (id-state.ts): an absurd one is replaced, never sent.
 */
export class Identity {
  /** Every session started, as it starts (the event that starts it is being tracked). */
  readonly sessions: Observable<SessionRecord>;
  readonly #sessions = new Subject<SessionRecord>();
  #memory: IdState | undefined;
  #mode: AnonymousMode | false;
  #forceNew = false;
  #adoptable: boolean;

  constructor(
    private readonly store: IdStore | undefined,
    private readonly timeoutMs: number,
    private readonly now: () => number,
    mode: AnonymousMode | false,
    private readonly inherited?: InheritedIds,
    private readonly blocked?: () => boolean,
  ) {
    this.#mode = mode;
    this.#adoptable = inherited?.adopt !== undefined;
    this.sessions = this.#sessions.asObservable();
  }

  /** Where the entry is kept now: nowhere in anonymous modes. */
  get #store(): IdStore | undefined {
    return this.#mode ? undefined : this.store;
  }

  /** `client_session`'s `storageMechanism`. */
  get mechanism(): 'COOKIE_1' | 'LOCAL_STORAGE' {
    return this.store?.mechanism ?? 'COOKIE_1';
  }

  get mode(): AnonymousMode | false {
    return this.#mode;
  }

  /** The current state (not renewed); `undefined` before the first event, after `clear()`, in full anonymous mode. */
  current(): IdState | undefined {
    const s = this.#read();
    return s?.sid ? s : undefined;
  }

  /** The stored entry (the newest sane one), else Snowplow's ids once, else memory. */
  #read(): IdState | undefined {
    if (this.#mode === 'full') return undefined;
    const store = this.#store;
    const now = this.now();
    const stored = store ? newest(store.read().map((v) => parse(v, now))) : undefined;
    if (stored || !store || !this.#adoptable) return stored ?? this.#memory;
    this.#adoptable = false;
    return this.inherited!.adopt!(now) ?? this.#memory;
  }

  /** For one event: starts a session when there is none or it timed out, counts the event, stores the entry. */
  touch(): IdState | undefined {
    if (this.#mode === 'full') return undefined;
    if (this.blocked?.()) {
      this.clear(); // Do Not Track or the opt-out cookie: no id is kept (the event is dropped)
      return undefined;
    }
    const now = this.now();
    const s: IdState = { ...(this.#read() ?? EMPTY) };
    if (!s.duid) s.duid = uuid();
    if (!s.sid || this.#forceNew || now - s.last > this.timeoutMs) {
      s.prev = s.sid || s.prev;
      s.sid = uuid();
      s.vid += 1;
      s.firstId = '';
      s.firstTs = 0;
      s.index = 0;
      this.#forceNew = false;
      this.#announce(s, now);
    }
    s.last = now;
    s.index += 1;
    this.#save(s);
    return s;
  }

  /** Records the session's first event (its `eid` and `dtm`) once; a time the entry could not hold is left out. */
  firstEvent(state: IdState, eventId: string, timestamp: number): void {
    if (state.firstId) return;
    state.firstId = eventId;
    state.firstTs = plausibleTime(timestamp, this.now()) ? timestamp : 0;
    this.#save(state);
  }

  /** The next event starts a new session. */
  newSession(): void {
    this.#forceNew = true;
  }

  /** Forgets every id, in storage (Snowplow's cookies too) and in memory: the next event starts a new user and session. */
  clear(): void {
    this.store?.clear();
    this.inherited?.clear();
    this.#adoptable = false;
    this.#memory = undefined;
  }

  /**
   * Switches the anonymous mode. Entering either anonymous mode deletes the stored entry; `'session'` keeps the
   * session (not the user id) in memory; `'full'` forgets everything. Leaving it starts a new user id.
   */
  setMode(mode: AnonymousMode | false): void {
    if (mode === this.#mode) return;
    const current = this.current();
    this.#mode = mode;
    if (!mode) {
      this.#memory = current && { ...current, duid: uuid() };
      if (this.#memory) this.#save(this.#memory);
      return;
    }
    this.clear();
    this.#memory = mode === 'session' && current ? { ...current, duid: '' } : undefined;
  }

  #announce(s: IdState, now: number): void {
    const record: SessionRecord = {
      sessionId: s.sid,
      sessionIndex: s.vid,
      previousSessionId: s.prev || undefined,
      domainUserId: this.#mode ? undefined : s.duid,
      timestamp: now,
    };
    this.#sessions.next(record);
  }

  #save(state: IdState): void {
    this.#memory = state;
    const store = this.#store;
    if (!store) return;
    store.write(serialise(state));
    this.inherited?.write?.(state, this.timeoutMs);
  }
}
