/**
 * Every error rxplow creates. Each has a literal `name` and `code`, so callers can switch on `code`
 * and {@link isRxplowError} works across realms and duplicate package copies, where `instanceof` does not.
 */
export type RxplowErrorCode = 'invalid-event' | 'invalid-options' | 'http-status' | 'network' | 'timeout' | 'aborted' | 'unexpected';

/** The base class of every rxplow error: switch on `code`, recognise with {@link isRxplowError}. */
export abstract class RxplowError extends Error {
  /** What kind of error this is. */
  abstract readonly code: RxplowErrorCode;
  /** Always `true`: lets {@link isRxplowError} recognise errors from another copy of rxplow. */
  readonly isRxplowError = true as const;
}

/**
 * Thrown by a track method (or reported as a `dropped` outcome for events fed through `tracker.input`)
 * when the event cannot be turned into a valid payload: a missing required field, a malformed Iglu URI,
 * a non-finite number, or data that cannot be serialised to JSON.
 */
export class InvalidEventError extends RxplowError {
  override readonly name = 'InvalidEventError';
  readonly code = 'invalid-event';
  /** Where the problem is, e.g. `pageUrl` or `context[0].data.size`. */
  readonly field: string;
  /** What is wrong there. */
  readonly problem: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
    this.problem = problem;
  }
}

/** Thrown by a constructor (`Tracker`, `Emitter`) given options it cannot work with. */
export class InvalidOptionsError extends RxplowError {
  override readonly name = 'InvalidOptionsError';
  readonly code = 'invalid-options';
  /** The option at fault, e.g. `bufferSize`. */
  readonly option: string;
  constructor(option: string, problem: string) {
    super(`${option}: ${problem}`);
    this.option = option;
  }
}

/** True for every error created by rxplow, also across realms. */
export function isRxplowError(value: unknown): value is RxplowError {
  return value instanceof RxplowError || (value as { isRxplowError?: unknown } | null)?.isRxplowError === true;
}

/** The collector answered with a status that is not a success. */
export class HttpStatusError extends RxplowError {
  override readonly name = 'HttpStatusError';
  readonly code = 'http-status';
  constructor(
    /** The HTTP status. */
    readonly status: number,
    /** The request URL. */
    readonly url: string,
  ) {
    super(`collector answered ${status} at ${url}`);
  }
}

/** The request failed before a response: connection refused or reset, DNS, CORS, offline. */
export class NetworkError extends RxplowError {
  override readonly name = 'NetworkError';
  readonly code = 'network';
  constructor(
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(`request to ${url} failed: ${describeCause(options?.cause)}`, options);
  }
}

/** No complete response within the per-attempt `timeoutMs`. */
export class TimeoutError extends RxplowError {
  override readonly name = 'TimeoutError';
  readonly code = 'timeout';
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`no response from ${url} within ${timeoutMs} ms`);
  }
}

/** The request or its retries were cut short by `shutdown()` at its deadline. */
export class AbortedError extends RxplowError {
  override readonly name = 'AbortedError';
  readonly code = 'aborted';
  constructor(reason: string) {
    super(reason);
  }
}

function describeCause(cause: unknown): string {
  try {
    return describe(cause);
  } catch {
    return 'an unprintable error';
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as { cause?: unknown }).cause;
    const code = (inner as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}

/**
 * Something threw where nothing should (a bug in rxplow, a hostile `transport`, an event filter or a global-context
 * generator that threw). The events concerned are `dropped` with reason `error` and this error; the emitter goes on.
 */
export class UnexpectedError extends RxplowError {
  override readonly name = 'UnexpectedError';
  readonly code = 'unexpected';
  constructor(where: string, cause: unknown) {
    super(`${where}: ${describeCause(cause)}`, { cause });
  }
}
