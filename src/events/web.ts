// Web events: page views and pings, link clicks and internal site searches (the form events are in forms.ts).
import { diagnostic } from '../diagnostics.js';
import { InvalidEventError } from '../errors.js';
import * as c from '../payload/checks.js';
import { LINK_CLICK_SCHEMA, SITE_SEARCH_SCHEMA } from '../payload/schemas.js';
import { defineEvent, eventConstructor, selfDescribingWire } from './definition.js';

/** A page view (`e=pv`). */
export interface PageViewFields {
  /** The page URL (`url`). Required. */
  readonly pageUrl: string;
  /** The page title (`page`). */
  readonly pageTitle?: string | undefined;
  /** The referrer URL (`refr`). */
  readonly referrer?: string | undefined;
}

/** A page ping (`e=pp`): the page is still open; offsets are the scroll range seen in the ping period. Offsets of 0 are sent. */
export interface PagePingFields extends PageViewFields {
  /** Minimum horizontal scroll offset (`pp_mix`), an integer. */
  readonly minXOffset?: number | undefined;
  /** Maximum horizontal scroll offset (`pp_max`), an integer. */
  readonly maxXOffset?: number | undefined;
  /** Minimum vertical scroll offset (`pp_miy`), an integer. */
  readonly minYOffset?: number | undefined;
  /** Maximum vertical scroll offset (`pp_may`), an integer. */
  readonly maxYOffset?: number | undefined;
}

/** A link click (`link_click` 1-0-1). */
export interface LinkClickFields {
  /** The link's target URL. Required. */
  readonly targetUrl: string;
  /** The `id` of the link element. */
  readonly elementId?: string | undefined;
  /** The classes of the link element. */
  readonly elementClasses?: readonly string[] | undefined;
  /** The `target` attribute of the link element. */
  readonly elementTarget?: string | undefined;
  /** The link's text content. */
  readonly elementContent?: string | undefined;
}

/** An internal site search (`site_search` 1-0-0). */
export interface SiteSearchFields {
  /** The search terms: at least one. Required. */
  readonly terms: readonly string[];
  /** Filters applied to the search, as name → string or boolean. */
  readonly filters?: Readonly<Record<string, string | boolean>> | undefined;
  /** Total number of results, an integer. */
  readonly totalResults?: number | undefined;
  /** Number of results shown on the page, an integer. */
  readonly pageResults?: number | undefined;
}

const optionalString = /* @__PURE__ */ c.optional(c.string);
const optionalClasses = /* @__PURE__ */ c.optional(/* @__PURE__ */ c.arrayOf(c.string));
const optionalInteger = /* @__PURE__ */ c.optional(c.integer);

const PAGE_CHECKS = { pageUrl: c.nonEmptyString, pageTitle: optionalString, referrer: optionalString };

export const PAGE_VIEW = /* @__PURE__ */ defineEvent<PageViewFields, 'pageView'>({
  kind: 'pageView',
  checks: PAGE_CHECKS,
  toWire: (f) => ({ e: 'pv', fields: { url: f.pageUrl, page: f.pageTitle, refr: f.referrer } }),
});

/** Builds a page-view event as plain data, for `tracker.track()` or an Observable fed to `tracker.input`. */
export const pageView = /* @__PURE__ */ eventConstructor(PAGE_VIEW);

export const PAGE_PING = /* @__PURE__ */ defineEvent<PagePingFields, 'pagePing'>({
  kind: 'pagePing',
  checks: /* @__PURE__ */ Object.assign({}, PAGE_CHECKS, {
    minXOffset: optionalInteger,
    maxXOffset: optionalInteger,
    minYOffset: optionalInteger,
    maxYOffset: optionalInteger,
  }),
  toWire: (f) => ({
    e: 'pp',
    fields: {
      url: f.pageUrl,
      page: f.pageTitle,
      refr: f.referrer,
      pp_mix: f.minXOffset,
      pp_max: f.maxXOffset,
      pp_miy: f.minYOffset,
      pp_may: f.maxYOffset,
    },
  }),
});

/** Builds a page-ping event as plain data. */
export const pagePing = /* @__PURE__ */ eventConstructor(PAGE_PING);

export const LINK_CLICK = /* @__PURE__ */ defineEvent<LinkClickFields, 'linkClick'>({
  kind: 'linkClick',
  checks: {
    targetUrl: c.nonEmptyString,
    elementId: optionalString,
    elementClasses: optionalClasses,
    elementTarget: optionalString,
    elementContent: optionalString,
  },
  toWire: (f) => selfDescribingWire(LINK_CLICK_SCHEMA, f),
});

/** Builds a link-click event as plain data. */
export const linkClick = /* @__PURE__ */ eventConstructor(LINK_CLICK);

const filterValue: c.Check<string | boolean> = (value, field) => (typeof value === 'boolean' ? value : c.string(value, field));

export const SITE_SEARCH = /* @__PURE__ */ defineEvent<SiteSearchFields, 'siteSearch'>({
  kind: 'siteSearch',
  checks: {
    terms: /* @__PURE__ */ c.arrayOf(c.string),
    filters: /* @__PURE__ */ c.optional((value, field) => {
      const object = c.jsonObject(value, field);
      for (const key in object) filterValue(object[key], `${field}.${key}`);
      return object as Record<string, string | boolean>;
    }),
    totalResults: /* @__PURE__ */ c.optional(c.nonNegativeInteger),
    pageResults: /* @__PURE__ */ c.optional(c.nonNegativeInteger),
  },
  refine: (f) => {
    if (f.terms.length === 0) throw new InvalidEventError('terms', diagnostic(604));
  },
  toWire: (f) => selfDescribingWire(SITE_SEARCH_SCHEMA, f),
});

/** Builds a site-search event as plain data. */
export const siteSearch = /* @__PURE__ */ eventConstructor(SITE_SEARCH);
