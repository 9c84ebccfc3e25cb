import { concat, defer, filter, map, mergeMap, Observable, of, Subject, timer, type Subscription, catchError } from 'rxjs';
import { AbortedError, HttpStatusError, isRxplowError, NetworkError, type InvalidEventError } from '../errors.js';
import { utf8ByteLength } from '../payload/base64.js';
import type { Payload } from '../payload/payload.js';
import { batchEvents, fitsAlone, splitToFit, type BatchLimits, type QueuedEvent } from './batch.js';
import { createKyTransport, type Transport } from './ky-transport.js';
import { PendingLedger } from './ledger.js';
import { resolveEmitterOptions, type EmitterOptions, type ResolvedEmitterOptions } from './options.js';
import type { DeliveryError, DeliveryOutcome, DeliveryReport, DropReason, FailedOutcome, RetryingOutcome, SentOutcome } from './outcome.js';
import { buildGetRequest, buildPostRequest, encodeForGet, eventsAsSent, POST_ENVELOPE_BYTES, postJsonBytes, STM_BYTES, type CollectorRequest } from './request.js';
import { decide, type AttemptResult, type Decision } from './retry-policy.js';

/** An outcome with the queued events it settles (internal). */
interface Settlement {
  readonly outcome: DeliveryOutcome;
  readonly items: readonly QueuedEvent[];
}

/** Test seams: a transport and a clock. Not part of the public API. */
export interface EmitterInternals {
  readonly transport?: Transport;
  readonly now?: () => number;
  readonly random?: () => number;
}

const GET_QUERY_OVERHEAD = '?stm=0000000000000&'.length;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Delivers the payloads of the trackers it is attached to to one collector: batching by count, bytes and time,
 * sending with retries, and reporting what happened to every event as Observables.
 */
export class Emitter {
  /** The emitter's name, as it appears in outcomes. */
  readonly name: string;
  /** Every outcome at this emitter: `sent`, `retrying`, `failed`, `dropped`. Hot: no replay. */
  readonly outcomes: Observable<DeliveryOutcome>;
  /** The `sent` outcomes. */
  readonly successes: Observable<SentOutcome>;
  /** What went wrong: `failed` and `retrying` outcomes (see `willRetry`), with the same shape for GET and POST. */
  readonly failures: Observable<FailedOutcome | RetryingOutcome>;

  readonly #options: ResolvedEmitterOptions;
  readonly #transport: Transport;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #limits: BatchLimits;
  readonly #postLimits: BatchLimits;
  readonly #intake = new Subject<QueuedEvent>();
  readonly #flushSignal = new Subject<void>();
  readonly #outcomes = new Subject<DeliveryOutcome>();
  readonly #ledger = new PendingLedger();
  readonly #pipeline: Subscription;
  readonly #counts = { sent: 0, failed: 0, dropped: 0, abandoned: 0 };
  #seq = 0;
  #shutdown: Promise<DeliveryReport> | undefined;
  #closed = false;

  /**
   * @param endpoint a collector host (`collector.example.com`, scheme from `protocol`) or a full http(s) URL.
   * @throws {InvalidOptionsError} for an unusable endpoint or option.
   */
  constructor(endpoint: string, options: EmitterOptions = {}, internals: EmitterInternals = {}) {
    const o = resolveEmitterOptions(endpoint, options);
    this.#options = o;
    this.name = o.name;
    this.#transport = internals.transport ?? createKyTransport({ timeoutMs: o.timeoutMs, fetch: o.fetch });
    this.#now = internals.now ?? (() => o.scheduler.now());
    this.#random = internals.random ?? Math.random;
    // POST batches are formed by count and time; bytes are checked on the request itself (see #fitToSize), so
    // track() never pays for measuring an event. A GET is one event: its size is known when it is queued.
    this.#limits =
      o.method === 'post'
        ? { maxEvents: o.bufferSize, maxBytes: Infinity, emptyBytes: 0 }
        : { maxEvents: 1, maxBytes: o.maxGetBytes, emptyBytes: o.url.length + GET_QUERY_OVERHEAD };
    this.#postLimits = { maxEvents: Infinity, maxBytes: o.maxPostBytes, emptyBytes: POST_ENVELOPE_BYTES };
    this.outcomes = this.#outcomes.asObservable();
    this.successes = this.outcomes.pipe(filter((x): x is SentOutcome => x.kind === 'sent'));
    this.failures = this.outcomes.pipe(filter((x): x is FailedOutcome | RetryingOutcome => x.kind === 'failed' || x.kind === 'retrying'));
    this.#pipeline = this.#intake
      .pipe(
        batchEvents({ limits: this.#limits, maxWaitMs: o.flushIntervalMs, flush: this.#flushSignal, scheduler: o.scheduler }),
        mergeMap((batch) => this.#deliver(batch), o.concurrency),
      )
      .subscribe((settlement) => this.#publish(settlement));
  }

  /** Connects a stream of payloads (a tracker's) to this emitter. Used by `Tracker`; returns the subscription. */
  attach(payloads: Observable<Payload>): Subscription {
    return payloads.subscribe((payload) => this.#accept(payload));
  }

  /** Resolves when every event accepted before the call has a final outcome here. Never rejects. */
  flush(): Promise<void> {
    const below = this.#seq;
    this.#flushSignal.next();
    return this.#ledger.whenSettledBelow(below);
  }

  /**
   * Stops intake (later events are `dropped`, reason `shutdown`), flushes, and at `timeoutMs` aborts requests in
   * flight and pending retries: their events are `dropped`, reason `abandoned`. Resolves to this emitter's counts.
   * No timer or request of this emitter is left afterwards. Idempotent; never rejects.
   */
  shutdown(options: { readonly timeoutMs?: number | undefined } = {}): Promise<DeliveryReport> {
    this.#shutdown ??= this.#shutDown(options.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
    return this.#shutdown;
  }

  /** Reports an event from `tracker.input` that could not be built. Used by `Tracker`. */
  dropInvalid(error: InvalidEventError): void {
    this.#publish({ outcome: this.#dropped('invalid', [], error), items: [] });
  }

  async #shutDown(timeoutMs: number): Promise<DeliveryReport> {
    this.#closed = true;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.flush(), new Promise<void>((resolve) => (deadline = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(deadline);
    this.#pipeline.unsubscribe();
    const left = this.#ledger.remaining();
    if (left.length > 0) {
      const error = new AbortedError(`shutdown deadline of ${timeoutMs} ms reached`);
      this.#publish({ outcome: this.#dropped('abandoned', left.map((item) => item.payload), error), items: left });
    }
    return { ...this.#counts };
  }

  #accept(payload: Payload): void {
    if (this.#closed) return this.#drop('shutdown', payload);
    if (this.#ledger.size >= this.#options.maxQueueSize) return this.#drop('queue-full', payload);
    let item: QueuedEvent;
    if (this.#options.method === 'post') {
      item = { seq: this.#seq++, payload, bytes: 0 };
    } else {
      const encoded = encodeForGet(payload);
      if (!fitsAlone(encoded.length, this.#limits)) return this.#drop('oversize', payload);
      item = { seq: this.#seq++, payload, encoded, bytes: encoded.length };
    }
    this.#ledger.add(item);
    this.#intake.next(item);
  }

  #drop(reason: DropReason, payload: Payload): void {
    this.#publish({ outcome: this.#dropped(reason, [payload], undefined), items: [] });
  }

  #dropped(reason: DropReason, events: readonly Payload[], error: InvalidEventError | AbortedError | undefined): DeliveryOutcome {
    return { kind: 'dropped', emitter: this.name, events, attempt: 0, willRetry: false, reason, error };
  }

  /** One batch's whole story: attempts, retries after backoff, 413 splits; one Settlement per outcome. */
  #deliver(batch: readonly QueuedEvent[]): Observable<Settlement> {
    const firstAttemptAt = this.#now();
    const attempt = (items: readonly QueuedEvent[], n: number): Observable<Settlement> =>
      defer(() => {
        const sentAt = this.#now();
        const events = eventsAsSent(items, sentAt);
        const request = this.#request(items, events, sentAt);
        if (request.body !== undefined && utf8ByteLength(request.body) > this.#options.maxPostBytes) return this.#fitToSize(items, n, attempt);
        return this.#transport(request).pipe(
          map((response): AttemptResult => ({ kind: 'response', status: response.status, retryAfter: response.retryAfter })),
          catchError((error: unknown) => of<AttemptResult>({ kind: 'error', error: toDeliveryError(error) })),
          mergeMap((result) => {
            const decision = this.#decide(result, n, items.length, firstAttemptAt);
            const base = { emitter: this.name, events, attempt: n };
            if (result.kind === 'response' && decision.kind === 'sent') {
              return of({ outcome: { ...base, kind: 'sent', status: result.status, willRetry: false } as const, items });
            }
            const status = result.kind === 'response' ? result.status : undefined;
            const error = result.kind === 'error' ? result.error : new HttpStatusError(result.status, this.#options.url);
            switch (decision.kind) {
              case 'split': {
                const half = Math.ceil(items.length / 2);
                // One half after the other: the split stays inside this batch's concurrency slot.
                return concat(attempt(items.slice(0, half), n + 1), attempt(items.slice(half), n + 1));
              }
              case 'retry':
                return concat(
                  of({ outcome: { ...base, kind: 'retrying', status, error, delayMs: decision.delayMs, willRetry: true } as const, items }),
                  timer(decision.delayMs, this.#options.scheduler).pipe(mergeMap(() => attempt(items, n + 1))),
                );
              default:
                return of({ outcome: { ...base, kind: 'failed', status, error, willRetry: false } as const, items });
            }
          }),
        );
      });
    return attempt(batch, 1);
  }

  /**
   * A POST body over `maxPostBytes`: cut the events into groups that fit, sent one after the other in this batch's
   * concurrency slot (as attempt `n`: none was sent yet); an event that cannot fit alone is `dropped` (`oversize`).
   */
  #fitToSize(items: readonly QueuedEvent[], n: number, attempt: (items: readonly QueuedEvent[], n: number) => Observable<Settlement>): Observable<Settlement> {
    const { groups, oversize } = splitToFit(items, (item) => postJsonBytes(item.payload) + STM_BYTES + 1, this.#postLimits);
    if (groups.length === 1 && oversize.length === 0) {
      // The sizes say it fits while the body said it does not (cannot happen while postJsonBytes is exact): halve,
      // so the recursion always makes progress.
      const half = Math.ceil(items.length / 2);
      return items.length === 1 ? of({ outcome: this.#dropped('oversize', [items[0]!.payload], undefined), items }) : concat(attempt(items.slice(0, half), n), attempt(items.slice(half), n));
    }
    const dropped = oversize.length === 0 ? [] : [of({ outcome: this.#dropped('oversize', oversize.map((item) => item.payload), undefined), items: oversize })];
    return concat(...dropped, ...groups.map((group) => attempt(group, n)));
  }

  /** `decide()` with this emitter's settings. A throwing user `isSuccess` counts as a failed attempt, not a crash. */
  #decide(result: AttemptResult, attempt: number, batchSize: number, firstAttemptAt: number): Decision {
    const { retry: policy, isSuccess } = this.#options;
    const now = this.#now();
    const input = { result, attempt, batchSize, elapsedMs: now - firstAttemptAt, now, random: this.#random(), policy, isSuccess };
    try {
      return decide(input);
    } catch {
      return decide({ ...input, isSuccess: () => false });
    }
  }

  #request(items: readonly QueuedEvent[], events: readonly Payload[], sentAt: number): CollectorRequest {
    const { method, url, headers } = this.#options;
    return method === 'post' ? buildPostRequest(url, headers, events) : buildGetRequest(url, headers, items[0]!, sentAt);
  }

  #publish({ outcome, items }: Settlement): void {
    if (outcome.kind !== 'retrying') {
      const counted = outcome.kind === 'dropped' && outcome.reason === 'abandoned' ? 'abandoned' : outcome.kind;
      this.#counts[counted] += outcome.kind === 'dropped' && outcome.reason === 'invalid' ? 1 : outcome.events.length;
      this.#ledger.settle(items);
    }
    this.#outcomes.next(outcome);
  }
}

function toDeliveryError(error: unknown): DeliveryError {
  if (isRxplowError(error) && (error.code === 'network' || error.code === 'timeout' || error.code === 'aborted')) return error as DeliveryError;
  return new NetworkError('(transport)', { cause: error });
}
