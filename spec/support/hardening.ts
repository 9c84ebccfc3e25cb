// Shared by the hardening specs (issue 9), in Node and in the browser. Imports ONLY the public entry, so it keeps
// working while the internals move: an outcome log, the conservation law, and small assertion helpers.
import { expect } from 'chai';
import { InvalidEventError, InvalidOptionsError, isRxplowError, MAX_DURATION_MS } from '../../src/index.js';

/** A lone high surrogate (the first half of 😀): what `.slice(0, n)` leaves when it cuts through an emoji. */
export const LONE_HIGH = '😀'.slice(0, 1);
/** A lone low surrogate (the second half of 😀). */
export const LONE_LOW = '😀'.slice(1);
/** U+FFFD REPLACEMENT CHARACTER: what TextEncoder writes for a lone surrogate. */
export const FFFD = '\uFFFD';
/** The largest delay a JS timer honours: 2^31 − 1 ms. */
export const MAX_TIMER_MS = MAX_DURATION_MS;

/** The `code` of an InvalidOptionsError / InvalidEventError, read from the class (no literal to go stale). */
export const OPTIONS_CODE: string = new InvalidOptionsError('x', 'y').code;
export const EVENT_CODE: string = new InvalidEventError('x', 'y').code;

export { expectConservation, isFinal, OutcomeLog } from './conservation.js';

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
