// Option checks shared by the queue emitter and the worker: the same rules and messages as the HTTP emitter's.
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { MAX_DURATION_MS } from '../emitter/durations.js';
import { EMITTER_DEFAULTS, type ResolvedRetryOptions, type RetryOptions } from '../emitter/options.js';
import * as c from '../payload/checks.js';

/** A duration in ms: an integer in [min, 2^31 − 1]. */
export const duration = (min: number): c.Check<number | undefined> =>
  c.optional((value, field) => {
    const ms = c.integer(value, field);
    return ms >= min && ms <= MAX_DURATION_MS
      ? ms
      : c.reject(field, `expected a duration in ms between ${min} and ${MAX_DURATION_MS}, got ${ms}`);
  });

export const positiveInteger = c.optional(c.positiveInteger);

/** A Redis key (or group or consumer name): a non-empty string. */
export const key = (value: unknown, field: string): string =>
  c.string(value, field) !== '' ? (value as string) : c.reject(field, 'expected a non-empty Redis key');

export const client = <T>(value: unknown, field: string): T =>
  typeof (value as { sendCommand?: unknown } | null)?.sendCommand === 'function'
    ? (value as T)
    : c.reject(field, 'expected a connected node-redis client (createClient() from the `redis` package)');

export const scheduler = c.optional((value, field) =>
  typeof (value as Partial<SchedulerLike> | null)?.schedule === 'function'
    ? (value as SchedulerLike)
    : c.reject(field, 'expected an RxJS scheduler'),
);

const statusList = c.optional(c.arrayOf(c.integer));
const RETRY_CHECKS: c.Checks<RetryOptions> = {
  limit: c.optional(c.nonNegativeInteger),
  baseDelayMs: duration(0),
  maxDelayMs: duration(0),
  maxAgeMs: duration(0),
  retryStatusCodes: statusList,
  dontRetryStatusCodes: statusList,
  jitter: c.optional((value, field) => (typeof value === 'function' ? (value as () => number) : c.boolean(value, field))),
};

export const retry = c.optional((value, field): number | RetryOptions =>
  typeof value === 'number' ? c.nonNegativeInteger(value, field) : c.objectOf(RETRY_CHECKS)(value, field),
);

/** Retry options over `defaults` (the HTTP emitter's policy type, so `decide` and `backoff` apply unchanged). */
export function resolveRetry(input: number | RetryOptions | undefined, defaults: Partial<ResolvedRetryOptions>): ResolvedRetryOptions {
  const given = typeof input === 'number' ? { limit: input } : (input ?? {});
  const out: Record<string, unknown> = { ...EMITTER_DEFAULTS.retry, ...defaults };
  for (const [name, value] of Object.entries(given)) if (value !== undefined) out[name] = value;
  return Object.freeze(out) as ResolvedRetryOptions;
}

export const randomOf = (retry: ResolvedRetryOptions): (() => number) =>
  retry.jitter === true ? Math.random : retry.jitter === false ? () => 0.999_999_999 : retry.jitter;

export const defaultScheduler = asyncScheduler;
