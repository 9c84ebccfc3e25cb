/** Every Iglu URI rxplow writes, in one place. */
const SP = 'iglu:com.snowplowanalytics.snowplow';

export const SCHEMAS = {
  payloadData: `${SP}/payload_data/jsonschema/1-0-4`,
  unstructEvent: `${SP}/unstruct_event/jsonschema/1-0-0`,
  contexts: `${SP}/contexts/jsonschema/1-0-1`,
  screenView: `${SP}/screen_view/jsonschema/1-0-0`,
  mobileScreenView: 'iglu:com.snowplowanalytics.mobile/screen_view/jsonschema/1-0-0',
  linkClick: `${SP}/link_click/jsonschema/1-0-1`,
  addToCart: `${SP}/add_to_cart/jsonschema/1-0-0`,
  removeFromCart: `${SP}/remove_from_cart/jsonschema/1-0-0`,
  changeForm: `${SP}/change_form/jsonschema/1-0-0`,
  focusForm: `${SP}/focus_form/jsonschema/1-0-0`,
  submitForm: `${SP}/submit_form/jsonschema/1-0-0`,
  siteSearch: `${SP}/site_search/jsonschema/1-0-0`,
  adImpression: `${SP}/ad_impression/jsonschema/1-0-0`,
  adClick: `${SP}/ad_click/jsonschema/1-0-0`,
  adConversion: `${SP}/ad_conversion/jsonschema/1-0-0`,
  socialInteraction: `${SP}/social_interaction/jsonschema/1-0-0`,
  consentGranted: `${SP}/consent_granted/jsonschema/1-0-0`,
  consentWithdrawn: `${SP}/consent_withdrawn/jsonschema/1-0-0`,
  consentDocument: `${SP}/consent_document/jsonschema/1-0-0`,
  timing: `${SP}/timing/jsonschema/1-0-0`,
  applicationError: `${SP}/application_error/jsonschema/1-0-1`,
} as const;

/** The pattern the `unstruct_event` and `contexts` schemas impose on an Iglu URI. */
export const IGLU_URI = /^iglu:[a-zA-Z0-9-_.]+\/[a-zA-Z0-9-_]+\/[a-zA-Z0-9-_]+\/[0-9]+-[0-9]+-[0-9]+$/;
