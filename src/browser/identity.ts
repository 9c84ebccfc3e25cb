import { v4 as uuid } from 'uuid';

/** Where the browser tracker keeps its ids (`duid`, `sid`, `vid`): first-party cookie, localStorage, or memory only. */
export type StorageKind = 'cookie' | 'localStorage' | 'none';

/** How the id entry is stored. Every field has a default. */
export interface CookieOptions {
  /** Prefix of the cookie (or localStorage key): the ids live in `<prefix>id`. @default '_rxp_' */
  readonly prefix?: string | undefined;
  /** The cookie's `Domain` (e.g. `'.example.com'` to share ids with sub-domains). Default: none (a host-only cookie). */
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

/** The ids and session state, as stored (one entry, read and written on every event, so tabs share a session). */
export interface IdState {
  /** Domain user id (`duid`), a UUID. */
  duid: string;
  /** Session index (`vid`): 1 for the first session. */
  vid: number;
  /** Session id (`sid`), a UUID. */
  sid: string;
  /** When the last event was tracked, in ms since the epoch (on the tracker's scheduler clock). */
  last: number;
  /** The previous session's id, or `''`. */
  prev: string;
  /** The session's first event id, or `''` until it is known. */
  firstId: string;
  /** The session's first event time in ms, or 0. */
  firstTs: number;
  /** Events tracked in this session. */
  index: number;
}

/** One key/value entry in a cookie or localStorage. Never throws. */
export interface IdStore {
  /** `client_session`'s `storageMechanism`. */
  readonly mechanism: 'COOKIE_1' | 'LOCAL_STORAGE';
  read(): string | undefined;
  write(value: string): void;
  clear(): void;
}

/** The cookie store of the id entry. */
export function cookieStore(options: CookieOptions = {}): IdStore {
  const name = `${options.prefix ?? '_rxp_'}id`;
  const secure = options.secure ?? location.protocol === 'https:';
  const attributes = (maxAge: number): string =>
    `; Max-Age=${maxAge}; Path=${options.path ?? '/'}${options.domain ? `; Domain=${options.domain}` : ''}; SameSite=${options.sameSite ?? 'Lax'}${secure ? '; Secure' : ''}`;
  const set = (cookie: string): void => {
    try {
      document.cookie = cookie;
    } catch {
      // A sandboxed document: the ids stay in memory.
    }
  };
  return {
    mechanism: 'COOKIE_1',
    read: () => {
      try {
        for (const part of document.cookie.split(';')) {
          const [key, value] = part.trim().split('=');
          if (key === name && value) return value;
        }
      } catch {
        // Cookies unreadable (sandboxed iframe): as if absent.
      }
      return undefined;
    },
    write: (value) => set(`${name}=${value}${attributes(options.lifetimeSeconds ?? 63_072_000)}`),
    clear: () => set(`${name}=${attributes(0)}`),
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
    read: () => attempt((s) => s.getItem(key) ?? undefined),
    write: (value) => attempt((s) => s.setItem(key, value)),
    clear: () => attempt((s) => s.removeItem(key)),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `duid.vid.sid.last.prev.firstId.firstTs.index` (UUIDs and integers: cookie-safe without encoding). */
const serialise = (s: IdState): string => [s.duid, s.vid, s.sid, s.last, s.prev, s.firstId, s.firstTs, s.index].join('.');

function parse(text: string | undefined): IdState | undefined {
  const p = text?.split('.');
  if (p?.length !== 8 || !UUID.test(p[0]!) || !UUID.test(p[2]!)) return undefined;
  const [vid, last, firstTs, index] = [p[1], p[3], p[6], p[7]].map(Number) as [number, number, number, number];
  if (![vid, last, firstTs, index].every(Number.isSafeInteger)) return undefined;
  return { duid: p[0]!, vid, sid: p[2]!, last, prev: p[4]!, firstId: p[5]!, firstTs, index };
}

/** The anonymous-tracking modes: `'full'` (no ids at all) and `'session'` (session ids only, in memory). */
export type AnonymousMode = 'full' | 'session';

/**
 * Identity and sessions: the domain user id and the session (id, index, first event, event index) with an
 * inactivity timeout. Each event reads the stored entry (so several tabs share one session), updates it and writes
 * it back; memory holds a copy for when storage is unavailable. Nothing is stored before the first event.
 */
export class Identity {
  #memory: IdState | undefined;
  #mode: AnonymousMode | false;
  #forceNew = false;

  constructor(
    private readonly store: IdStore | undefined,
    private readonly timeoutMs: number,
    private readonly now: () => number,
    mode: AnonymousMode | false,
  ) {
    this.#mode = mode;
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
    if (this.#mode === 'full') return undefined;
    return parse(this.#store?.read()) ?? this.#memory;
  }

  /** For one event: starts a session when there is none or it timed out, counts the event, stores the entry. */
  touch(): IdState | undefined {
    if (this.#mode === 'full') return undefined;
    const now = this.now();
    const s: IdState = { ...(this.current() ?? { duid: '', vid: 0, sid: '', last: 0, prev: '', firstId: '', firstTs: 0, index: 0 }) };
    if (!s.duid) s.duid = uuid();
    if (!s.sid || this.#forceNew || now - s.last > this.timeoutMs) {
      s.prev = s.sid;
      s.sid = uuid();
      s.vid += 1;
      s.firstId = '';
      s.firstTs = 0;
      s.index = 0;
      this.#forceNew = false;
    }
    s.last = now;
    s.index += 1;
    this.#save(s);
    return s;
  }

  /** Records the session's first event (its `eid` and `dtm`) once. */
  firstEvent(state: IdState, eventId: string, timestamp: number): void {
    if (state.firstId) return;
    state.firstId = eventId;
    state.firstTs = timestamp;
    this.#save(state);
  }

  /** The next event starts a new session. */
  newSession(): void {
    this.#forceNew = true;
  }

  /** Forgets every id, in storage and in memory: the next event starts a new user and session. */
  clear(): void {
    this.store?.clear();
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
    this.store?.clear();
    this.#memory = mode === 'session' && current ? { ...current, duid: '' } : undefined;
  }

  #save(state: IdState): void {
    this.#memory = state;
    this.#store?.write(serialise(state));
  }
}
