import { ADD_TO_CART, ECOMMERCE_TRANSACTION, REMOVE_FROM_CART } from './ecommerce.js';
import { AD_CLICK, AD_CONVERSION, AD_IMPRESSION } from './ads.js';
import { CONSENT_GRANTED, CONSENT_WITHDRAWN } from './consent.js';
import type { EventDefinition } from './definition.js';
import { APPLICATION_ERROR, SOCIAL_INTERACTION, TIMING } from './engagement.js';
import { MOBILE_SCREEN_VIEW, SCREEN_VIEW } from './screen.js';
import { SELF_DESCRIBING, STRUCT_EVENT } from './structured.js';
import { FORM_FOCUS_OR_CHANGE, FORM_SUBMISSION, LINK_CLICK, PAGE_PING, PAGE_VIEW, SITE_SEARCH } from './web.js';
import type { SelfDescribing } from '../payload/self-describing-json.js';

/** Every event kind rxplow can track, by the `kind` tag of its plain-data form. */
export const EVENT_DEFINITIONS = {
  pageView: PAGE_VIEW,
  pagePing: PAGE_PING,
  structEvent: STRUCT_EVENT,
  selfDescribing: SELF_DESCRIBING,
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
  error: APPLICATION_ERROR,
} as const;

export type EventKind = keyof typeof EVENT_DEFINITIONS;
type FieldsOf<D> = D extends EventDefinition<infer F> ? F : never;
/** The fields of the event kind `K`. */
export type EventFields<K extends EventKind> = FieldsOf<(typeof EVENT_DEFINITIONS)[K]>;

/** An event as plain data: a `kind` tag plus that kind's fields. Build one with the constructor functions. */
export type TrackerEvent<K extends EventKind = EventKind> = K extends EventKind ? { readonly kind: K } & EventFields<K> : never;

const constructorOf =
  <K extends EventKind>(kind: K) =>
  (fields: EventFields<K>): TrackerEvent<K> =>
    ({ ...fields, kind }) as TrackerEvent<K>;

/** Builds a page-view event as plain data, for `tracker.track()` or an Observable fed to `tracker.input`. */
export const pageView = constructorOf('pageView');
/** Builds a page-ping event as plain data. */
export const pagePing = constructorOf('pagePing');
/** Builds a structured event as plain data. */
export const structEvent = constructorOf('structEvent');
/** Builds a legacy screen-view event as plain data. */
export const screenView = constructorOf('screenView');
/** Builds a mobile screen-view event as plain data. */
export const mobileScreenView = constructorOf('mobileScreenView');
/** Builds an ecommerce transaction (with its items) as plain data. */
export const ecommerceTransaction = constructorOf('ecommerceTransaction');
/** Builds a link-click event as plain data. */
export const linkClick = constructorOf('linkClick');
/** Builds an add-to-cart event as plain data. */
export const addToCart = constructorOf('addToCart');
/** Builds a remove-from-cart event as plain data. */
export const removeFromCart = constructorOf('removeFromCart');
/** Builds a form focus or change event as plain data. */
export const formFocusOrChange = constructorOf('formFocusOrChange');
/** Builds a form submission event as plain data. */
export const formSubmission = constructorOf('formSubmission');
/** Builds a site-search event as plain data. */
export const siteSearch = constructorOf('siteSearch');
/** Builds an ad-impression event as plain data. */
export const adImpression = constructorOf('adImpression');
/** Builds an ad-click event as plain data. */
export const adClick = constructorOf('adClick');
/** Builds an ad-conversion event as plain data. */
export const adConversion = constructorOf('adConversion');
/** Builds a social-interaction event as plain data. */
export const socialInteraction = constructorOf('socialInteraction');
/** Builds a consent-granted event as plain data. */
export const consentGranted = constructorOf('consentGranted');
/** Builds a consent-withdrawn event as plain data. */
export const consentWithdrawn = constructorOf('consentWithdrawn');
/** Builds a timing event as plain data. */
export const timing = constructorOf('timing');
/** Builds an application-error event as plain data. */
export const applicationError = constructorOf('error');
/** Builds a self-describing event as plain data from a SelfDescribingJson (or `{schema, data}`). */
export const selfDescribingEvent = (event: SelfDescribing): TrackerEvent<'selfDescribing'> => ({ kind: 'selfDescribing', event });
