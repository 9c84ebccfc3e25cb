// Shared by the outbox specs (spec/browser/outbox-*.spec.ts): real Chromium, real localStorage, real Web Locks.
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';
import type { DeliveryOutcome } from '../../src/emitter/outcome.js';
import { createOutboxSink, type OutboxSink, type OutboxSinkOptions, type OutboxWindow } from '../../src/browser/outbox/index.js';
import { structEvent } from '../../src/events/structured.js';
import { createTestingCollector, type TestingCollector } from '../../src/testing/index.js';
import { createTracker, type CoreTracker } from '../../src/tracker/core.js';

/** A fresh storage key per spec, so specs never adopt each other's leftovers. */
export const freshKey = (): string => `rxplow.spec.${Math.random().toString(36).slice(2)}`;

/** Every localStorage key of an outbox (`<storageKey>#<tab id>`). */
export const storedKeys = (storageKey: string): string[] => Object.keys(localStorage).filter((key) => key.startsWith(`${storageKey}#`));

/** The eids stored under an outbox's keys. */
export function storedEids(storageKey: string): string[] {
  return storedKeys(storageKey).flatMap((key) =>
    (JSON.parse(localStorage.getItem(key)!) as { events: { eid: string }[] }).events.map((e) => e.eid),
  );
}

/** The eids stored as handed to a keepalive request. */
export function storedHandedOff(storageKey: string): string[] {
  return storedKeys(storageKey).flatMap((key) => (JSON.parse(localStorage.getItem(key)!) as { handedOff: string[] }).handedOff);
}

export function clearKeys(storageKey: string): void {
  for (const key of storedKeys(storageKey)) localStorage.removeItem(key);
}

export interface Rig {
  readonly sink: OutboxSink;
  readonly tracker: CoreTracker;
  readonly outcomes: DeliveryOutcome[];
  readonly eids: string[];
  /** Tracks `n` structured events; returns their eids. */
  track(n: number, label?: string): string[];
}

/** An outbox sink on a tracker, its outcomes and the eids it built recorded. */
export function rig(collector: TestingCollector, options: Omit<OutboxSinkOptions, 'endpoint'> & { readonly storageKey: string }): Rig {
  const sink = createOutboxSink({
    endpoint: collector.url,
    ...options,
    emitter: { fetch: collector.fetch, flushIntervalMs: 10, retry: { limit: 0 }, ...options.emitter },
  });
  const tracker = createTracker(sink, { appId: 'outbox-spec' });
  const outcomes: DeliveryOutcome[] = [];
  const eids: string[] = [];
  sink.outcomes.subscribe((o) => outcomes.push(o));
  tracker.payloads.subscribe((p) => eids.push(p['eid']!));
  return {
    sink,
    tracker,
    outcomes,
    eids,
    track(n, label = 'x') {
      const before = eids.length;
      for (let i = 0; i < n; i++) tracker.track(structEvent({ category: 'outbox', action: label, property: String(i) }));
      return eids.slice(before);
    },
  };
}

/** The final outcome kinds per eid (`dropped:<reason>` for drops). */
export function finals(outcomes: readonly DeliveryOutcome[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const o of outcomes) {
    if (o.kind === 'retrying') continue;
    for (const p of o.events) map.set(p['eid']!, [...(map.get(p['eid']!) ?? []), o.kind === 'dropped' ? `dropped:${o.reason}` : o.kind]);
  }
  return map;
}

/** The eids with a `retrying` outcome (retained after a transient failure, or between attempts). */
export function retrying(outcomes: readonly DeliveryOutcome[]): Set<string> {
  return new Set(outcomes.filter((o) => o.kind === 'retrying').flatMap((o) => o.events.map((p) => p['eid']!)));
}

/** Waits for a condition (polling on animation-free timers); rejects with `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 4_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Lets pending microtasks (the outbox's coalesced write) run. */
export const microtasks = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** How many times each value occurs. */
export function counts(values: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const v of values) map.set(v, (map.get(v) ?? 0) + 1);
  return map;
}

/**
 * A window double for lifecycle and storage failure specs: an EventTarget (so fromEvent works) with a document that
 * is one too, the real localStorage and Web Locks unless replaced, and a count of listeners added minus removed.
 */
export function fakeWindow(overrides: { localStorage?: () => Storage; locks?: LockManager | null } = {}): OutboxWindow &
  EventTarget & {
    readonly document: EventTarget & { visibilityState: DocumentVisibilityState };
    listeners(): number;
  } {
  let listeners = 0;
  const count = <T extends EventTarget>(target: T): T => {
    const add = target.addEventListener.bind(target);
    const remove = target.removeEventListener.bind(target);
    target.addEventListener = (...args: Parameters<EventTarget['addEventListener']>) => {
      listeners++;
      add(...args);
    };
    target.removeEventListener = (...args: Parameters<EventTarget['removeEventListener']>) => {
      listeners--;
      remove(...args);
    };
    return target;
  };
  const document = count(Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState }));
  const win = count(new EventTarget()) as EventTarget & Record<string, unknown>;
  Object.defineProperty(win, 'localStorage', { get: overrides.localStorage ?? (() => window.localStorage) });
  const locks = overrides.locks === undefined ? navigator.locks : (overrides.locks ?? undefined);
  Object.assign(win, { document, navigator: { locks }, listeners: () => listeners });
  return win as unknown as OutboxWindow & EventTarget & { readonly document: typeof document; listeners(): number };
}

export { createTestingCollector };

/**
 * Virtual time for specs whose requests are real (fetch resolves on real ticks): `now()` moves only when the spec
 * says, and timers run in order of their due time. `sleep(ms)` moves the clock without running timers (a device
 * asleep); what is overdue runs at the next `advance`.
 */
export class ManualScheduler implements SchedulerLike {
  #now: number;
  #seq = 0;
  readonly #queue: { at: number; seq: number; run: () => void; action: Subscription }[] = [];

  constructor(start = Date.now()) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    const action = new Subscription() as SchedulerAction<T>;
    const enqueue = (s: T | undefined, d: number): void => {
      const item = { at: this.#now + d, seq: this.#seq++, run: () => work.call(action, s), action };
      this.#queue.push(item);
    };
    action.schedule = (s?: T, d = 0) => {
      enqueue(s, d);
      return action;
    };
    enqueue(state, delay);
    return action;
  }

  /** Runs every timer due within `ms` from now, in order, moving the clock to each; then to now + `ms`. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const due = this.#queue.filter((item) => item.at <= target && !item.action.closed).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#queue.splice(this.#queue.indexOf(due), 1);
      this.#now = Math.max(this.#now, due.at);
      due.run();
    }
    this.#now = Math.max(this.#now, target);
  }

  /** Moves the clock without running anything. */
  sleep(ms: number): void {
    this.#now += ms;
  }
}

/**
 * Drives virtual time in steps of `stepMs`, letting real requests answer between steps, until `condition` holds;
 * fails after `maxSteps` steps.
 */
export async function runUntil(
  scheduler: ManualScheduler,
  condition: () => boolean,
  what: string,
  stepMs = 500,
  maxSteps = 400,
): Promise<void> {
  for (let step = 0; !condition(); step++) {
    if (step >= maxSteps) throw new Error(`virtual time: ${what} did not happen within ${(maxSteps * stepMs) / 1000} s`);
    scheduler.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
