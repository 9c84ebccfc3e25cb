// The browser tracker's sink as the page's first load has it: the outbox and the emitter under it (src/browser/outbox/,
// src/emitter/) are an on-demand chunk, loaded with import() as the tracker is created (ky's chunk alongside), never on
// the first send's path. Until the outbox arrives, this sink holds the events in order and writes them under the tab's
// key in the outbox's stored format (outbox/early.ts); when it arrives, the outbox takes the held events, then the
// live ones, and its outcomes are this sink's. Every event still ends in exactly one final outcome here.
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
  type Subscription,
} from 'rxjs';
import { diagnostic } from '../diagnostics.js';
import { dropped } from '../emitter/abandon.js';
import { checkShutdownTimeout } from '../emitter/durations.js';
import { countFinal, type DeliveryOutcome, type DeliveryReport, type ShutdownOptions } from '../emitter/outcome.js';
import type { AcceptedEvent, Admission, Sink } from '../emitter/sink.js';
import { AbortedError, InvalidOptionsError } from '../errors.js';
import { EarlyKey } from './outbox/early.js';
import type { BrowserOutbox } from './outbox/outbox.js';
import type { ResolvedOutboxOptions } from './outbox/options.js';

/** What the on-demand chunk gives: the outbox. */
export interface OutboxModule {
  readonly BrowserOutbox: new (options: ResolvedOutboxOptions) => BrowserOutbox;
}

/** How a {@link DeferredOutbox} is made: the checked options, and how the outbox is loaded. */
export interface DeferredOutboxParts {
  /** The outbox's options, checked and resolved (the inner emitter's checked too) when the tracker is created. */
  readonly options: ResolvedOutboxOptions;
  /** The sink's name (the inner emitter's: method and URL). */
  readonly name: string;
  /** How long `flush()` waits for the outbox to arrive: the emitter's per-attempt timeout. */
  readonly waitMs: number;
  /** Loads the outbox's chunk (`import()`); called again after a failed load, when the sink next needs it. */
  readonly load: () => Promise<OutboxModule>;
}

/** The browser tracker's own sink until, and after, its outbox arrives (see the module comment). */
export class DeferredOutbox implements Sink {
  readonly name: string;
  readonly outcomes: Observable<DeliveryOutcome>;
  /** Resolves once the outbox has arrived and is ready (its key owned, earlier pages' events adopted). Never rejects. */
  readonly ready: Promise<void>;

  private readonly parts: DeferredOutboxParts;
  private readonly emitted = new Subject<DeliveryOutcome>();
  /** The outbox, once it arrived; completes without one when this sink ended first. */
  private readonly arrived = new ReplaySubject<BrowserOutbox>(1);
  /** Live admissions once the outbox is connected. */
  private readonly intake = new Subject<Admission>();
  /** Accepted events admitted before the outbox arrived, in order. */
  private readonly held: AcceptedEvent[] = [];
  /** Final outcomes given here, not by the outbox (rejected events, events after shutdown began, abandoned ones). */
  private readonly counts = { sent: 0, failed: 0, dropped: 0, abandoned: 0 };
  private readonly early: EarlyKey;
  private outbox: BrowserOutbox | undefined;
  private loading = false;
  private connected = false;
  private hidden = false;
  /** Shutdown began before the outbox arrived: later events are `dropped` (`shutdown`) here. */
  private closing = false;
  /** This sink ended without its outbox: nothing more is loaded. */
  private ended = false;
  private ending: Promise<DeliveryReport> | undefined;

  constructor(parts: DeferredOutboxParts) {
    this.parts = parts;
    this.name = parts.name;
    this.outcomes = this.emitted.asObservable();
    this.ready = firstValueFrom(this.arrived, { defaultValue: undefined }).then((outbox) => outbox?.ready);
    this.early = new EarlyKey(parts.options, parts.name, {
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
    if (this.outbox) this.connectOutbox(this.outbox);
    return admissions.subscribe((admission) => this.admit(admission));
  }

  /** Once the outbox is here, its flush; before, waits for it (at most the emitter's timeout), then flushes it. */
  flush(): Promise<void> {
    if (this.outbox) return this.outbox.flush();
    this.load();
    // Not here in time, or this sink ended: the events stay held (and stored) for a later flush or load.
    return firstValueFrom(this.arrival(this.parts.waitMs), { defaultValue: undefined }).then((outbox) => outbox?.flush());
  }

  /**
   * Once the outbox is here, its shutdown. Before, waits for it within `timeoutMs`: when it arrives in time it takes
   * the held events and shuts down with what is left of the deadline; at the deadline the held events are `dropped`
   * (`abandoned`) and stay stored, untouched, for the next load (as the outbox leaves events it kept).
   * @throws {InvalidOptionsError} at the call for a bad `timeoutMs`.
   */
  shutdown(options: ShutdownOptions = {}): Promise<DeliveryReport> {
    const timeoutMs = checkShutdownTimeout(options?.timeoutMs);
    if (this.ending) return this.ending;
    if (this.outbox) return (this.ending = this.outbox.shutdown(options).then((report) => this.withOwn(report)));
    this.closing = true;
    this.load();
    const { scheduler } = this.parts.options;
    const start = scheduler.now();
    this.ending = new Promise((resolve) => {
      // Settled in the timer's own callback at the deadline, as the emitter's shutdown is: no outbox may arrive after.
      this.arrival(timeoutMs)
        .pipe(take(1))
        .subscribe((outbox) => {
          if (outbox === undefined) return resolve(this.abandon(timeoutMs));
          // What is left of the deadline, less a millisecond: the outbox's own deadline is then due before the
          // tracker's (scheduled at the same call, after this sink's), which stops waiting for its sinks at its own.
          const left = timeoutMs === Infinity ? Infinity : Math.max(0, timeoutMs - (scheduler.now() - start) - 1);
          resolve(outbox.shutdown({ timeoutMs: left }).then((report) => this.withOwn(report)));
        });
    });
    return this.ending;
  }

  /** The outbox when it arrives, or `undefined` after `ms` on the scheduler (never with `Infinity`). */
  private arrival(ms: number): Observable<BrowserOutbox | undefined> {
    return race(this.arrived, ms === Infinity ? NEVER : timer(ms, this.parts.options.scheduler).pipe(map(() => undefined)));
  }

  private admit(admission: Admission): void {
    try {
      if (this.outbox) return this.intake.next(admission);
      if (admission.kind === 'rejected') {
        // As the emitter does at once: nothing to deliver, so nothing waits for the outbox.
        const events = admission.payload ? [admission.payload] : [];
        return this.publish(dropped(this.name, admission.reason, events, admission.error));
      }
      if (this.closing) return this.publish(dropped(this.name, 'shutdown', [admission.payload], undefined));
      this.held.push(admission);
      this.early.add(admission.payload, this.parts.options.scheduler.now());
      this.load(); // after a failed load, the next event tries again
    } catch {
      // Nothing above throws (the outbox's own admission catches what it meets): no throw reaches the tracker.
    }
  }

  /** Starts loading the outbox's chunk, unless it is here, loading, or this sink ended. A failed load is tried again on the next need. */
  private load(): void {
    if (this.outbox || this.loading || this.ended) return;
    this.loading = true;
    this.parts.load().then(
      (module) => {
        this.loading = false;
        this.arrive(module);
      },
      () => {
        // The chunk could not be loaded (offline, a deploy replaced it): the events stay held and stored.
        this.loading = false;
      },
    );
  }

  /** The outbox arrived: it takes this tab's id, key and lock, then the held events, then the live ones. */
  private arrive(module: OutboxModule): void {
    if (this.outbox || this.ended) return;
    let outbox: BrowserOutbox;
    try {
      outbox = new module.BrowserOutbox({ ...this.parts.options, tab: { id: this.early.tabId, lock: this.early.lock } });
    } catch {
      return; // a broken chunk: the events stay held and stored; the next need loads again
    }
    this.outbox = outbox;
    this.early.handOver();
    outbox.outcomes.subscribe((outcome) => this.emitted.next(outcome));
    if (this.connected) this.connectOutbox(outbox);
    // The page was hidden meanwhile: the outbox drains at once, as it would have at the hide.
    if (this.hidden) void outbox.drainForUnload();
    this.arrived.next(outbox);
  }

  private connectOutbox(outbox: BrowserOutbox): void {
    outbox.connect(concat(from(this.held.splice(0)), this.intake));
  }

  /** The deadline passed before the outbox arrived: the held events are `dropped` (`abandoned`) and stay stored. */
  private abandon(timeoutMs: number): DeliveryReport {
    this.ended = true;
    this.early.end();
    const held = this.held.splice(0).map((admission) => admission.payload);
    if (held.length > 0) {
      const error = new AbortedError(`shutdown deadline of ${timeoutMs} ms reached before the outbox arrived`);
      this.publish(dropped(this.name, 'abandoned', held, error));
    }
    this.arrived.complete();
    return { ...this.counts };
  }

  private publish(outcome: DeliveryOutcome): void {
    countFinal(this.counts, outcome);
    this.emitted.next(outcome);
  }

  /** The outbox's report with the outcomes given here added. */
  private withOwn(report: DeliveryReport): DeliveryReport {
    const total = { ...report };
    for (const key in this.counts) total[key as keyof DeliveryReport] += this.counts[key as keyof DeliveryReport];
    return total;
  }
}
