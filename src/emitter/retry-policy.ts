import type { DeliveryError } from './outcome.js';
import type { ResolvedRetryOptions } from './options.js';

/** What one attempt came to. */
export type AttemptResult =
  | { readonly kind: 'response'; readonly status: number; readonly retryAfter: string | null }
  /** `permanent`: no retry can fix it (a Redis `WRONGTYPE`, a syntax error). */
  | { readonly kind: 'error'; readonly error: DeliveryError; readonly permanent?: boolean | undefined };

/** What to do next with a batch. */
export type Decision =
  | { readonly kind: 'sent' }
  | { readonly kind: 'retry'; readonly delayMs: number }
  /** The collector said 413 to a batch of several events: send each half on its own. */
  | { readonly kind: 'split' }
  | { readonly kind: 'fail' };

export interface DecisionInput {
  readonly result: AttemptResult;
  /** The attempt that produced `result`, from 1. */
  readonly attempt: number;
  readonly batchSize: number;
  /** Time since the batch's first attempt, in ms. */
  readonly elapsedMs: number;
  /** Now, ms since the epoch (for HTTP-date `Retry-After`). */
  readonly now: number;
  /** A number in [0, 1) for jitter. */
  readonly random: number;
  readonly policy: ResolvedRetryOptions;
  readonly isSuccess: (status: number) => boolean;
}

/** The whole delivery decision after an attempt, as a pure function. */
export function decide(input: DecisionInput): Decision {
  const { result, attempt, policy } = input;
  if (result.kind === 'response') {
    if (input.isSuccess(result.status)) return { kind: 'sent' };
    if (result.status === 413 && input.batchSize > 1) return { kind: 'split' };
    if (!isRetryableStatus(result.status, policy)) return { kind: 'fail' };
  } else if (result.error.code === 'aborted' || result.permanent === true) {
    return { kind: 'fail' };
  }
  if (attempt > policy.limit) return { kind: 'fail' };
  const serverDelay = result.kind === 'response' ? parseRetryAfter(result.retryAfter, input.now) : undefined;
  const delayMs = Math.min(serverDelay ?? backoff(attempt, policy, input.random), policy.maxDelayMs);
  return input.elapsedMs + delayMs > policy.maxAgeMs ? { kind: 'fail' } : { kind: 'retry', delayMs };
}

/** 408, 429 and 5xx are worth another try; `retryStatusCodes` and `dontRetryStatusCodes` override, in that order. */
export function isRetryableStatus(
  status: number,
  policy: Pick<ResolvedRetryOptions, 'retryStatusCodes' | 'dontRetryStatusCodes'>,
): boolean {
  if (policy.retryStatusCodes.includes(status)) return true;
  if (policy.dontRetryStatusCodes.includes(status)) return false;
  return status === 408 || status === 429 || status >= 500;
}

/** Exponential backoff with jitter: `baseDelayMs · 2^(attempt−1)`, capped, then scaled into [½, 1) of itself. */
export function backoff(attempt: number, policy: Pick<ResolvedRetryOptions, 'baseDelayMs' | 'maxDelayMs'>, random: number): number {
  const exponential = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  return Math.round(exponential * (0.5 + random / 2));
}

const HTTP_DATE_START = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)/;

/** `Retry-After` as delay-seconds or an HTTP date, in ms from `now`; `undefined` when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only an HTTP date (every form starts with a day name): Date.parse reads "-1" or "1.5" as dates in 2001.
  if (!HTTP_DATE_START.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
