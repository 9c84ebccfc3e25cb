// rxplow/events: the event vocabulary without delivery. Event constructors, typed events and entities (what
// `rxplow generate` emits code for), their field types and constants, and nothing that sends: a browser app's bundler
// can keep this out of any chunk that loads the emitter on demand (the main entry also exports `Emitter`, which,
// under code splitting, esbuild keeps in the first load of every app importing anything from it: esbuild issue 3704).
// No registry here: each constructor carries its own definition (see registry.ts).
export { pageView, pagePing, linkClick, siteSearch } from './web.js';
export { formFocusOrChange, formSubmission } from './forms.js';
export { structEvent, selfDescribingEvent } from './structured.js';
export { screenView, mobileScreenView } from './screen.js';
export { ecommerceTransaction, addToCart, removeFromCart } from './ecommerce.js';
export { adImpression, adClick, adConversion } from './ads.js';
export { consentGranted, consentWithdrawn } from './consent.js';
export { socialInteraction, timing, applicationError } from './engagement.js';
export type { TrackerEvent, EventKind, EventFields, EventRegistry } from './registry.js';
export { typedEvent, typedEntity } from './typed.js';
export type { TypedEvent, TypedEventConstructor, TypedEntityConstructor, TypedSelfDescribingJson, DataCheckSource } from './typed.js';
export { schemaCheck } from './schema-check.js';
export type { JsonSchema, DataCheck } from './schema-check.js';
export { FORM_NODE_NAMES, FORM_INPUT_TYPES } from './forms.js';
export { PROGRAMMING_LANGUAGES } from './engagement.js';
export type { PageViewFields, PagePingFields, LinkClickFields, SiteSearchFields } from './web.js';
export type { FormFocusOrChangeFields, FormSubmissionFields, FormElement, FormNodeName, FormInputType } from './forms.js';
export type { StructEventFields, SelfDescribingEventFields } from './structured.js';
export type { ScreenViewFields, MobileScreenViewFields } from './screen.js';
export type { EcommerceTransactionFields, TransactionItem, CartFields } from './ecommerce.js';
export type { AdImpressionFields, AdClickFields, AdConversionFields, CostModel } from './ads.js';
export type { ConsentGrantedFields, ConsentWithdrawnFields } from './consent.js';
export type { SocialInteractionFields, TimingFields, ErrorFields, ProgrammingLanguage } from './engagement.js';
export type { SelfDescribing } from '../payload/self-describing-json.js';
export type { JsonValue } from '../payload/json.js';
