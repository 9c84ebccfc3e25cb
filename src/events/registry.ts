import { AD_CLICK, AD_CONVERSION, AD_IMPRESSION } from './ads.js';
import { CONSENT_GRANTED, CONSENT_WITHDRAWN } from './consent.js';
import type { EventDefinition } from './definition.js';
import { ADD_TO_CART, ECOMMERCE_TRANSACTION, REMOVE_FROM_CART } from './ecommerce.js';
import { APPLICATION_ERROR, SOCIAL_INTERACTION, TIMING } from './engagement.js';
import { MOBILE_SCREEN_VIEW, SCREEN_VIEW } from './screen.js';
import { SELF_DESCRIBING, STRUCT_EVENT } from './structured.js';
import { FORM_FOCUS_OR_CHANGE, FORM_SUBMISSION } from './forms.js';
import { LINK_CLICK, PAGE_PING, PAGE_VIEW, SITE_SEARCH } from './web.js';

/**
 * Every event kind rxplow can track, by its `kind` tag, with each definition's type (`rxplow/extend`; the same object
 * as `ALL_EVENTS`, the one registry). Importing it keeps every definition in a bundle: only the registry of
 * plain-data events (`createTracker(sinks, { events: ALL_EVENTS })`) and the classic `Tracker` need it.
 */
export const EVENT_DEFINITIONS = /* @__PURE__ */ Object.freeze({
  pageView: PAGE_VIEW,
  pagePing: PAGE_PING,
  structEvent: STRUCT_EVENT,
  selfDescribingEvent: SELF_DESCRIBING,
  screenView: SCREEN_VIEW,
  mobileScreenView: MOBILE_SCREEN_VIEW,
  ecommerceTransaction: ECOMMERCE_TRANSACTION,
  linkClick: LINK_CLICK,
  addToCart: ADD_TO_CART,
  removeFromCart: REMOVE_FROM_CART,
  formFocusOrChange: FORM_FOCUS_OR_CHANGE,
  formSubmission: FORM_SUBMISSION,
  siteSearch: SITE_SEARCH,
  adImpression: AD_IMPRESSION,
  adClick: AD_CLICK,
  adConversion: AD_CONVERSION,
  socialInteraction: SOCIAL_INTERACTION,
  consentGranted: CONSENT_GRANTED,
  consentWithdrawn: CONSENT_WITHDRAWN,
  timing: TIMING,
  applicationError: APPLICATION_ERROR,
} as const);

/** A registry of event definitions by kind, for events that arrive as plain `{ kind, ...fields }` data. */
export type EventRegistry = Readonly<Record<string, EventDefinition<never>>>;

/**
 * The opt-in registry of every kind, for plain-data events (from JSON, `postMessage`, a worker): pass it as
 * `createTracker(sinks, { events: ALL_EVENTS })`. The one registry: each kind by its `kind` tag, no aliases. Events
 * made by the constructors (`pageView({...})`) need no registry.
 */
export const ALL_EVENTS: EventRegistry = EVENT_DEFINITIONS as unknown as EventRegistry;

/** Every event kind's tag. */
export type EventKind = keyof typeof EVENT_DEFINITIONS;
/** The fields of the event kind `K`. */
export type EventFields<K extends EventKind> = (typeof EVENT_DEFINITIONS)[K] extends EventDefinition<infer F> ? F : never;

/** An event as plain data: a `kind` tag plus that kind's fields. Build one with the constructor functions. */
export type TrackerEvent<K extends EventKind = EventKind> = K extends EventKind ? { readonly kind: K } & EventFields<K> : never;
