// The sinks of one tracker: connected to its admissions, their outcomes merged, flushed and shut down together, and
// every shutdown bounded by its deadline, whatever a sink does.
import { diagnostic } from '../diagnostics.js';
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

/** `call()`'s promise, or `fallback` when it throws or rejects. */
function settle<T>(call: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return Promise.resolve(call()).catch(() => fallback);
  } catch {
    return Promise.resolve(fallback);
  }
}

/** The sinks of one tracker. */
export interface SinkSet {
  /** Every sink's outcomes, the ones added later included. Hot: no replay. */
  readonly outcomes: Observable<DeliveryOutcome>;
  /** How many sinks there are. */
  readonly size: number;
  /** @throws {InvalidOptionsError} when `sink` is not a sink, or (from the sink) when it serves another tracker. */
  add(sink: Sink): void;
  /** Resolves when every sink's flush settled. Never rejects, even for a custom sink that throws or rejects. */
  flush(): Promise<void>;
  /**
   * Shuts every sink down and sums their reports. At `timeoutMs` (on the scheduler, then one turn of the event loop
   * for the sinks' own deadline work to settle) a sink whose shutdown has not settled is abandoned: named in
   * `abandonedSinks`, no longer awaited. Idempotent; never rejects.
   * @throws {InvalidOptionsError} at the call for a bad `timeoutMs`.
   */
  shutdown(options?: ShutdownOptions): Promise<ShutdownReport>;
}

export function sinkSet(admissions: Observable<Admission>, scheduler: SchedulerLike): SinkSet {
  const sinks: Sink[] = [];
  const added = new Subject<Sink>();
  let done: Promise<ShutdownReport> | undefined;
  return {
    // The sinks known at subscription, then each new one.
    outcomes: new Observable<DeliveryOutcome>((subscriber) =>
      merge(...sinks.map((sink) => sink.outcomes), added.pipe(mergeMap((sink) => sink.outcomes))).subscribe(subscriber),
    ),
    get size() {
      return sinks.length;
    },
    add(sink) {
      if (typeof (sink as Partial<Sink> | null)?.connect !== 'function') throw new InvalidOptionsError('emitters', diagnostic(303));
      if (sinks.includes(sink)) return;
      // Never unsubscribed: after shutdown a sink still reports each late event (`dropped`, `shutdown`).
      sink.connect(admissions);
      sinks.push(sink);
      added.next(sink);
    },
    async flush() {
      await Promise.all(sinks.map((sink) => settle(() => sink.flush(), undefined)));
    },
    shutdown(options = {}) {
      const timeoutMs = checkShutdownTimeout(options?.timeoutMs);
      if (done) return done;
      const names = sinks.map((sink) => String(sink.name));
      let stop = (): void => undefined;
      // The sinks first: their own deadline timers (same duration, same scheduler) are then due before the tracker's.
      const shutdowns = sinks.map((sink) => settle(() => sink.shutdown(options), NO_REPORT));
      // Resolves to undefined at the deadline; never without one.
      const deadline = new Promise<undefined>((resolve) => {
        if (timeoutMs === Infinity) return;
        const action = scheduler.schedule(() => void nextTurn(scheduler).then(() => resolve(undefined)), timeoutMs);
        stop = () => action.unsubscribe();
      });
      const reports = shutdowns.map((shutdown) => Promise.race([shutdown, deadline]));
      return (done = Promise.all(reports).then((results) => {
        stop();
        const total = { sent: 0, failed: 0, dropped: 0, abandoned: 0 };
        const abandonedSinks = names.filter((_, i) => results[i] === undefined);
        for (const r of results) if (r) for (const key in total) total[key as keyof DeliveryReport] += r[key as keyof DeliveryReport];
        return abandonedSinks.length === 0 ? total : { ...total, abandonedSinks };
      }));
    },
  };
}

/**
 * Resolves after the microtasks queued now have run (a sink that aborts at its own deadline settles within them,
 * even when a virtual clock ran both deadlines at once): a message through a MessageChannel, no clock; without one,
 * a 0 ms timer of `scheduler`.
 */
function nextTurn(scheduler: SchedulerLike): Promise<void> {
  return new Promise((resolve) => {
    if (typeof MessageChannel !== 'function') return void scheduler.schedule(resolve, 0);
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(0);
  });
}
