// The public API of rxplow. Named exports only; types with `export type`. One way to create a tracker
// (`createTracker`, besides the classic `new Tracker(...)`); the machinery for extending rxplow (QueuedSink,
// deliverBatch, event definitions) is in `rxplow/extend`.
export { VERSION, TRACKER_VERSION } from './version.js';
export {
  RxplowError,
  InvalidEventError,
  InvalidOptionsError,
  HttpStatusError,
  NetworkError,
  TimeoutError,
  AbortedError,
  UnexpectedError,
  isRxplowError,
} from './errors.js';
export type { RxplowErrorCode } from './errors.js';

export { SelfDescribingJson } from './payload/self-describing-json.js';
export type { SelfDescribing } from './payload/self-describing-json.js';
export type { Payload } from './payload/payload.js';
export type { JsonValue } from './payload/json.js';
export { SCHEMAS } from './payload/schemas.js';
export { ALL_EVENTS } from './events/registry.js';
export { isDevelopment } from './dev-mode.js';

export {
  pageView,
  pagePing,
  structEvent,
  selfDescribingEvent,
  screenView,
  mobileScreenView,
  ecommerceTransaction,
  linkClick,
  addToCart,
  removeFromCart,
  formFocusOrChange,
  formSubmission,
  siteSearch,
  adImpression,
  adClick,
  adConversion,
  socialInteraction,
  consentGranted,
  consentWithdrawn,
  timing,
  applicationError,
  typedEvent,
  typedEntity,
  schemaCheck,
  FORM_NODE_NAMES,
  FORM_INPUT_TYPES,
  PROGRAMMING_LANGUAGES,
} from './events/index.js';
// The event vocabulary's types, as `rxplow/events` has them (src/events/index.ts).
export type {
  TrackerEvent,
  EventKind,
  EventFields,
  EventRegistry,
  TypedEvent,
  TypedEventConstructor,
  TypedEntityConstructor,
  TypedSelfDescribingJson,
  DataCheckSource,
  JsonSchema,
  DataCheck,
  PageViewFields,
  PagePingFields,
  LinkClickFields,
  SiteSearchFields,
  FormFocusOrChangeFields,
  FormSubmissionFields,
  FormElement,
  FormNodeName,
  FormInputType,
  StructEventFields,
  SelfDescribingEventFields,
  ScreenViewFields,
  MobileScreenViewFields,
  EcommerceTransactionFields,
  TransactionItem,
  CartFields,
  AdImpressionFields,
  AdClickFields,
  AdConversionFields,
  CostModel,
  ConsentGrantedFields,
  ConsentWithdrawnFields,
  SocialInteractionFields,
  TimingFields,
  ErrorFields,
  ProgrammingLanguage,
} from './events/index.js';
export { PLATFORMS } from './tracker/subject-fields.js';
export type { Checks, Check } from './payload/checks.js';
export type { ResolvedRetryOptions } from './emitter/options.js';

export { createTracker } from './tracker/core.js';
export type { CoreTracker, TrackRequest } from './tracker/core.js';
export type { Enricher, Enrichment, EnrichmentEvent } from './tracker/enrich.js';
export type { ShutdownReport } from './tracker/sinks.js';
export type { TrackerScope, TrackerView } from './tracker/scope.js';
export { Tracker } from './tracker/tracker.js';
export type { TrackerOptions, TrackOptions, FilteredEvent } from './tracker/options.js';
export type { GlobalContext, GlobalContextGenerator, GlobalContextEvent, ConditionalGlobalContext } from './tracker/global-contexts.js';
export type { SubjectFields, Platform } from './tracker/subject-fields.js';

export { Emitter } from './emitter/emitter.js';
export { EMITTER_DEFAULTS } from './emitter/options.js';
export { MAX_DURATION_MS } from './emitter/durations.js';
export type { Sink, Admission, AcceptedEvent, RejectedEvent } from './emitter/sink.js';
export type { Transport, TransportResponse, CollectorRequest } from './emitter/transport.js';
export { createKyTransport, type KyTransport } from './emitter/ky-transport.js';
export type { KyTransportOptions } from './emitter/ky-transport.js';
/** Turns an Observable (e.g. `tracker.outcomes`) into an async iterable for `for await` (from rxjs-for-await). */
export { eachValueFrom } from 'rxjs-for-await';
export type { EmitterOptions, RetryOptions } from './emitter/options.js';
export { debugOutcomes, formatOutcome } from './debug.js';
export type { DebugLogger } from './debug.js';
export type {
  DeliveryOutcome,
  SentOutcome,
  RetryingOutcome,
  FailedOutcome,
  DroppedOutcome,
  FinalOutcome,
  DropReason,
  DeliveryError,
  DeliveryReport,
  ShutdownOptions,
} from './emitter/outcome.js';
