import { Subject, share, type Observable, type Observer } from 'rxjs';
import { v4 as uuidv4 } from 'uuid';
import type { Emitter } from '../emitter/emitter.js';
import type { DeliveryOutcome, DeliveryReport } from '../emitter/outcome.js';
import { InvalidEventError, InvalidOptionsError } from '../errors.js';
import { buildWireEvents, type BuildContext } from '../events/definition.js';
import { EVENT_DEFINITIONS, type EventFields, type EventKind, type TrackerEvent } from '../events/index.js';
import { checkFields } from '../payload/checks.js';
import type { Payload } from '../payload/payload.js';
import type { SelfDescribing } from '../payload/self-describing-json.js';
import { TRACKER_VERSION } from '../version.js';
import { assemblePayloads } from './assemble.js';
import { resolveTrackerOptions, TRACK_OPTION_CHECKS, type TrackerOptions, type TrackOptions } from './options.js';
import { SUBJECT_CHECKS, subjectToWire, type SubjectFields } from './subject-fields.js';

/** An event with per-call options, for `tracker.input`. */
export interface TrackRequest {
  readonly event: TrackerEvent;
  readonly options?: TrackOptions | undefined;
}

/** Options of `tracker.shutdown()`. */
export interface ShutdownOptions {
  /** How long to wait for pending events before aborting requests and retries. @default 10_000 */
  readonly timeoutMs?: number | undefined;
}

const NO_OPTIONS: TrackOptions = {};
const newId = (): string => uuidv4();
const BUILD_CONTEXT: BuildContext = { newId };

/**
 * Turns tracking calls into tracker-protocol payloads and hands each one to every emitter.
 *
 * Every track method validates its input synchronously and throws an InvalidEventError (nothing is sent) when it
 * is bad; it returns the tracker, so calls chain.
 */
export class Tracker {
  /** Every payload this tracker built, with its `eid`, as it is handed to the emitters. Hot: no replay. */
  readonly payloads: Observable<Payload>;
  /** Every outcome of every emitter of this tracker. Hot: no replay. */
  readonly outcomes: Observable<DeliveryOutcome>;
  /**
   * Feed an Observable of events to the tracker: `events$.subscribe(tracker.input)`. Invalid events become `dropped`
   * outcomes (reason `invalid`) instead of errors; the source completing or erroring does not stop the tracker.
   */
  readonly input: Observer<TrackerEvent | TrackRequest>;

  readonly #intake = new Subject<Payload>();
  readonly #shared: Observable<Payload>;
  readonly #outcomes = new Subject<DeliveryOutcome>();
  readonly #emitters: Emitter[] = [];
  readonly #namespace: string | undefined;
  readonly #appId: string | undefined;
  readonly #encodeBase64: boolean;
  #subject: SubjectFields;
  #common: Readonly<Record<string, string>>;

  /**
   * @param emitters where events go; more can be added with {@link Tracker.addEmitter}.
   * @throws {InvalidOptionsError} for options it cannot use.
   */
  constructor(emitters: Emitter | readonly Emitter[], options: TrackerOptions = {}) {
    const resolved = resolveTrackerOptions(options);
    this.#namespace = resolved.namespace;
    this.#appId = resolved.appId;
    this.#encodeBase64 = resolved.encodeBase64;
    this.#subject = resolved.subject;
    this.#common = this.#commonFields(this.#subject);
    this.#shared = this.#intake.pipe(share());
    this.payloads = this.#shared;
    this.outcomes = this.#outcomes.asObservable();
    this.input = {
      next: (item) => this.#trackQuietly(item),
      error: () => undefined,
      complete: () => undefined,
    };
    for (const emitter of Array.isArray(emitters) ? emitters : [emitters as Emitter]) this.addEmitter(emitter);
  }

  /** Adds an emitter; it receives the events tracked from now on. */
  addEmitter(emitter: Emitter): this {
    if (typeof (emitter as Partial<Emitter> | null)?.attach !== 'function') throw new InvalidOptionsError('emitters', 'expected Emitter instances');
    if (this.#emitters.includes(emitter)) return this;
    this.#emitters.push(emitter);
    emitter.outcomes.subscribe((outcome) => this.#outcomes.next(outcome));
    emitter.attach(this.#shared);
    return this;
  }

  /** Merges fields into the tracker's subject. @throws {InvalidEventError} for a bad field value. */
  setSubject(fields: SubjectFields): this {
    const checked = checkFields(SUBJECT_CHECKS, fields);
    this.#subject = { ...this.#subject, ...checked };
    this.#common = this.#commonFields(this.#subject);
    return this;
  }

  /** Sets the platform (`p`). */
  setPlatform(platform: NonNullable<SubjectFields['platform']>): this { return this.setSubject({ platform }); }
  /** Sets the business user id (`uid`). */
  setUserId(userId: string): this { return this.setSubject({ userId }); }
  /** Sets the screen resolution (`res`). */
  setScreenResolution(width: number, height: number): this { return this.setSubject({ screenResolution: `${width}x${height}` }); }
  /** Sets the viewport (`vp`). */
  setViewport(width: number, height: number): this { return this.setSubject({ viewport: `${width}x${height}` }); }
  /** Sets the colour depth (`cd`). */
  setColorDepth(colorDepth: number): this { return this.setSubject({ colorDepth }); }
  /** Sets the time zone (`tz`). */
  setTimezone(timezone: string): this { return this.setSubject({ timezone }); }
  /** Sets the language (`lang`). */
  setLanguage(language: string): this { return this.setSubject({ language }); }
  /** Sets the IP address override (`ip`). */
  setIpAddress(ipAddress: string): this { return this.setSubject({ ipAddress }); }
  /** Sets the user-agent override (`ua`). */
  setUseragent(useragent: string): this { return this.setSubject({ useragent }); }
  /** Sets the domain user id (`duid`). */
  setDomainUserId(domainUserId: string): this { return this.setSubject({ domainUserId }); }
  /** Sets the network user id (`tnuid`). */
  setNetworkUserId(networkUserId: string): this { return this.setSubject({ networkUserId }); }
  /** Sets the session id (`sid`, a UUID). */
  setSessionId(sessionId: string): this { return this.setSubject({ sessionId }); }
  /** Sets the session index (`vid`). */
  setSessionIndex(sessionIndex: number): this { return this.setSubject({ sessionIndex }); }

  /**
   * Tracks an event built as plain data (`pageView({...})`, `structEvent({...})`, …).
   * @throws {InvalidEventError} when the event or options are invalid; nothing is sent then.
   */
  track(event: TrackerEvent, options?: TrackOptions): this {
    const kind = (event as { kind?: unknown } | null)?.kind;
    if (typeof kind !== 'string' || !Object.hasOwn(EVENT_DEFINITIONS, kind)) {
      throw new InvalidEventError('kind', `unknown event kind ${JSON.stringify(kind)}`);
    }
    return this.#track(kind as EventKind, event, options);
  }

  /** Page view (`e=pv`). @throws {InvalidEventError} when `pageUrl` is missing or a field has the wrong type. */
  trackPageView(fields: EventFields<'pageView'>, options?: TrackOptions): this { return this.#track('pageView', fields, options); }
  /** Page ping (`e=pp`). @throws {InvalidEventError} when `pageUrl` is missing or an offset is not an integer. */
  trackPagePing(fields: EventFields<'pagePing'>, options?: TrackOptions): this { return this.#track('pagePing', fields, options); }
  /** Structured event (`e=se`). @throws {InvalidEventError} when `category`/`action` are missing or `value` is not finite. */
  trackStructEvent(fields: EventFields<'structEvent'>, options?: TrackOptions): this { return this.#track('structEvent', fields, options); }
  /** Self-describing event (`e=ue`). @throws {InvalidEventError} for a malformed Iglu URI or data that cannot be serialised. */
  trackSelfDescribingEvent(event: SelfDescribing, options?: TrackOptions): this { return this.#track('selfDescribing', { event }, options); }
  /** Alias of {@link Tracker.trackSelfDescribingEvent}, the Python tracker's name. */
  trackUnstructEvent(event: SelfDescribing, options?: TrackOptions): this { return this.trackSelfDescribingEvent(event, options); }
  /** Legacy screen view (`screen_view` 1-0-0). @throws {InvalidEventError} when both `name` and `id` are missing. */
  trackScreenView(fields: EventFields<'screenView'>, options?: TrackOptions): this { return this.#track('screenView', fields, options); }
  /** Mobile screen view (`com.snowplowanalytics.mobile/screen_view`). @throws {InvalidEventError} when `name` is missing or an id is not a UUID. */
  trackMobileScreenView(fields: EventFields<'mobileScreenView'>, options?: TrackOptions): this { return this.#track('mobileScreenView', fields, options); }
  /** Ecommerce transaction: one `tr` plus one `ti` per item. @throws {InvalidEventError} when `orderId`, `total` or an item's `sku`/`price` is missing. */
  trackEcommerceTransaction(fields: EventFields<'ecommerceTransaction'>, options?: TrackOptions): this { return this.#track('ecommerceTransaction', fields, options); }
  /** Link click (`link_click` 1-0-1). @throws {InvalidEventError} when `targetUrl` is missing. */
  trackLinkClick(fields: EventFields<'linkClick'>, options?: TrackOptions): this { return this.#track('linkClick', fields, options); }
  /** Add to cart (`add_to_cart` 1-0-0). @throws {InvalidEventError} when `sku` or `quantity` is missing. */
  trackAddToCart(fields: EventFields<'addToCart'>, options?: TrackOptions): this { return this.#track('addToCart', fields, options); }
  /** Remove from cart (`remove_from_cart` 1-0-0). @throws {InvalidEventError} when `sku` or `quantity` is missing. */
  trackRemoveFromCart(fields: EventFields<'removeFromCart'>, options?: TrackOptions): this { return this.#track('removeFromCart', fields, options); }
  /** Form focus or change (`focus_form` / `change_form` 1-0-0). @throws {InvalidEventError} for a missing id or a `nodeName`/`type` outside the schema's list. */
  trackFormFocusOrChange(fields: EventFields<'formFocusOrChange'>, options?: TrackOptions): this { return this.#track('formFocusOrChange', fields, options); }
  /** Form submission (`submit_form` 1-0-0). @throws {InvalidEventError} when `formId` is missing or an element is malformed. */
  trackFormSubmission(fields: EventFields<'formSubmission'>, options?: TrackOptions): this { return this.#track('formSubmission', fields, options); }
  /** Site search (`site_search` 1-0-0). @throws {InvalidEventError} when `terms` is missing or counts are not integers. */
  trackSiteSearch(fields: EventFields<'siteSearch'>, options?: TrackOptions): this { return this.#track('siteSearch', fields, options); }
  /** Ad impression (`ad_impression` 1-0-0). @throws {InvalidEventError} when no field is given. */
  trackAdImpression(fields: EventFields<'adImpression'>, options?: TrackOptions): this { return this.#track('adImpression', fields, options); }
  /** Ad click (`ad_click` 1-0-0). @throws {InvalidEventError} when `targetUrl` is missing. */
  trackAdClick(fields: EventFields<'adClick'>, options?: TrackOptions): this { return this.#track('adClick', fields, options); }
  /** Ad conversion (`ad_conversion` 1-0-0). @throws {InvalidEventError} when no field is given. */
  trackAdConversion(fields: EventFields<'adConversion'>, options?: TrackOptions): this { return this.#track('adConversion', fields, options); }
  /** Social interaction (`social_interaction` 1-0-0). @throws {InvalidEventError} when `action` or `network` is missing. */
  trackSocialInteraction(fields: EventFields<'socialInteraction'>, options?: TrackOptions): this { return this.#track('socialInteraction', fields, options); }
  /** Consent granted, with a `consent_document` entity. @throws {InvalidEventError} when `id`/`version` are missing or `expiry` is not an ISO date-time. */
  trackConsentGranted(fields: EventFields<'consentGranted'>, options?: TrackOptions): this { return this.#track('consentGranted', fields, options); }
  /** Consent withdrawn, with a `consent_document` entity. @throws {InvalidEventError} when `id`/`version` are missing. */
  trackConsentWithdrawn(fields: EventFields<'consentWithdrawn'>, options?: TrackOptions): this { return this.#track('consentWithdrawn', fields, options); }
  /** Timing (`timing` 1-0-0). @throws {InvalidEventError} when `category`, `variable` or `timing` is missing. */
  trackTiming(fields: EventFields<'timing'>, options?: TrackOptions): this { return this.#track('timing', fields, options); }
  /** Application error (`application_error` 1-0-1). @throws {InvalidEventError} when `message` is missing. */
  trackError(fields: EventFields<'error'>, options?: TrackOptions): this { return this.#track('error', fields, options); }

  /** Resolves when every event tracked before the call has a final outcome at every emitter. Never rejects. */
  async flush(): Promise<void> {
    await Promise.all(this.#emitters.map((emitter) => emitter.flush()));
  }

  /**
   * Stops intake, flushes, and at `timeoutMs` aborts what is still in flight or waiting to retry. Resolves to the
   * counts of final outcomes over all emitters. Never rejects.
   */
  async shutdown(options: ShutdownOptions = {}): Promise<DeliveryReport> {
    const reports = await Promise.all(this.#emitters.map((emitter) => emitter.shutdown(options)));
    return reports.reduce(
      (total, r) => ({ sent: total.sent + r.sent, failed: total.failed + r.failed, dropped: total.dropped + r.dropped, abandoned: total.abandoned + r.abandoned }),
      { sent: 0, failed: 0, dropped: 0, abandoned: 0 },
    );
  }

  #track(kind: EventKind, fields: unknown, options: TrackOptions | undefined): this {
    const payloads = this.#build(kind, fields, options);
    for (const payload of payloads) this.#intake.next(payload);
    return this;
  }

  #build(kind: EventKind, fields: unknown, options: TrackOptions | undefined): Payload[] {
    const wire = buildWireEvents(EVENT_DEFINITIONS[kind] as never, fields, BUILD_CONTEXT);
    const checked = options === undefined ? NO_OPTIONS : checkFields(TRACK_OPTION_CHECKS, options);
    return assemblePayloads(wire, {
      eventId: checked.eventId ?? newId(),
      newId,
      deviceTimestamp: checked.deviceTimestamp ?? Date.now(),
      trueTimestamp: checked.trueTimestamp,
      common: checked.subject ? this.#commonFields({ ...this.#subject, ...checked.subject }) : this.#common,
      context: checked.context ?? [],
      encodeBase64: this.#encodeBase64,
    });
  }

  #trackQuietly(item: TrackerEvent | TrackRequest): void {
    const request = item !== null && typeof item === 'object' && 'event' in item && !('kind' in item) ? item : { event: item as TrackerEvent };
    try {
      this.track(request.event, request.options);
    } catch (error) {
      const invalid = error instanceof InvalidEventError ? error : new InvalidEventError('event', String(error));
      for (const emitter of this.#emitters) emitter.dropInvalid(invalid);
    }
  }

  #commonFields(subject: SubjectFields): Readonly<Record<string, string>> {
    const common: Record<string, string> = { tv: TRACKER_VERSION };
    if (this.#namespace) common['tna'] = this.#namespace;
    if (this.#appId) common['aid'] = this.#appId;
    return Object.freeze(Object.assign(common, subjectToWire(subject)));
  }
}
