// Option checks shared by the queue emitter and the worker: the same rules and messages as the HTTP emitter's.
import { asyncScheduler } from 'rxjs';
import { EMITTER_DEFAULTS, type ResolvedRetryOptions, type RetryOptions } from '../emitter/options.js';
import * as c from '../payload/checks.js';

export { duration, jitterRandom as randomOf, retryOption as retry, schedulerOption as scheduler } from '../emitter/option-checks.js';

export const positiveInteger = c.optional(c.positiveInteger);

/** A Redis key (or group or consumer name): a non-empty string. */
export const key = (value: unknown, field: string): string =>
  c.string(value, field) !== '' ? (value as string) : c.reject(field, 'expected a non-empty Redis key');

export const client = <T>(value: unknown, field: string): T =>
  typeof (value as { sendCommand?: unknown } | null)?.sendCommand === 'function'
    ? (value as T)
    : c.reject(field, 'expected a connected node-redis client (createClient() from the `redis` package)');

/** Retry options over `defaults` (the HTTP emitter's policy type, so `decide` and `backoff` apply unchanged). */
export function resolveRetry(input: number | RetryOptions | undefined, defaults: Partial<ResolvedRetryOptions>): ResolvedRetryOptions {
  const given = typeof input === 'number' ? { limit: input } : (input ?? {});
  const out: Record<string, unknown> = { ...EMITTER_DEFAULTS.retry, ...defaults };
  for (const [name, value] of Object.entries(given)) if (value !== undefined) out[name] = value;
  return Object.freeze(out) as ResolvedRetryOptions;
}

export const defaultScheduler = asyncScheduler;
