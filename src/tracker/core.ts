import { filter, map, merge, mergeMap, Observable, Subject, type Observer, type SchedulerLike } from 'rxjs';
import { v4 as uuidv4 } from 'uuid';
import { checkShutdownTimeout } from '../emitter/durations.js';
import type { DeliveryOutcome, DeliveryReport, ShutdownOptions } from '../emitter/outcome.js';
import type { Admission, Sink } from '../emitter/sink.js';
import { InvalidEventError, InvalidOptionsError, UnexpectedError } from '../errors.js';
import { buildWireEvents, definitionOf, type BuildContext, type EventDefinition, type WireEvent } from '../events/definition.js';
import type { EventRegistry, TrackerEvent } from '../events/registry.js';
import { checkFields } from '../payload/checks.js';
import type { Payload } from '../payload/payload.js';
import type { SelfDescribing } from '../payload/self-describing-json.js';
import { toWellFormed } from '../payload/well-formed.js';
import { TRACKER_VERSION } from '../version.js';
import { assemblePayloads } from './assemble.js';
import { resolveGlobalContexts, toGlobalContextRule, type GlobalContext, type GlobalContextRule } from './global-contexts.js';
import { resolveTrackerOptions, TRACK_OPTION_CHECKS, type FilteredEvent, type TrackerOptions, type TrackOptions } from './options.js';
import { SUBJECT_CHECKS, subjectToWire, type SubjectFields } from './subject-fields.js';

/** An event with per-call options, for `tracker.input`. */
export interface TrackRequest {
  readonly event: TrackerEvent;
  readonly options?: TrackOptions | undefined;
}

/** What a per-request view adds to its own events (see {@link CoreTracker.with}). */
export interface TrackerScope {
  /** Subject fields merged over the tracker's (and under a call's own `subject`). */
  readonly subject?: SubjectFields | undefined;
  /** Entities added to each event of the view, after the call's own `context`. */
  readonly context?: readonly SelfDescribing[] | undefined;
}

/** A per-request view of a tracker: tracks through the same sinks, adding its scope to its own events only. */
export interface TrackerView {
  /** Tracks an event with the view's subject and context. @throws {InvalidEventError} as `tracker.track` does. */
  track(event: TrackerEvent, options?: TrackOptions): this;
  /** A narrower view: this view's scope with `scope` merged over it. */
  with(scope: TrackerScope): TrackerView;
}

/** A scope, checked and turned into wire fields once. */
interface ResolvedScope {
  readonly subject: SubjectFields | undefined;
  readonly context: readonly SelfDescribing[];
}

const NO_OPTIONS: TrackOptions = {};
const NO_REPORT: DeliveryReport = Object.freeze({ sent: 0, failed: 0, dropped: 0, abandoned: 0 });

/** `call()`'s promise, or `fallback` when it throws or rejects. */
function settle<T>(call: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return Promise.resolve(call()).catch(() => fallback);
  } catch {
    return Promise.resolve(fallback);
  }
}
/** Fields only the tracker and emitters write: the `eventFields` option cannot set them. */
const RESERVED_FIELDS: ReadonlySet<string> = new Set(['e', 'eid', 'dtm', 'ttm', 'stm', 'tv', 'ue_px', 'ue_pr', 'cx', 'co']);
const NO_SCOPE: ResolvedScope = { subject: undefined, context: [] };
const newId = (): string => uuidv4();
const BUILD_CONTEXT: BuildContext = { newId };
const SCOPE_CHECKS = { subject: TRACK_OPTION_CHECKS.subject, context: TRACK_OPTION_CHECKS.context };

/**
 * The lean tracker (`createTracker`): turns events into tracker-protocol payloads and hands each one to every sink.
 * Its tracking method is `track(event)`; events come from the constructors (`pageView({...})`), which carry their
 * definitions, so a bundle holds only the event kinds an app uses.
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
  readonly #sinkAdded = new Subject<Sink>();
  readonly #sinks: Sink[] = [];
  readonly #namespace: string | undefined;
  readonly #appId: string | undefined;
  readonly #encodeBase64: boolean;
  readonly #registry: EventRegistry | undefined;
  readonly #filter: ((event: FilteredEvent) => boolean) | undefined;
  readonly #eventFields: ((event: { readonly kind: string }) => Readonly<Record<string, string>> | undefined) | undefined;
  readonly #scheduler: SchedulerLike;
  readonly #invalidEvents: 'throw' | 'drop';
  #rules: readonly GlobalContextRule[] = [];
  #subject: SubjectFields;
  #common: Readonly<Record<string, string>>;
  #shutdown: Promise<DeliveryReport> | undefined;

  /**
   * @param sinks where events go (`Emitter`s or other sinks); more can be added with {@link CoreTracker.addEmitter}.
   * @throws {InvalidOptionsError} for options it cannot use, or a sink already connected to another tracker.
   */
  constructor(sinks: Sink | readonly Sink[], options: TrackerOptions = {}) {
    const resolved = resolveTrackerOptions(options);
    this.#namespace = resolved.namespace === undefined ? undefined : toWellFormed(resolved.namespace);
    this.#appId = resolved.appId === undefined ? undefined : toWellFormed(resolved.appId);
    this.#encodeBase64 = resolved.encodeBase64;
    this.#registry = resolved.events;
    this.#filter = resolved.filter;
    this.#eventFields = resolved.eventFields;
    this.#scheduler = resolved.scheduler;
    this.#invalidEvents = resolved.invalidEvents;
    this.#subject = resolved.subject;
    this.#common = this.#commonFields(this.#subject);
    this.addGlobalContexts(resolved.globalContexts);
    this.payloads = this.#admissions.pipe(
      filter((a) => a.payload !== undefined),
      map((a) => a.payload!),
    );
    // Every sink's outcomes, the ones added later included: the sinks known at subscription, then each new one.
    this.outcomes = new Observable<DeliveryOutcome>((subscriber) =>
      merge(...this.#sinks.map((sink) => sink.outcomes), this.#sinkAdded.pipe(mergeMap((sink) => sink.outcomes))).subscribe(subscriber),
    );
    this.input = {
      next: (item) => this.#trackQuietly(item),
      error: () => undefined,
      complete: () => undefined,
    };
    for (const sink of Array.isArray(sinks) ? sinks : [sinks as Sink]) this.addEmitter(sink);
  }

  /**
   * Adds a sink (an `Emitter`, …); it receives the events tracked from now on.
   * @throws {InvalidOptionsError} when it is not a sink or is already connected to a tracker.
   */
  addEmitter(sink: Sink): this {
    if (typeof (sink as Partial<Sink> | null)?.connect !== 'function')
      throw new InvalidOptionsError('emitters', 'expected Emitter instances (or other sinks)');
    if (this.#sinks.includes(sink)) return this;
    sink.connect(this.#admissions.asObservable());
    this.#sinks.push(sink);
    this.#sinkAdded.next(sink);
    return this;
  }

  /** Merges fields into the tracker's subject. @throws {InvalidEventError} for a bad field value. */
  setSubject(fields: SubjectFields): this {
    const checked = checkFields(SUBJECT_CHECKS, fields);
    this.#subject = { ...this.#subject, ...checked };
    this.#common = this.#commonFields(this.#subject);
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
    this.#trackChecked(event, options, NO_SCOPE, undefined);
    return this;
  }

  /**
   * A view that tracks through the same sinks, adding `scope` (subject, context) to its own events only. Cheap:
   * one small object, checked once; create one per HTTP request.
   * @throws {InvalidEventError} for a bad subject field or entity.
   */
  with(scope: TrackerScope): TrackerView {
    return this.#view(resolveScope(NO_SCOPE, scope));
  }

  /** Resolves when every event tracked before the call has a final outcome at every sink. Never rejects. */
  async flush(): Promise<void> {
    // A custom sink that throws or rejects must not make this reject: its outcomes say what happened.
    await Promise.all(this.#sinks.map((sink) => settle(() => sink.flush(), undefined)));
  }

  /**
   * Stops intake, flushes, and at `timeoutMs` aborts what is still in flight or waiting to retry. Resolves to the
   * counts of final outcomes summed over its sinks (an event sent through two emitters counts twice). Idempotent; never rejects.
   * @throws {InvalidOptionsError} at the call for a `timeoutMs` that is not an integer in [0, 2^31 − 1] or `Infinity`.
   */
  shutdown(options: ShutdownOptions = {}): Promise<DeliveryReport> {
    checkShutdownTimeout(options?.timeoutMs);
    this.#shutdown ??= Promise.all(this.#sinks.map((sink) => settle(() => sink.shutdown(options), NO_REPORT))).then((reports) =>
      reports.reduce(
        (total, r) => ({
          sent: total.sent + r.sent,
          failed: total.failed + r.failed,
          dropped: total.dropped + r.dropped,
          abandoned: total.abandoned + r.abandoned,
        }),
        { sent: 0, failed: 0, dropped: 0, abandoned: 0 },
      ),
    );
    return this.#shutdown;
  }

  /** Whether a track call with no sink is a mistake (it throws in development). An inactive platform tracker says no. */
  protected get needsSink(): boolean {
    return true;
  }

  /** Tracks with a known definition (the classic `trackX` methods). */
  protected trackWith<F>(definition: EventDefinition<F>, fields: unknown, options: TrackOptions | undefined): this {
    this.#trackChecked(fields, options, NO_SCOPE, definition as unknown as EventDefinition<never>);
    return this;
  }

  #view(scope: ResolvedScope): TrackerView {
    const view: TrackerView = {
      track: (event, options) => {
        this.#trackChecked(event, options, scope, undefined);
        return view;
      },
      with: (more) => this.#view(resolveScope(scope, more)),
    };
    return view;
  }

  #definition(event: unknown): EventDefinition<never> {
    const found = definitionOf(event);
    if (found) return found as unknown as EventDefinition<never>;
    const kind = (event as { kind?: unknown } | null)?.kind;
    if (typeof kind === 'string' && this.#registry !== undefined && Object.hasOwn(this.#registry, kind)) return this.#registry[kind]!;
    const hint = this.#registry === undefined ? ' (plain-data events need the `events` option, e.g. ALL_EVENTS)' : '';
    throw new InvalidEventError('kind', `unknown event kind ${JSON.stringify(kind) ?? String(kind)}${hint}`);
  }

  /**
   * A track call: an invalid event throws (`invalidEvents: 'throw'`) or is dropped as `invalid` at every sink. With
   * no sink the event would go nowhere, unseen: in development that throws too.
   */
  #trackChecked(event: unknown, options: TrackOptions | undefined, scope: ResolvedScope, known: EventDefinition<never> | undefined): void {
    try {
      if (this.#sinks.length === 0 && this.needsSink)
        throw new InvalidOptionsError('emitters', 'required: no emitter, so events go nowhere (pass one or addEmitter())');
      this.#track(event, options, scope, known);
    } catch (error) {
      if (this.#invalidEvents === 'throw') throw error;
      this.#dropInvalid(error);
    }
  }

  #track(event: unknown, options: TrackOptions | undefined, scope: ResolvedScope, known: EventDefinition<never> | undefined): void {
    const definition = known ?? this.#definition(event);
    const wire = buildWireEvents(definition, event, BUILD_CONTEXT);
    const checked = options === undefined ? NO_OPTIONS : checkFields(TRACK_OPTION_CHECKS, options);
    const subject =
      scope.subject === undefined && checked.subject === undefined ? undefined : { ...this.#subject, ...scope.subject, ...checked.subject };
    const context = scope.context.length === 0 ? (checked.context ?? []) : [...(checked.context ?? []), ...scope.context];
    const failure: { error?: InvalidEventError | UnexpectedError; payload?: Payload } = {};
    const rules = this.#rules;
    let common = subject ? this.#commonFields(subject) : this.#common;
    if (this.#eventFields !== undefined) common = this.#withEventFields(common, definition.kind, failure);
    const payloads = assemblePayloads(wire, {
      eventId: checked.eventId ?? newId(),
      newId,
      deviceTimestamp: checked.deviceTimestamp ?? this.#scheduler.now(),
      trueTimestamp: checked.trueTimestamp,
      common,
      context,
      encodeBase64: this.#encodeBase64,
      extraContext: rules.length === 0 ? undefined : (payload, w) => this.#globalContexts(rules, definition.kind, payload, w, failure),
    });
    if (failure.error) {
      // A global context failed: the event was built without it and goes to no collector.
      const reason = failure.error instanceof InvalidEventError ? 'invalid' : 'error';
      for (const payload of payloads) this.#admissions.next({ kind: 'rejected', reason, payload, error: failure.error });
      return;
    }
    for (const payload of payloads) this.#admit(definition.kind, payload);
  }

  /** The subject's wire fields with the `eventFields` option's over them; a failure is recorded, not thrown. */
  #withEventFields(
    common: Readonly<Record<string, string>>,
    kind: string,
    failure: { error?: InvalidEventError | UnexpectedError },
  ): Readonly<Record<string, string>> {
    let fields: Readonly<Record<string, string>> | undefined;
    try {
      fields = this.#eventFields!({ kind });
    } catch (error) {
      failure.error = new UnexpectedError('the eventFields option threw', error);
      return common;
    }
    if (fields === undefined) return common;
    const merged: Record<string, string> = { ...common };
    for (const key in fields) {
      const value = fields[key];
      if (typeof value === 'string' && value !== '' && !RESERVED_FIELDS.has(key)) merged[key] = toWellFormed(value);
    }
    return merged;
  }

  /** Global contexts for one payload; a failure is recorded (not thrown), so the caller's `track()` never sees it. */
  #globalContexts(
    rules: readonly GlobalContextRule[],
    kind: string,
    payload: Payload,
    wire: WireEvent,
    failure: { error?: InvalidEventError | UnexpectedError },
  ): readonly SelfDescribing[] {
    if (failure.error) return [];
    try {
      return resolveGlobalContexts(rules, kind, payload, wire);
    } catch (error) {
      failure.error = error instanceof InvalidEventError ? error : new UnexpectedError('a global-context generator threw', error);
      return [];
    }
  }

  #admit(kind: string, payload: Payload): void {
    if (this.#filter !== undefined) {
      let keep: boolean;
      try {
        keep = this.#filter({ kind, payload }) !== false;
      } catch (error) {
        this.#admissions.next({ kind: 'rejected', reason: 'error', payload, error: new UnexpectedError('the event filter threw', error) });
        return;
      }
      if (!keep) {
        this.#admissions.next({ kind: 'rejected', reason: 'filtered', payload, error: undefined });
        return;
      }
    }
    this.#admissions.next({ kind: 'event', payload });
  }

  #trackQuietly(item: TrackerEvent | TrackRequest): void {
    try {
      const request =
        item !== null && typeof item === 'object' && 'event' in item && !('kind' in item) ? item : { event: item as TrackerEvent };
      this.#track(request.event, request.options, NO_SCOPE, undefined);
    } catch (error) {
      this.#dropInvalid(error);
    }
  }

  #dropInvalid(error: unknown): void {
    const invalid =
      error instanceof InvalidEventError ? error : new InvalidEventError('event', `reading it threw: ${describeError(error)}`);
    this.#admissions.next({ kind: 'rejected', reason: 'invalid', payload: undefined, error: invalid });
  }

  #commonFields(subject: SubjectFields): Readonly<Record<string, string>> {
    const common: Record<string, string> = { tv: TRACKER_VERSION };
    if (this.#namespace) common['tna'] = this.#namespace;
    if (this.#appId) common['aid'] = this.#appId;
    const wire = subjectToWire(subject);
    for (const key in wire) common[key] = toWellFormed(wire[key]!);
    return Object.freeze(common);
  }
}

function resolveScope(base: ResolvedScope, scope: TrackerScope): ResolvedScope {
  const checked = checkFields(SCOPE_CHECKS, scope);
  return {
    subject: checked.subject === undefined ? base.subject : { ...base.subject, ...checked.subject },
    context: checked.context === undefined ? base.context : [...base.context, ...checked.context],
  };
}

/**
 * The lean tracker: `track(event)` with events from the constructors, sinks, global contexts and per-request views.
 *
 * @example
 * const tracker = createTracker(new Emitter('https://collector.example.com'), { appId: 'shop' });
 * tracker.track(pageView({ pageUrl: 'https://shop.example.com/' }));
 */
export function createTracker(sinks: Sink | readonly Sink[], options: TrackerOptions = {}): CoreTracker {
  return new CoreTracker(sinks, options);
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an unprintable error';
  }
}
