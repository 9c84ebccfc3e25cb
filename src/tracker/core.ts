import { diagnostic } from '../diagnostics.js';
import { filter, map, Subject, type Observable, type Observer } from 'rxjs';
import type { DeliveryOutcome, ShutdownOptions } from '../emitter/outcome.js';
import type { Admission, Sink } from '../emitter/sink.js';
import { InvalidEventError, InvalidOptionsError } from '../errors.js';
import { buildWireEvents, type EventDefinition } from '../events/definition.js';
import type { TrackerEvent } from '../events/registry.js';
import { checkFields } from '../payload/checks.js';
import type { Payload } from '../payload/payload.js';
import type { EntitySnapshot } from '../payload/self-describing-json.js';
import { admissionOf, definitionFor } from './admit.js';
import { assemblePayloads } from './assemble.js';
import { eventFieldsEnricher, globalContextsEnricher, runEnrichers, type Enricher, type EnrichmentFailure } from './enrich.js';
import { toGlobalContextRule, type GlobalContext, type GlobalContextRule } from './global-contexts.js';
import {
  resolveTrackerOptions,
  TRACK_OPTION_CHECKS,
  type ResolvedTrackerOptions,
  type TrackerOptions,
  type TrackOptions,
} from './options.js';
import { NO_SCOPE, resolveScope, type ResolvedScope, type TrackerScope, type TrackerView } from './scope.js';
import { sinkSet, type ShutdownReport, type SinkSet } from './sinks.js';
import { commonFields, SUBJECT_CHECKS, type SubjectFields } from './subject-fields.js';

/** An event with per-call options, for `tracker.input`. */
export interface TrackRequest {
  readonly event: TrackerEvent;
  readonly options?: TrackOptions | undefined;
}

const NO_OPTIONS: TrackOptions = {};

/**
 * The lean tracker (`createTracker`): turns events into tracker-protocol payloads, enriches each one (the
 * `enrichers` option, then `eventFields`, then global contexts) and hands it to every sink. Its tracking method is
 * `track(event)`; events come from the constructors (`pageView({...})`), which carry their definitions, so a bundle
 * holds only the event kinds an app uses.
 */
export class CoreTracker {
  /** Every payload this tracker built (delivered or filtered), with its `eid`, as it is handed to the sinks. Hot: no replay. */
  readonly payloads: Observable<Payload>;
  /** Every outcome of every sink of this tracker. Hot: no replay. */
  readonly outcomes: Observable<DeliveryOutcome>;
  /**
   * Feed an Observable of events to the tracker: `events$.subscribe(tracker.input)`. Invalid events become `dropped`
   * outcomes (reason `invalid`) instead of errors; the source completing or erroring does not stop the tracker.
   */
  readonly input: Observer<TrackerEvent | TrackRequest>;

  readonly #admissions = new Subject<Admission>();
  readonly #sinks: SinkSet;
  /** The checked options (one field: each private field costs bytes where they are down-levelled). */
  readonly #o: ResolvedTrackerOptions;
  /** The enrichers before global contexts (the `enrichers` option, then `eventFields`). */
  readonly #enrichers: readonly Enricher[];
  /** The same, then global contexts: what runs while there is a rule (no step at all per event while there is none). */
  readonly #withGlobal: readonly Enricher[];
  #rules: readonly GlobalContextRule[] = [];
  #subject: SubjectFields;
  #common: Readonly<Record<string, string>>;

  /**
   * @param sinks where events go (`Emitter`s or other sinks); more can be added with {@link CoreTracker.addEmitter}.
   * @throws {InvalidOptionsError} for options it cannot use, or a sink already connected to another tracker.
   */
  constructor(sinks: Sink | readonly Sink[], options: TrackerOptions = {}) {
    // Calls nothing a subclass could override: every step is private.
    const resolved = resolveTrackerOptions(options);
    this.#o = resolved;
    this.#subject = resolved.subject;
    this.#common = commonFields(this.#o, this.#subject);
    this.#rules = resolved.globalContexts.map((entry, i) => toGlobalContextRule(entry, `globalContexts[${i}]`));
    this.#enrichers = [...resolved.enrichers, ...(resolved.eventFields ? [eventFieldsEnricher(resolved.eventFields)] : [])];
    this.#withGlobal = [...this.#enrichers, globalContextsEnricher(() => this.#rules)];
    this.payloads = this.#admissions.pipe(
      filter((a) => a.payload !== undefined),
      map((a) => a.payload!),
    );
    this.#sinks = sinkSet(this.#admissions.asObservable(), resolved.scheduler);
    this.outcomes = this.#sinks.outcomes;
    this.input = {
      next: (item) => {
        try {
          const request =
            item !== null && typeof item === 'object' && 'event' in item && !('kind' in item) ? item : { event: item as TrackerEvent };
          this.#track(request.event, request.options, NO_SCOPE);
        } catch (error) {
          this.#dropInvalid(error);
        }
      },
      error: () => undefined,
      complete: () => undefined,
    };
    for (const sink of Array.isArray(sinks) ? sinks : [sinks as Sink]) this.#sinks.add(sink);
  }

  /**
   * Adds a sink (an `Emitter`, …); it receives the events tracked from now on.
   * @throws {InvalidOptionsError} when it is not a sink or is already connected to a tracker.
   */
  addEmitter(sink: Sink): this {
    this.#sinks.add(sink);
    return this;
  }

  /** Merges fields into the tracker's subject. @throws {InvalidEventError} for a bad field value. */
  setSubject(fields: SubjectFields): this {
    const checked = checkFields(SUBJECT_CHECKS, fields);
    this.#subject = { ...this.#subject, ...checked };
    this.#common = commonFields(this.#o, this.#subject);
    return this;
  }

  /**
   * Adds global contexts: entities on every event, generators called per event, or either limited to some kinds or
   * schemas. A generator that throws (or returns something that is not an entity) does not crash anything: the
   * event is `dropped` at every sink with reason `error` (or `invalid`) and the error says which entry failed.
   * @throws {InvalidOptionsError} for a malformed entry.
   */
  addGlobalContexts(entries: readonly GlobalContext[]): this {
    const added = entries.map((entry, i) => toGlobalContextRule(entry, `globalContexts[${this.#rules.length + i}]`));
    this.#rules = [...this.#rules, ...added];
    return this;
  }

  /** Removes global contexts, by identity (the same entity, generator or rule object that was added). */
  removeGlobalContexts(entries: readonly GlobalContext[]): this {
    this.#rules = this.#rules.filter((rule) => !entries.includes(rule.entry));
    return this;
  }

  /** Removes every global context. */
  clearGlobalContexts(): this {
    this.#rules = [];
    return this;
  }

  /**
   * Tracks an event built by a constructor (`pageView({...})`, `structEvent({...})`, …), or a plain `{ kind, ...}`
   * object whose kind is in the `events` registry.
   * @throws {InvalidEventError} when the event or options are invalid; nothing is sent then.
   */
  track(event: TrackerEvent, options?: TrackOptions): this {
    this.#call(event, options, NO_SCOPE);
    return this;
  }

  /**
   * A view that tracks through the same sinks, adding `scope` (subject, context) to its own events only. Cheap:
   * one small object, checked once; create one per HTTP request.
   * @throws {InvalidEventError} for a bad subject field or entity.
   */
  with(scope: TrackerScope): TrackerView {
    return view(this.#call, resolveScope(NO_SCOPE, scope));
  }

  /** Resolves when every event tracked before the call has a final outcome at every sink. Never rejects. */
  flush(): Promise<void> {
    // A custom sink that throws or rejects must not make this reject: its outcomes say what happened.
    return this.#sinks.flush();
  }

  /**
   * Stops intake, flushes, and at `timeoutMs` aborts what is still in flight or waiting to retry. Resolves to the
   * counts of final outcomes summed over its sinks (an event sent through two emitters counts twice); a sink whose own shutdown has not settled by the deadline (a custom
   * sink that hangs) is abandoned and named in `abandonedSinks`. Idempotent; never rejects.
   * @throws {InvalidOptionsError} at the call for a `timeoutMs` that is not an integer in [0, 2^31 − 1] or `Infinity`.
   */
  shutdown(options: ShutdownOptions = {}): Promise<ShutdownReport> {
    return this.#sinks.shutdown(options);
  }

  /** Tracks with a known definition (the classic `trackX` methods). */
  protected trackWith<F>(definition: EventDefinition<F>, fields: unknown, options: TrackOptions | undefined): this {
    this.#call(fields, options, NO_SCOPE, definition as unknown as EventDefinition<never>);
    return this;
  }

  /**
   * A track call: an invalid event throws (`invalidEvents: 'throw'`) or is dropped as `invalid` at every sink. With
   * no sink the event would go nowhere, unseen: in development that throws too.
   */
  readonly #call = (event: unknown, options: TrackOptions | undefined, scope: ResolvedScope, known?: EventDefinition<never>): void => {
    try {
      if (this.#sinks.size === 0 && !this.#o.sinkless) throw new InvalidOptionsError('emitters', diagnostic(302));
      this.#track(event, options, scope, known);
    } catch (error) {
      if (this.#o.invalidEvents === 'throw') throw error;
      this.#dropInvalid(error);
    }
  };

  readonly #dropInvalid = (error: unknown): void => {
    const invalid = error instanceof InvalidEventError ? error : new InvalidEventError('event', diagnostic(113, error));
    this.#admissions.next({ kind: 'rejected', reason: 'invalid', payload: undefined, error: invalid });
  };

  /** The one tracking path (an arrow in a field: no private-method helpers where private members are down-levelled). */
  readonly #track = (event: unknown, options: TrackOptions | undefined, scope: ResolvedScope, known?: EventDefinition<never>): void => {
    const definition = known ?? definitionFor(event, this.#o.events);
    const wire = buildWireEvents(definition, event, this.#o);
    const checked = options === undefined ? NO_OPTIONS : checkFields(TRACK_OPTION_CHECKS, options);
    const subject =
      scope.subject === undefined && checked.subject === undefined ? undefined : { ...this.#subject, ...scope.subject, ...checked.subject };
    // The check snapshotted the call's entities (read once): that is what is sent.
    const own = (checked.context ?? []) as readonly EntitySnapshot[];
    const context = scope.context.length === 0 ? own : [...own, ...scope.context];
    const failure: EnrichmentFailure = {};
    const enrichers = this.#rules.length === 0 ? this.#enrichers : this.#withGlobal;
    const payloads = assemblePayloads(wire, {
      eventId: checked.eventId ?? this.#o.newId(),
      newId: this.#o.newId,
      deviceTimestamp: checked.deviceTimestamp ?? this.#o.scheduler.now(),
      trueTimestamp: checked.trueTimestamp,
      common: subject ? commonFields(this.#o, subject) : this.#common,
      context,
      encodeBase64: this.#o.encodeBase64,
      enrich: enrichers.length === 0 ? undefined : (payload, w) => runEnrichers(enrichers, definition.kind, payload, w, failure),
    });
    if (failure.error) {
      // An enricher failed: the event was built without it and goes to no collector.
      const reason = failure.error instanceof InvalidEventError ? 'invalid' : 'error';
      for (const payload of payloads) this.#admissions.next({ kind: 'rejected', reason, payload, error: failure.error });
      return;
    }
    for (const payload of payloads) this.#admissions.next(admissionOf(this.#o.filter, definition.kind, payload));
  };
}

/**
 * The lean tracker: `track(event)` with events from the constructors, sinks, enrichers, global contexts and
 * per-request views. The one way to create a tracker in `rxplow` besides the classic `new Tracker(...)`.
 *
 * @example
 * const tracker = createTracker(new Emitter('https://collector.example.com'), { appId: 'shop' });
 * tracker.track(pageView({ pageUrl: 'https://shop.example.com/' }));
 */
export function createTracker(sinks: Sink | readonly Sink[], options: TrackerOptions = {}): CoreTracker {
  return new CoreTracker(sinks, options);
}

function view(track: (event: unknown, options: TrackOptions | undefined, scope: ResolvedScope) => void, scope: ResolvedScope): TrackerView {
  const v: TrackerView = {
    track: (event, options) => {
      track(event, options, scope);
      return v;
    },
    with: (more) => view(track, resolveScope(scope, more)),
  };
  return v;
}
