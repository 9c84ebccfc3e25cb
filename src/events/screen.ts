import { diagnostic } from '../diagnostics.js';
import { InvalidEventError } from '../errors.js';
import * as c from '../payload/checks.js';
import { MOBILE_SCREEN_VIEW_SCHEMA, SCREEN_VIEW_SCHEMA } from '../payload/schemas.js';
import { defineEvent, eventConstructor, selfDescribingWire } from './definition.js';

/** A screen view in the legacy `com.snowplowanalytics.snowplow/screen_view` 1-0-0 schema. At least one field is required. */
export interface ScreenViewFields {
  /** The screen's name. */
  readonly name?: string | undefined;
  /** The screen's id (any string). */
  readonly id?: string | undefined;
}

/** A screen view in the `com.snowplowanalytics.mobile/screen_view` 1-0-0 schema. */
export interface MobileScreenViewFields {
  /** The screen's name. Required. */
  readonly name: string;
  /** This screen view's id, a UUID. Generated (v4) when absent. */
  readonly id?: string | undefined;
  /** The type of screen, e.g. `feed` or `carousel`. */
  readonly type?: string | undefined;
  /** The previous screen's name. */
  readonly previousName?: string | undefined;
  /** The previous screen view's id, a UUID. */
  readonly previousId?: string | undefined;
  /** The previous screen's type. */
  readonly previousType?: string | undefined;
  /** The kind of transition that led to this screen. */
  readonly transitionType?: string | undefined;
}

const optionalString = /* @__PURE__ */ c.optional(c.string);

export const SCREEN_VIEW = /* @__PURE__ */ defineEvent<ScreenViewFields, 'screenView'>({
  kind: 'screenView',
  checks: { name: optionalString, id: optionalString },
  refine: (f) => {
    if (f.name === undefined && f.id === undefined) throw new InvalidEventError('name', diagnostic(605));
  },
  toWire: (f) => selfDescribingWire(SCREEN_VIEW_SCHEMA, f),
});

/** Builds a legacy screen-view event as plain data. */
export const screenView = /* @__PURE__ */ eventConstructor(SCREEN_VIEW);

export const MOBILE_SCREEN_VIEW = /* @__PURE__ */ defineEvent<MobileScreenViewFields, 'mobileScreenView'>({
  kind: 'mobileScreenView',
  checks: {
    name: c.nonEmptyString,
    id: /* @__PURE__ */ c.optional(c.uuid),
    type: optionalString,
    previousName: optionalString,
    previousId: /* @__PURE__ */ c.optional(c.uuid),
    previousType: optionalString,
    transitionType: optionalString,
  },
  toWire: (f, context) => selfDescribingWire(MOBILE_SCREEN_VIEW_SCHEMA, { ...f, id: f.id ?? context.newId() }),
});

/** Builds a mobile screen-view event as plain data. */
export const mobileScreenView = /* @__PURE__ */ eventConstructor(MOBILE_SCREEN_VIEW);
