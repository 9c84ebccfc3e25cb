import { InvalidEventError } from '../errors.js';
import * as c from '../payload/checks.js';
import { SCHEMAS } from '../payload/schemas.js';
import { selfDescribingWire, type EventDefinition } from './definition.js';

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

const optionalString = c.optional(c.string);

export const SCREEN_VIEW: EventDefinition<ScreenViewFields> = {
  checks: { name: optionalString, id: optionalString },
  refine: (f) => {
    if (f.name === undefined && f.id === undefined) throw new InvalidEventError('name', 'a screen view needs a name or an id');
  },
  toWire: (f) => selfDescribingWire(SCHEMAS.screenView, f),
};

export const MOBILE_SCREEN_VIEW: EventDefinition<MobileScreenViewFields> = {
  checks: {
    name: c.nonEmptyString, id: c.optional(c.uuid), type: optionalString, previousName: optionalString,
    previousId: c.optional(c.uuid), previousType: optionalString, transitionType: optionalString,
  },
  toWire: (f, context) => selfDescribingWire(SCHEMAS.mobileScreenView, { ...f, id: f.id ?? context.newId() }),
};
