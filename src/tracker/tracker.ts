import { ALL_EVENTS } from '../events/registry.js';
import type { EventFields } from '../events/registry.js';
import { AD_CLICK, AD_CONVERSION, AD_IMPRESSION } from '../events/ads.js';
import { CONSENT_GRANTED, CONSENT_WITHDRAWN } from '../events/consent.js';
import { ADD_TO_CART, ECOMMERCE_TRANSACTION, REMOVE_FROM_CART } from '../events/ecommerce.js';
import { APPLICATION_ERROR, SOCIAL_INTERACTION, TIMING } from '../events/engagement.js';
import { MOBILE_SCREEN_VIEW, SCREEN_VIEW } from '../events/screen.js';
import { SELF_DESCRIBING, STRUCT_EVENT } from '../events/structured.js';
import { FORM_FOCUS_OR_CHANGE, FORM_SUBMISSION } from '../events/forms.js';
import { LINK_CLICK, PAGE_PING, PAGE_VIEW, SITE_SEARCH } from '../events/web.js';
import type { Sink } from '../emitter/sink.js';
import type { SelfDescribing } from '../payload/self-describing-json.js';
import { CoreTracker } from './core.js';
import type { TrackerOptions, TrackOptions } from './options.js';
import type { SubjectFields } from './subject-fields.js';

/**
 * The classic tracker: the lean core ({@link CoreTracker}: `track`, `with`, global contexts, `flush`, `shutdown`)
 * plus one chainable `trackX` method per event kind and `setX` methods for the subject. Convenient, but it keeps
 * every event definition in a bundle: browser apps that care about size use `createTracker` and the constructors.
 *
 * Every track method validates its input synchronously and throws an InvalidEventError (nothing is sent) when it
 * is bad; it returns the tracker, so calls chain. Plain-data events (`{ kind, ... }`) resolve through `ALL_EVENTS`
 * unless the `events` option says otherwise.
 */
export class Tracker extends CoreTracker {
  /**
   * @param emitters where events go; more can be added with {@link CoreTracker.addEmitter}.
   * @throws {InvalidOptionsError} for options it cannot use.
   */
  constructor(emitters: Sink | readonly Sink[], options: TrackerOptions = {}) {
    super(emitters, { events: ALL_EVENTS, ...options });
  }

  /** Sets the platform (`p`). */
  setPlatform(platform: NonNullable<SubjectFields['platform']>): this {
    return this.setSubject({ platform });
  }
  /** Sets the business user id (`uid`). */
  setUserId(userId: string): this {
    return this.setSubject({ userId });
  }
  /** Sets the screen resolution (`res`). */
  setScreenResolution(width: number, height: number): this {
    return this.setSubject({ screenResolution: `${width}x${height}` });
  }
  /** Sets the viewport (`vp`). */
  setViewport(width: number, height: number): this {
    return this.setSubject({ viewport: `${width}x${height}` });
  }
  /** Sets the colour depth (`cd`). */
  setColorDepth(colorDepth: number): this {
    return this.setSubject({ colorDepth });
  }
  /** Sets the time zone (`tz`). */
  setTimezone(timezone: string): this {
    return this.setSubject({ timezone });
  }
  /** Sets the language (`lang`). */
  setLanguage(language: string): this {
    return this.setSubject({ language });
  }
  /** Sets the IP address override (`ip`). */
  setIpAddress(ipAddress: string): this {
    return this.setSubject({ ipAddress });
  }
  /** Sets the user-agent override (`ua`). */
  setUseragent(useragent: string): this {
    return this.setSubject({ useragent });
  }
  /** Sets the domain user id (`duid`). */
  setDomainUserId(domainUserId: string): this {
    return this.setSubject({ domainUserId });
  }
  /** Sets the network user id (`tnuid`). */
  setNetworkUserId(networkUserId: string): this {
    return this.setSubject({ networkUserId });
  }
  /** Sets the session id (`sid`, a UUID). */
  setSessionId(sessionId: string): this {
    return this.setSubject({ sessionId });
  }
  /** Sets the session index (`vid`). */
  setSessionIndex(sessionIndex: number): this {
    return this.setSubject({ sessionIndex });
  }

  /** Page view (`e=pv`). @throws {InvalidEventError} when `pageUrl` is missing or a field has the wrong type. */
  trackPageView(fields: EventFields<'pageView'>, options?: TrackOptions): this {
    return this.trackWith(PAGE_VIEW, fields, options);
  }
  /** Page ping (`e=pp`). @throws {InvalidEventError} when `pageUrl` is missing or an offset is not an integer. */
  trackPagePing(fields: EventFields<'pagePing'>, options?: TrackOptions): this {
    return this.trackWith(PAGE_PING, fields, options);
  }
  /** Structured event (`e=se`). @throws {InvalidEventError} when `category`/`action` are missing or `value` is not finite. */
  trackStructEvent(fields: EventFields<'structEvent'>, options?: TrackOptions): this {
    return this.trackWith(STRUCT_EVENT, fields, options);
  }
  /** Self-describing event (`e=ue`). @throws {InvalidEventError} for a malformed Iglu URI or data that cannot be serialised. */
  trackSelfDescribingEvent(event: SelfDescribing, options?: TrackOptions): this {
    return this.trackWith(SELF_DESCRIBING, { event }, options);
  }
  /** Alias of {@link Tracker.trackSelfDescribingEvent}, the Python tracker's name. */
  trackUnstructEvent(event: SelfDescribing, options?: TrackOptions): this {
    return this.trackSelfDescribingEvent(event, options);
  }
  /** Legacy screen view (`screen_view` 1-0-0). @throws {InvalidEventError} when both `name` and `id` are missing. */
  trackScreenView(fields: EventFields<'screenView'>, options?: TrackOptions): this {
    return this.trackWith(SCREEN_VIEW, fields, options);
  }
  /** Mobile screen view (`com.snowplowanalytics.mobile/screen_view`). @throws {InvalidEventError} when `name` is missing or an id is not a UUID. */
  trackMobileScreenView(fields: EventFields<'mobileScreenView'>, options?: TrackOptions): this {
    return this.trackWith(MOBILE_SCREEN_VIEW, fields, options);
  }
  /** Ecommerce transaction: one `tr` plus one `ti` per item. @throws {InvalidEventError} when `orderId`, `total` or an item's `sku`/`price` is missing. */
  trackEcommerceTransaction(fields: EventFields<'ecommerceTransaction'>, options?: TrackOptions): this {
    return this.trackWith(ECOMMERCE_TRANSACTION, fields, options);
  }
  /** Link click (`link_click` 1-0-1). @throws {InvalidEventError} when `targetUrl` is missing. */
  trackLinkClick(fields: EventFields<'linkClick'>, options?: TrackOptions): this {
    return this.trackWith(LINK_CLICK, fields, options);
  }
  /** Add to cart (`add_to_cart` 1-0-0). @throws {InvalidEventError} when `sku` or `quantity` is missing. */
  trackAddToCart(fields: EventFields<'addToCart'>, options?: TrackOptions): this {
    return this.trackWith(ADD_TO_CART, fields, options);
  }
  /** Remove from cart (`remove_from_cart` 1-0-0). @throws {InvalidEventError} when `sku` or `quantity` is missing. */
  trackRemoveFromCart(fields: EventFields<'removeFromCart'>, options?: TrackOptions): this {
    return this.trackWith(REMOVE_FROM_CART, fields, options);
  }
  /** Form focus or change (`focus_form` / `change_form` 1-0-0). @throws {InvalidEventError} for a missing id or a `nodeName`/`type` outside the schema's list. */
  trackFormFocusOrChange(fields: EventFields<'formFocusOrChange'>, options?: TrackOptions): this {
    return this.trackWith(FORM_FOCUS_OR_CHANGE, fields, options);
  }
  /** Form submission (`submit_form` 1-0-0). @throws {InvalidEventError} when `formId` is missing or an element is malformed. */
  trackFormSubmission(fields: EventFields<'formSubmission'>, options?: TrackOptions): this {
    return this.trackWith(FORM_SUBMISSION, fields, options);
  }
  /** Site search (`site_search` 1-0-0). @throws {InvalidEventError} when `terms` is missing or counts are not integers. */
  trackSiteSearch(fields: EventFields<'siteSearch'>, options?: TrackOptions): this {
    return this.trackWith(SITE_SEARCH, fields, options);
  }
  /** Ad impression (`ad_impression` 1-0-0). @throws {InvalidEventError} when no field is given. */
  trackAdImpression(fields: EventFields<'adImpression'>, options?: TrackOptions): this {
    return this.trackWith(AD_IMPRESSION, fields, options);
  }
  /** Ad click (`ad_click` 1-0-0). @throws {InvalidEventError} when `targetUrl` is missing. */
  trackAdClick(fields: EventFields<'adClick'>, options?: TrackOptions): this {
    return this.trackWith(AD_CLICK, fields, options);
  }
  /** Ad conversion (`ad_conversion` 1-0-0). @throws {InvalidEventError} when no field is given. */
  trackAdConversion(fields: EventFields<'adConversion'>, options?: TrackOptions): this {
    return this.trackWith(AD_CONVERSION, fields, options);
  }
  /** Social interaction (`social_interaction` 1-0-0). @throws {InvalidEventError} when `action` or `network` is missing. */
  trackSocialInteraction(fields: EventFields<'socialInteraction'>, options?: TrackOptions): this {
    return this.trackWith(SOCIAL_INTERACTION, fields, options);
  }
  /** Consent granted, with a `consent_document` entity. @throws {InvalidEventError} when `id`/`version` are missing or `expiry` is not an ISO date-time. */
  trackConsentGranted(fields: EventFields<'consentGranted'>, options?: TrackOptions): this {
    return this.trackWith(CONSENT_GRANTED, fields, options);
  }
  /** Consent withdrawn, with a `consent_document` entity. @throws {InvalidEventError} when `id`/`version` are missing. */
  trackConsentWithdrawn(fields: EventFields<'consentWithdrawn'>, options?: TrackOptions): this {
    return this.trackWith(CONSENT_WITHDRAWN, fields, options);
  }
  /** Timing (`timing` 1-0-0). @throws {InvalidEventError} when `category`, `variable` or `timing` is missing. */
  trackTiming(fields: EventFields<'timing'>, options?: TrackOptions): this {
    return this.trackWith(TIMING, fields, options);
  }
  /** Application error (`application_error` 1-0-1). @throws {InvalidEventError} when `message` is missing. */
  trackApplicationError(fields: EventFields<'applicationError'>, options?: TrackOptions): this {
    return this.trackWith(APPLICATION_ERROR, fields, options);
  }
}
