// rxplow/browser: the web tracker. Importing it reads no browser global (SSR-safe); the optional modules
// (activityTracking, linkClickTracking, formTracking, errorTracking) are separate modules, so a bundle keeps only
// the ones an app passes to `plugins` or `tracker.use()`.
export { createBrowserTracker } from './compose.js';
export type { BrowserTracker } from './tracker.js';
export type { AnonymousTracking, BrowserPlugin, BrowserTrackerOptions, PageViewRecord } from './options.js';
export type { AnonymousMode, CookieOptions, SessionRecord, StorageKind } from './identity.js';
export type { IdInheritance, InheritContext, InheritedIds, IdState } from './id-state.js';
export type { CookieAttributes } from './cookies.js';
export { snowplowCookies } from './snowplow-cookies.js';
export type { SnowplowCookieOptions } from './snowplow-cookies.js';
export { consentSignals } from './consent.js';
export type { ConsentSignalOptions } from './consent.js';
export { crossDomainLanding, crossDomainLinker } from './cross-domain.js';
export type { CrossDomainLandingOptions, CrossDomainLinkerOptions } from './cross-domain.js';
export type { BrowserOutboxOptions } from './outbox/options.js';
export { activityTracking } from './activity.js';
export type { ActivityTrackingOptions } from './activity.js';
export { linkClickTracking } from './link-clicks.js';
export type { LinkClickTrackingOptions } from './link-clicks.js';
export { formTracking } from './forms.js';
export type { FieldElement, FormTrackingOptions } from './forms.js';
export { errorTracking } from './errors.js';
export type { ErrorTrackingOptions } from './errors.js';
export {
  ecommercePage,
  ecommerceUser,
  trackAddToCart,
  trackCheckoutStep,
  trackProductListClick,
  trackProductListView,
  trackProductView,
  trackPromotionClick,
  trackPromotionView,
  trackRefund,
  trackRemoveFromCart,
  trackTransaction,
  trackTransactionError,
} from './ecommerce.js';
export type {
  EcommerceCallOptions,
  EcommerceCart,
  EcommerceFields,
  EcommerceList,
  EcommerceProduct,
  EcommercePromotion,
  EcommerceTracker,
  EcommerceTransaction,
  EcommerceValue,
} from './ecommerce.js';
export { browserContext } from './browser-context.js';
export type { BrowserContextOptions } from './browser-context.js';
export { buttonClickTracking } from './button-clicks.js';
export type { ButtonClickTrackingOptions, ButtonElement } from './button-clicks.js';
export { performanceNavigationTiming } from './navigation-timing.js';
export { clientHints } from './client-hints.js';
export type { ClientHintsOptions } from './client-hints.js';
