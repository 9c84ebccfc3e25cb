/**
 * Every Iglu URI rxplow writes. One named constant each, so a bundle keeps only the URIs of the events it uses;
 * {@link SCHEMAS} gathers them for callers who want a table. Plain string literals, not templates over a shared
 * prefix: a bundler cannot drop an unused template literal with a substitution (it might call `toString`).
 */

export const PAYLOAD_DATA_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4';
export const UNSTRUCT_EVENT_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0';
export const CONTEXTS_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1';
export const SCREEN_VIEW_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/screen_view/jsonschema/1-0-0';
export const MOBILE_SCREEN_VIEW_SCHEMA = 'iglu:com.snowplowanalytics.mobile/screen_view/jsonschema/1-0-0';
export const LINK_CLICK_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1';
export const ADD_TO_CART_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/add_to_cart/jsonschema/1-0-0';
export const REMOVE_FROM_CART_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/remove_from_cart/jsonschema/1-0-0';
export const CHANGE_FORM_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/change_form/jsonschema/1-0-0';
export const FOCUS_FORM_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/focus_form/jsonschema/1-0-0';
export const SUBMIT_FORM_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/submit_form/jsonschema/1-0-0';
export const SITE_SEARCH_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/site_search/jsonschema/1-0-0';
export const AD_IMPRESSION_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/ad_impression/jsonschema/1-0-0';
export const AD_CLICK_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/ad_click/jsonschema/1-0-0';
export const AD_CONVERSION_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/ad_conversion/jsonschema/1-0-0';
export const SOCIAL_INTERACTION_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/social_interaction/jsonschema/1-0-0';
export const CONSENT_GRANTED_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/consent_granted/jsonschema/1-0-0';
export const CONSENT_WITHDRAWN_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/consent_withdrawn/jsonschema/1-0-0';
export const CONSENT_DOCUMENT_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/consent_document/jsonschema/1-0-0';
export const TIMING_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/timing/jsonschema/1-0-0';
export const APPLICATION_ERROR_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/application_error/jsonschema/1-0-1';

/** Every Iglu URI rxplow writes, by name (frozen). */
export const SCHEMAS = /* @__PURE__ */ Object.freeze({
  payloadData: PAYLOAD_DATA_SCHEMA,
  unstructEvent: UNSTRUCT_EVENT_SCHEMA,
  contexts: CONTEXTS_SCHEMA,
  screenView: SCREEN_VIEW_SCHEMA,
  mobileScreenView: MOBILE_SCREEN_VIEW_SCHEMA,
  linkClick: LINK_CLICK_SCHEMA,
  addToCart: ADD_TO_CART_SCHEMA,
  removeFromCart: REMOVE_FROM_CART_SCHEMA,
  changeForm: CHANGE_FORM_SCHEMA,
  focusForm: FOCUS_FORM_SCHEMA,
  submitForm: SUBMIT_FORM_SCHEMA,
  siteSearch: SITE_SEARCH_SCHEMA,
  adImpression: AD_IMPRESSION_SCHEMA,
  adClick: AD_CLICK_SCHEMA,
  adConversion: AD_CONVERSION_SCHEMA,
  socialInteraction: SOCIAL_INTERACTION_SCHEMA,
  consentGranted: CONSENT_GRANTED_SCHEMA,
  consentWithdrawn: CONSENT_WITHDRAWN_SCHEMA,
  consentDocument: CONSENT_DOCUMENT_SCHEMA,
  timing: TIMING_SCHEMA,
  applicationError: APPLICATION_ERROR_SCHEMA,
} as const);

/** The pattern the `unstruct_event` and `contexts` schemas impose on an Iglu URI. */
export const IGLU_URI = /^iglu:[a-zA-Z0-9-_.]+\/[a-zA-Z0-9-_]+\/[a-zA-Z0-9-_]+\/[0-9]+-[0-9]+-[0-9]+$/;
