import { diagnostic } from '../diagnostics.js';
import { InvalidOptionsError } from '../errors.js';

/** The longest delay a JS timer can wait (2^31 − 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_DURATION_MS = 2_147_483_647;

/** `shutdown()`'s default deadline, in ms. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** `shutdown()`'s deadline, validated at the call: an integer in [0, 2^31 − 1] ms, or `Infinity` for none. */
export function checkShutdownTimeout(timeoutMs: unknown): number {
  if (timeoutMs === undefined) return DEFAULT_SHUTDOWN_TIMEOUT_MS;
  if (timeoutMs === Infinity) return Infinity;
  if (typeof timeoutMs === 'number' && Number.isInteger(timeoutMs) && timeoutMs >= 0 && timeoutMs <= MAX_DURATION_MS) return timeoutMs;
  throw new InvalidOptionsError('timeoutMs', diagnostic(412, MAX_DURATION_MS, timeoutMs));
}
