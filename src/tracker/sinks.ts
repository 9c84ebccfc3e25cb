// The sinks of one tracker: connected to its admissions, their outcomes merged, flushed and shut down together, and
// every shutdown bounded by its deadline, whatever a sink does.
import { merge, mergeMap, Observable, Subject, type SchedulerLike } from 'rxjs';
import { checkShutdownTimeout } from '../emitter/durations.js';
import type { DeliveryOutcome, DeliveryReport, ShutdownOptions } from '../emitter/outcome.js';
import type { Admission, Sink } from '../emitter/sink.js';
import { InvalidOptionsError } from '../errors.js';

/** What `tracker.shutdown()` resolves to: the counts of final outcomes over every sink, and the sinks given up. */
export interface ShutdownReport extends DeliveryReport {
  /**
   * The names of the sinks whose own `shutdown()` had not settled at the deadline (a custom sink that hangs): the
   * tracker stopped waiting for them, and what they held is not counted. Present only when there is one.
   */
  readonly abandonedSinks?: readonly string[];
}

const NO_REPORT: DeliveryReport = Object.freeze({ sent: 0, failed: 0, dropped: 0, abandoned: 0 });
/** Marks a sink whose shutdown outlived the deadline. */
const ABANDONED = Symbol('abandoned');

/** `call()`'s promise, or `fallback` when it throws or rejects. */
function settle<T>(call: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return Promise.resolve(call()).catch(() => fallback);
  } catch {
    return Promise.resolve(fallback);
  }
}

export class SinkSet {
  /** Every sink's outcomes, the ones added later included. Hot: no replay. */
  readonly outcomes: Observable<DeliveryOutcome>;
  readonly #sinks: Sink[] = [];
  readonly #added = new Subject<Sink>();
  readonly #admissions: Observable<Admission>;
  readonly #scheduler: SchedulerLike;
  #shutdown: Promise<ShutdownReport> | undefined;

  constructor(admissions: Observable<Admission>, scheduler: SchedulerLike) {
    this.#admissions = admissions;
    this.#scheduler = scheduler;
    // The sinks known at subscription, then each new one.
    this.outcomes = new Observable<DeliveryOutcome>((subscriber) =>
      merge(...this.#sinks.map((sink) => sink.outcomes), this.#added.pipe(mergeMap((sink) => sink.outcomes))).subscribe(subscriber),
    );
  }

  /** @throws {InvalidOptionsError} when `sink` is not a sink, or (from the sink) when it serves another tracker. */
  add(sink: Sink): void {
    if (typeof (sink as Partial<Sink> | null)?.connect !== 'function')
      throw new InvalidOptionsError('emitters', 'expected Emitter instances (or other sinks)');
    if (this.#sinks.includes(sink)) return;
    sink.connect(this.#admissions);
    this.#sinks.push(sink);
    this.#added.next(sink);
  }

  /** Resolves when every sink's flush settled. Never rejects, even for a custom sink that throws or rejects. */
  async flush(): Promise<void> {
    await Promise.all(this.#sinks.map((sink) => settle(() => sink.flush(), undefined)));
  }

  /**
   * Shuts every sink down and sums their reports. At `timeoutMs` (on the scheduler, plus one turn for the sinks' own
   * deadline work to settle) a sink whose shutdown has not settled is abandoned: named in `abandonedSinks`, no
   * longer awaited. Idempotent; never rejects.
   * @throws {InvalidOptionsError} at the call for a bad `timeoutMs`.
   */
  shutdown(options: ShutdownOptions = {}): Promise<ShutdownReport> {
    const timeoutMs = checkShutdownTimeout(options?.timeoutMs);
    if (this.#shutdown) return this.#shutdown;
    const reports = this.#sinks.map((sink) => settle(() => sink.shutdown(options), NO_REPORT));
    let stop = (): void => undefined;
    const deadline =
      timeoutMs === Infinity
        ? new Promise<typeof ABANDONED>(() => undefined)
        : new Promise<typeof ABANDONED>((resolve) => {
            // After the deadline, one turn of the event loop: a sink that aborts at its own deadline (on this
            // scheduler or another) settles within it, even when a virtual clock ran both deadlines at once.
            const action = this.#scheduler.schedule(() => void nextTurn(this.#scheduler).then(() => resolve(ABANDONED)), timeoutMs);
            stop = () => action.unsubscribe();
          });
    this.#shutdown = Promise.all(reports.map((report) => Promise.race([report, deadline]))).then((results) => {
      stop();
      return sum(this.#sinks, results);
    });
    return this.#shutdown;
  }
}

/** Resolves after the microtasks queued now have run: a message through a MessageChannel (no clock), else a 0 ms timer of `scheduler`. */
function nextTurn(scheduler: SchedulerLike): Promise<void> {
  return new Promise((resolve) => {
    if (typeof MessageChannel !== 'function') {
      scheduler.schedule(() => resolve(), 0);
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}

function sum(sinks: readonly Sink[], results: readonly (DeliveryReport | typeof ABANDONED)[]): ShutdownReport {
  const total = { sent: 0, failed: 0, dropped: 0, abandoned: 0 };
  const abandonedSinks: string[] = [];
  results.forEach((r, i) => {
    if (r === ABANDONED) {
      abandonedSinks.push(String(sinks[i]!.name));
      return;
    }
    total.sent += r.sent;
    total.failed += r.failed;
    total.dropped += r.dropped;
    total.abandoned += r.abandoned;
  });
  return abandonedSinks.length === 0 ? total : { ...total, abandonedSinks };
}
