// A sink loaded on demand: the browser tracker's delivery stack (the outbox and the emitter under it, src/browser/outbox/,
// src/emitter/) is a chunk of its own, loaded with import() as the tracker is created (ky's chunk alongside), never on
// the first send's path; so is the Angular server's emitter (src/angular/provide.ts). Until the sink arrives, this one
// holds the events in order (and, for the outbox, writes them under the tab's key in the outbox's stored format:
// outbox/early.ts); when it arrives, it takes the held events, then the live ones, and its outcomes are this sink's.
// Every event still ends in exactly one final outcome here.
import {
  concat,
  firstValueFrom,
  from,
  map,
  NEVER,
  race,
  ReplaySubject,
  Subject,
  take,
  timer,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { diagnostic } from '../diagnostics.js';
import { dropped } from '../emitter/abandon.js';
import { checkShutdownTimeout } from '../emitter/durations.js';
import { countFinal, type DeliveryOutcome, type DeliveryReport, type ShutdownOptions } from '../emitter/outcome.js';
import type { AcceptedEvent, Admission, Sink } from '../emitter/sink.js';
import { AbortedError, InvalidOptionsError } from '../errors.js';
import type { Payload } from '../payload/payload.js';
import type { EarlyHandlers } from './outbox/early.js';

/** The sink that arrives: any sink, and what the outbox adds. */
export interface ArrivingSink extends Sink {
  /** Resolves once it is ready (the outbox: its key owned, earlier pages' events adopted). */
  readonly ready?: Promise<void>;
  /** The page was hidden before it arrived: it drains as it would have at the hide (the outbox). */
  drainForUnload?(): Promise<void>;
}

/** What keeps the held events beyond this page's memory until the sink arrives (the outbox's early key). */
export interface EarlyStore {
  /** Keeps an accepted event. */
  add(payload: Payload, now: number): void;
  /** The sink arrived: it takes over. */
  handOver(): void;
  /** This sink ended before the other arrived: what is kept stays kept. */
  end(): void;
}

/** How a {@link DeferredSink} is made. */
export interface DeferredSinkParts<S extends ArrivingSink> {
  /** The sink's name (the arriving sink's: for an emitter, its method and URL). */
  readonly name: string;
  /** The clock of the deadlines (`flush`'s wait, `shutdown`'s `timeoutMs`). */
  readonly scheduler: SchedulerLike;
  /** How long `flush()` waits for the sink to arrive: the emitter's per-attempt timeout. */
  readonly waitMs: number;
  /**
   * Loads the sink's chunk (`import()`) and resolves to what makes the sink, called only when this one has not ended
   * meanwhile; called again after a failed load, when this sink next needs it.
   */
  readonly load: () => Promise<() => S>;
  /** What keeps the held events until the sink arrives, told of the page's lifecycle. Default: memory only. */
  readonly early?: ((page: EarlyHandlers) => EarlyStore) | undefined;
}

/** A sink until, and after, the sink it stands for arrives (see the module comment). */
export class DeferredSink<S extends ArrivingSink> implements Sink {
  readonly name: string;
  readonly outcomes: Observable<DeliveryOutcome>;
  /** Resolves once the sink has arrived and is ready (the outbox: its key owned, earlier pages' events adopted). Never rejects. */
  readonly ready: Promise<void>;

  private readonly parts: DeferredSinkParts<S>;
  private readonly emitted = new Subject<DeliveryOutcome>();
  /** The sink, once it arrived; completes without one when this sink ended first. */
  private readonly arrived = new ReplaySubject<S>(1);
  /** Live admissions once the sink is connected. */
  private readonly intake = new Subject<Admission>();
  /** Accepted events admitted before the sink arrived, in order. */
  private readonly held: AcceptedEvent[] = [];
  /** Final outcomes given here, not by the sink (rejected events, events after shutdown began, abandoned ones). */
  private readonly counts = { sent: 0, failed: 0, dropped: 0, abandoned: 0 };
  private readonly early: EarlyStore | undefined;
  private target: S | undefined;
  private loading = false;
  private connected = false;
  private hidden = false;
  /** Shutdown began before the sink arrived: later events are `dropped` (`shutdown`) here. */
  private closing = false;
  /** This sink ended without the other: nothing more is loaded. */
  private ended = false;
  private ending: Promise<DeliveryReport> | undefined;

  constructor(parts: DeferredSinkParts<S>) {
    this.parts = parts;
    this.name = parts.name;
    this.outcomes = this.emitted.asObservable();
    this.ready = firstValueFrom(this.arrived, { defaultValue: undefined }).then((target) => target?.ready);
    this.early = parts.early?.({
      hidden: () => {
        this.hidden = true;
        this.load();
      },
      shown: () => void (this.hidden = false),
      online: () => this.load(),
    });
    this.load();
  }

  /** @throws {InvalidOptionsError} when it is already connected (a sink serves one tracker). */
  connect(admissions: Observable<Admission>): Subscription {
    if (this.connected) throw new InvalidOptionsError('emitters', diagnostic(413, this.name));
    this.connected = true;
    if (this.target) this.connectTarget(this.target);
    return admissions.subscribe((admission) => this.admit(admission));
  }

  /** Once the sink is here, its flush; before, waits for it (at most `waitMs`: the emitter's timeout), then flushes it. */
  flush(): Promise<void> {
    if (this.target) return this.target.flush();
    this.load();
    // Not here in time, or this sink ended: the events stay held (and stored) for a later flush or load.
    return firstValueFrom(this.arrival(this.parts.waitMs), { defaultValue: undefined }).then((target) => target?.flush());
  }

  /**
   * Once the sink is here, its shutdown. Before, waits for it within `timeoutMs`: when it arrives in time it takes
   * the held events and shuts down with what is left of the deadline; at the deadline the held events are `dropped`
   * (`abandoned`) and, for the outbox, stay stored, untouched, for the next load (as the outbox leaves events it kept).
   * @throws {InvalidOptionsError} at the call for a bad `timeoutMs`.
   */
  shutdown(options: ShutdownOptions = {}): Promise<DeliveryReport> {
    const timeoutMs = checkShutdownTimeout(options?.timeoutMs);
    if (this.ending) return this.ending;
    if (this.target) return (this.ending = this.target.shutdown(options).then((report) => this.withOwn(report)));
    this.closing = true;
    this.load();
    const { scheduler } = this.parts;
    const start = scheduler.now();
    this.ending = new Promise((resolve) => {
      // Settled in the timer's own callback at the deadline, as the emitter's shutdown is: no sink may arrive after.
      this.arrival(timeoutMs)
        .pipe(take(1))
        .subscribe((target) => {
          if (target === undefined) return resolve(this.abandon(timeoutMs));
          // What is left of the deadline, less a millisecond: the sink's own deadline is then due before the
          // tracker's (scheduled at the same call, after this sink's), which stops waiting for its sinks at its own.
          const left = timeoutMs === Infinity ? Infinity : Math.max(0, timeoutMs - (scheduler.now() - start) - 1);
          resolve(target.shutdown({ timeoutMs: left }).then((report) => this.withOwn(report)));
        });
    });
    return this.ending;
  }

  /** The sink when it arrives, or `undefined` after `ms` on the scheduler (never with `Infinity`). */
  private arrival(ms: number): Observable<S | undefined> {
    return race(this.arrived, ms === Infinity ? NEVER : timer(ms, this.parts.scheduler).pipe(map(() => undefined)));
  }

  private admit(admission: Admission): void {
    try {
      if (this.target) return this.intake.next(admission);
      if (admission.kind === 'rejected') {
        // As the emitter does at once: nothing to deliver, so nothing waits for the sink.
        const events = admission.payload ? [admission.payload] : [];
        return this.publish(dropped(this.name, admission.reason, events, admission.error));
      }
      if (this.closing) return this.publish(dropped(this.name, 'shutdown', [admission.payload], undefined));
      this.held.push(admission);
      this.early?.add(admission.payload, this.parts.scheduler.now());
      this.load(); // after a failed load, the next event tries again
    } catch {
      // Nothing above throws (the sink's own admission catches what it meets): no throw reaches the tracker.
    }
  }

  /** Starts loading the sink's chunk, unless it is here, loading, or this sink ended. A failed load is tried again on the next need. */
  private load(): void {
    if (this.target || this.loading || this.ended) return;
    this.loading = true;
    this.parts.load().then(
      (make) => {
        this.loading = false;
        this.arrive(make);
      },
      () => {
        // The chunk could not be loaded (offline, a deploy replaced it): the events stay held and stored.
        this.loading = false;
      },
    );
  }

  /** The sink arrived: it takes the held events, then the live ones (the outbox: this tab's id, key and lock too). */
  private arrive(make: () => S): void {
    if (this.target || this.ended) return;
    let target: S;
    try {
      target = make();
    } catch {
      return; // a broken chunk: the events stay held (and stored); the next need loads again
    }
    this.target = target;
    this.early?.handOver();
    target.outcomes.subscribe((outcome) => this.emitted.next(outcome));
    if (this.connected) this.connectTarget(target);
    // The page was hidden meanwhile: the outbox drains at once, as it would have at the hide.
    if (this.hidden) void target.drainForUnload?.();
    this.arrived.next(target);
  }

  private connectTarget(target: S): void {
    target.connect(concat(from(this.held.splice(0)), this.intake));
  }

  /** The deadline passed before the sink arrived: the held events are `dropped` (`abandoned`) (and stay stored). */
  private abandon(timeoutMs: number): DeliveryReport {
    this.ended = true;
    this.early?.end();
    const held = this.held.splice(0).map((admission) => admission.payload);
    if (held.length > 0) {
      const error = new AbortedError(`shutdown deadline of ${timeoutMs} ms reached before the sink arrived`);
      this.publish(dropped(this.name, 'abandoned', held, error));
    }
    this.arrived.complete();
    return { ...this.counts };
  }

  private publish(outcome: DeliveryOutcome): void {
    countFinal(this.counts, outcome);
    this.emitted.next(outcome);
  }

  /** The sink's report with the outcomes given here added. */
  private withOwn(report: DeliveryReport): DeliveryReport {
    const total = { ...report };
    for (const key in this.counts) total[key as keyof DeliveryReport] += this.counts[key as keyof DeliveryReport];
    return total;
  }
}
