import { diagnostic } from '../diagnostics.js';
import { InvalidEventError } from '../errors.js';
import * as c from '../payload/checks.js';
import { CHANGE_FORM_SCHEMA, FOCUS_FORM_SCHEMA, LINK_CLICK_SCHEMA, SITE_SEARCH_SCHEMA, SUBMIT_FORM_SCHEMA } from '../payload/schemas.js';
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

/** The `nodeName` values the form schemas allow. */
export const FORM_NODE_NAMES = ['INPUT', 'TEXTAREA', 'SELECT'] as const;
/** The input `type` values the form schemas allow. */
export const FORM_INPUT_TYPES = [
  'button',
  'checkbox',
  'color',
  'date',
  'datetime',
  'datetime-local',
  'email',
  'file',
  'hidden',
  'image',
  'month',
  'number',
  'password',
  'radio',
  'range',
  'reset',
  'search',
  'submit',
  'tel',
  'text',
  'time',
  'url',
  'week',
] as const;
/** An element `nodeName` the form schemas allow. */
export type FormNodeName = (typeof FORM_NODE_NAMES)[number];
/** An input `type` the form schemas allow. */
export type FormInputType = (typeof FORM_INPUT_TYPES)[number];

/** A form element gaining focus (`focus_form` 1-0-0) or changing value (`change_form` 1-0-0). */
export interface FormFocusOrChangeFields {
  /** Which event: `'change_form'` or `'focus_form'`. Required. */
  readonly schema: 'change_form' | 'focus_form';
  /** The form's `id`. Required (may be empty). */
  readonly formId: string;
  /** The element's `id` (or name). Required (may be empty). */
  readonly elementId: string;
  /** `'INPUT'`, `'TEXTAREA'` or `'SELECT'`. Required. */
  readonly nodeName: FormNodeName;
  /** The input type, for `INPUT` elements. Sent as `type` in `change_form`, as `elementType` in `focus_form`. */
  readonly type?: FormInputType | null | undefined;
  /** The element's classes. */
  readonly elementClasses?: readonly string[] | undefined;
  /** The element's value. Sent as `null` when absent, as the schemas require the key. */
  readonly value?: string | null | undefined;
}

/** One element of a submitted form. */
export interface FormElement {
  /** The element's name. Required. */
  readonly name: string;
  /** The element's value, or `null`. */
  readonly value: string | null;
  /** `'INPUT'`, `'TEXTAREA'` or `'SELECT'`. Required. */
  readonly nodeName: FormNodeName;
  /** The input type, for `INPUT` elements. */
  readonly type?: FormInputType | null | undefined;
}

/** A form submission (`submit_form` 1-0-0). */
export interface FormSubmissionFields {
  /** The form's `id`. Required (may be empty). */
  readonly formId: string;
  /** The form's classes. */
  readonly formClasses?: readonly string[] | undefined;
  /** The form's elements with their values. */
  readonly elements?: readonly FormElement[] | undefined;
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
const formType = /* @__PURE__ */ c.optional(/* @__PURE__ */ c.oneOf(FORM_INPUT_TYPES));
// The form schemas' maxLength limits, checked here so a too-long value is a typed error, not a bad event later.
const formIdCheck = /* @__PURE__ */ c.stringUpTo(4096);
const formValue: c.Check<string | null> = (value, field) =>
  value === undefined || value === null ? null : /* @__PURE__ */ c.stringUpTo(65_535)(value, field);

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

export const FORM_FOCUS_OR_CHANGE = /* @__PURE__ */ defineEvent<FormFocusOrChangeFields, 'formFocusOrChange'>({
  kind: 'formFocusOrChange',
  checks: {
    schema: /* @__PURE__ */ c.oneOf(['change_form', 'focus_form']),
    formId: formIdCheck,
    elementId: formIdCheck,
    nodeName: /* @__PURE__ */ c.oneOf(FORM_NODE_NAMES),
    type: formType,
    elementClasses: optionalClasses,
    value: formValue,
  },
  // focus_form names the input type `elementType`; change_form names it `type` (both schemas forbid other keys).
  toWire: ({ schema, value, type, ...rest }) =>
    schema === 'change_form'
      ? selfDescribingWire(CHANGE_FORM_SCHEMA, { ...rest, type, value: value ?? null })
      : selfDescribingWire(FOCUS_FORM_SCHEMA, { ...rest, elementType: type, value: value ?? null }),
});

/** Builds a form focus or change event as plain data. */
export const formFocusOrChange = /* @__PURE__ */ eventConstructor(FORM_FOCUS_OR_CHANGE);

export const FORM_SUBMISSION = /* @__PURE__ */ defineEvent<FormSubmissionFields, 'formSubmission'>({
  kind: 'formSubmission',
  checks: {
    formId: formIdCheck,
    formClasses: optionalClasses,
    elements: /* @__PURE__ */ c.optional(
      /* @__PURE__ */ c.arrayOf(
        /* @__PURE__ */ c.objectOf<FormElement>({
          name: /* @__PURE__ */ c.stringUpTo(65_535),
          value: formValue,
          nodeName: /* @__PURE__ */ c.oneOf(FORM_NODE_NAMES),
          type: formType,
        }),
      ),
    ),
  },
  toWire: (f) => selfDescribingWire(SUBMIT_FORM_SCHEMA, f),
});

/** Builds a form submission event as plain data. */
export const formSubmission = /* @__PURE__ */ eventConstructor(FORM_SUBMISSION);

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
