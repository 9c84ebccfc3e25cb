// Shared by the hardening specs (issue 9), in Node and in the browser. Imports ONLY the public entry, so it keeps
// working while the internals move: an outcome log, the conservation law, and small assertion helpers.
import { expect } from 'chai';
import type { Observable } from 'rxjs';
import {
  InvalidEventError,
  InvalidOptionsError,
  isRxplowError,
  type DeliveryOutcome,
  type DeliveryReport,
  type FinalOutcome,
  type Payload,
  type Tracker,
} from '../../src/index.js';

/** A lone high surrogate (the first half of 😀): what `.slice(0, n)` leaves when it cuts through an emoji. */
export const LONE_HIGH = '😀'.slice(0, 1);
/** A lone low surrogate (the second half of 😀). */
export const LONE_LOW = '😀'.slice(1);
/** U+FFFD REPLACEMENT CHARACTER: what TextEncoder writes for a lone surrogate. */
export const FFFD = '\uFFFD';
/** The largest delay a JS timer honours: 2^31 − 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The `code` of an InvalidOptionsError / InvalidEventError, read from the class (no literal to go stale). */
export const OPTIONS_CODE: string = new InvalidOptionsError('x', 'y').code;
export const EVENT_CODE: string = new InvalidEventError('x', 'y').code;

export const isFinal = (outcome: DeliveryOutcome): outcome is FinalOutcome => outcome.kind !== 'retrying';
const eidOf = (payload: Payload): string => payload['eid'] ?? '(no eid)';

/** Records every outcome of one emitter (or tracker) and the eids a tracker built. */
export class OutcomeLog {
  readonly outcomes: DeliveryOutcome[] = [];
  readonly tracked: string[] = [];
  /** ms since the log started, per outcome (same index as `outcomes`). */
  readonly at: number[] = [];
  readonly #start = Date.now();

  constructor(outcomes: Observable<DeliveryOutcome>, tracker?: Tracker) {
    outcomes.subscribe((o) => {
      this.outcomes.push(o);
      this.at.push(Date.now() - this.#start);
    });
    tracker?.payloads.subscribe((p) => this.tracked.push(eidOf(p)));
  }

  /** The first final outcome of each eid (the law says there is only one). */
  finals(): Map<string, FinalOutcome> {
    const finals = new Map<string, FinalOutcome>();
    for (const outcome of this.outcomes)
      if (isFinal(outcome)) for (const p of outcome.events) if (!finals.has(eidOf(p))) finals.set(eidOf(p), outcome);
    return finals;
  }

  /** How many tracked events ended in each final kind (`dropped:<reason>` for drops). */
  tally(): Record<string, number> {
    const tally: Record<string, number> = {};
    for (const outcome of this.finals().values()) {
      const key = outcome.kind === 'dropped' ? `dropped:${outcome.reason}` : outcome.kind;
      tally[key] = (tally[key] ?? 0) + 1;
    }
    return tally;
  }

  /** `dropped` outcomes without events: what `tracker.input` reports for an event it could not build. */
  invalidDrops(): DeliveryOutcome[] {
    return this.outcomes.filter((o) => o.kind === 'dropped' && o.events.length === 0);
  }

  allFinal(): boolean {
    const finals = this.finals();
    return this.tracked.every((eid) => finals.has(eid));
  }

  storyOf(eid: string): string[] {
    return this.outcomes
      .filter((o) => o.events.some((p) => eidOf(p) === eid))
      .map((o) => (o.kind === 'dropped' ? `dropped:${o.reason}` : o.kind));
  }

  /** A short text of every outcome, for assertion messages. */
  describe(): string {
    return this.outcomes
      .map((o, i) => {
        const error = 'error' in o && o.error ? ` ${(o.error as Error).name}(${String((o.error as { code?: unknown }).code)})` : '';
        return `${this.at[i]}ms ${o.kind}${o.kind === 'dropped' ? `:${o.reason}` : ''} ×${o.events.length} attempt ${o.attempt}${error}`;
      })
      .join('; ');
  }
}

/**
 * The conservation law over one emitter's outcomes: each tracked eid has exactly one final outcome and nothing after
 * it, no outcome concerns an untracked eid, and (when given) the report counts the same events (an `invalid` drop
 * from `tracker.input` carries no event and counts as one).
 */
export function expectConservation(log: OutcomeLog, report?: DeliveryReport): void {
  const tracked = new Set(log.tracked);
  expect(tracked.size, 'eids are unique').to.equal(log.tracked.length);
  const closed = new Set<string>();
  for (const outcome of log.outcomes) {
    for (const p of outcome.events) {
      const eid = eidOf(p);
      expect(tracked.has(eid), `outcome for an eid never tracked: ${eid}`).to.be.true;
      expect(closed.has(eid), `${outcome.kind} after the final outcome of ${eid}: ${log.storyOf(eid).join(' → ')}`).to.be.false;
      if (isFinal(outcome)) closed.add(eid);
    }
  }
  const missing = log.tracked.filter((eid) => !closed.has(eid));
  expect(missing, `events that vanished (no final outcome); outcomes: ${log.describe()}`).to.deep.equal([]);
  if (report) {
    const tally = log.tally();
    const dropped = Object.entries(tally)
      .filter(([k]) => k.startsWith('dropped:') && k !== 'dropped:abandoned')
      .reduce((n, [, v]) => n + v, 0);
    expect(report).to.deep.equal({
      sent: tally['sent'] ?? 0,
      failed: tally['failed'] ?? 0,
      dropped: dropped + log.invalidDrops().length,
      abandoned: tally['dropped:abandoned'] ?? 0,
    });
  }
}

/** Runs `call`, returns what it threw; fails when it did not throw. */
export function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  expect.fail('expected the call to throw synchronously');
}

/** Expects `error` to be rxplow's InvalidOptionsError whose message names `option`. */
export function expectInvalidOptions(error: unknown, option: string | RegExp): void {
  expect(error, `expected InvalidOptionsError, got ${String(error)}`).to.be.instanceOf(InvalidOptionsError);
  expect(isRxplowError(error)).to.be.true;
  expect((error as InvalidOptionsError).code).to.equal(OPTIONS_CODE);
  if (typeof option === 'string') expect((error as Error).message).to.contain(option);
  else expect((error as Error).message).to.match(option);
}

/** Expects `error` to be rxplow's InvalidEventError whose `field` is `field` (or matches it). */
export function expectInvalidEvent(error: unknown, field: string | RegExp): void {
  expect(
    error,
    `expected InvalidEventError, got ${error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : String(error)}`,
  ).to.be.instanceOf(InvalidEventError);
  const invalid = error as InvalidEventError;
  expect(invalid.code).to.equal(EVENT_CODE);
  if (typeof field === 'string') expect(invalid.field).to.equal(field);
  else expect(invalid.field).to.match(field);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Settles `promise` or gives up after `ms`: `{ done: false }` then, so a hang is an assertion, not a mocha timeout. */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ done: true; value: T; ms: number } | { done: false; ms: number }> {
  const start = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<{ done: false; ms: number }>((resolve) => (timer = setTimeout(() => resolve({ done: false, ms }), ms)));
  try {
    return await Promise.race([promise.then((value) => ({ done: true as const, value, ms: Date.now() - start })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `condition` holds (polling every 2 ms), or rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(2);
  }
}

/** A payload without `stm` (which each attempt sets), to compare what GET and POST carried. */
export function withoutStm(payload: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { stm: _stm, ...rest } = payload;
  return rest;
}
