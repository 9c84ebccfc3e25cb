/**
 * Every Iglu URI rxplow writes. One named constant each, so a bundle keeps only the URIs of the events it uses;
 * {@link SCHEMAS} gathers them for callers who want a table.
 */
const SP = 'iglu:com.snowplowanalytics.snowplow';

export const PAYLOAD_DATA_SCHEMA = `${SP}/payload_data/jsonschema/1-0-4`;
export const UNSTRUCT_EVENT_SCHEMA = `${SP}/unstruct_event/jsonschema/1-0-0`;
export const CONTEXTS_SCHEMA = `${SP}/contexts/jsonschema/1-0-1`;
export const SCREEN_VIEW_SCHEMA = `${SP}/screen_view/jsonschema/1-0-0`;
export const MOBILE_SCREEN_VIEW_SCHEMA = 'iglu:com.snowplowanalytics.mobile/screen_view/jsonschema/1-0-0';
export const LINK_CLICK_SCHEMA = `${SP}/link_click/jsonschema/1-0-1`;
export const ADD_TO_CART_SCHEMA = `${SP}/add_to_cart/jsonschema/1-0-0`;
export const REMOVE_FROM_CART_SCHEMA = `${SP}/remove_from_cart/jsonschema/1-0-0`;
export const CHANGE_FORM_SCHEMA = `${SP}/change_form/jsonschema/1-0-0`;
export const FOCUS_FORM_SCHEMA = `${SP}/focus_form/jsonschema/1-0-0`;
export const SUBMIT_FORM_SCHEMA = `${SP}/submit_form/jsonschema/1-0-0`;
export const SITE_SEARCH_SCHEMA = `${SP}/site_search/jsonschema/1-0-0`;
export const AD_IMPRESSION_SCHEMA = `${SP}/ad_impression/jsonschema/1-0-0`;
export const AD_CLICK_SCHEMA = `${SP}/ad_click/jsonschema/1-0-0`;
export const AD_CONVERSION_SCHEMA = `${SP}/ad_conversion/jsonschema/1-0-0`;
export const SOCIAL_INTERACTION_SCHEMA = `${SP}/social_interaction/jsonschema/1-0-0`;
export const CONSENT_GRANTED_SCHEMA = `${SP}/consent_granted/jsonschema/1-0-0`;
export const CONSENT_WITHDRAWN_SCHEMA = `${SP}/consent_withdrawn/jsonschema/1-0-0`;
export const CONSENT_DOCUMENT_SCHEMA = `${SP}/consent_document/jsonschema/1-0-0`;
export const TIMING_SCHEMA = `${SP}/timing/jsonschema/1-0-0`;
export const APPLICATION_ERROR_SCHEMA = `${SP}/application_error/jsonschema/1-0-1`;

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
