import { diagnostic } from '../diagnostics.js';
import { InvalidEventError } from '../errors.js';
import * as c from '../payload/checks.js';
import { AD_CLICK_SCHEMA, AD_CONVERSION_SCHEMA, AD_IMPRESSION_SCHEMA } from '../payload/schemas.js';
import { defineEvent, eventConstructor, selfDescribingWire } from './definition.js';

/** How an ad is paid for. */
export type CostModel = 'cpa' | 'cpc' | 'cpm';

/** Fields shared by the three ad events. */
interface AdFields {
  /** The advertiser's id. */
  readonly advertiserId?: string | undefined;
  /** The campaign's id. */
  readonly campaignId?: string | undefined;
  /** The cost model: `'cpa'`, `'cpc'` or `'cpm'`. */
  readonly costModel?: CostModel | undefined;
  /** The cost (≥ 0), in the cost model's unit. Requires `costModel`. */
  readonly cost?: number | undefined;
}

/** Where an ad was shown: shared by impressions and clicks. */
interface AdPlacementFields extends AdFields {
  /** The impression's id (for a click: the impression clicked). */
  readonly impressionId?: string | undefined;
  /** The ad zone's id. */
  readonly zoneId?: string | undefined;
  /** The banner's id. */
  readonly bannerId?: string | undefined;
}

/** An ad impression (`ad_impression` 1-0-0). At least one field is required. */
export interface AdImpressionFields extends AdPlacementFields {
  /** The ad's target URL. */
  readonly targetUrl?: string | undefined;
}

/** An ad click (`ad_click` 1-0-0). */
export interface AdClickFields extends AdPlacementFields {
  /** The ad's target URL. Required. */
  readonly targetUrl: string;
  /** The click's id. */
  readonly clickId?: string | undefined;
}

/** An ad conversion (`ad_conversion` 1-0-0). At least one field is required. */
export interface AdConversionFields extends AdFields {
  /** The conversion's id. */
  readonly conversionId?: string | undefined;
  /** The conversion's category. */
  readonly category?: string | undefined;
  /** The conversion's action. */
  readonly action?: string | undefined;
  /** A property of the conversion. */
  readonly property?: string | undefined;
  /** The conversion's initial value (≥ 0). */
  readonly initialValue?: number | undefined;
}

const optionalString = /* @__PURE__ */ c.optional(c.string);
const nonNegativeNumber: c.Check<number> = (value, field) => {
  if (c.finiteNumber(value, field) < 0) throw new InvalidEventError(field, diagnostic(601, value));
  return value as number;
};
const AD_CHECKS = {
  advertiserId: optionalString,
  campaignId: optionalString,
  costModel: /* @__PURE__ */ c.optional(/* @__PURE__ */ c.oneOf(['cpa', 'cpc', 'cpm'])),
  cost: /* @__PURE__ */ c.optional(nonNegativeNumber),
};
const PLACEMENT_CHECKS = /* @__PURE__ */ Object.assign({}, AD_CHECKS, {
  impressionId: optionalString,
  zoneId: optionalString,
  bannerId: optionalString,
});

/** The schemas say `dependencies: {cost: [costModel]}`: a cost without its model would be rejected. */
const costNeedsModel = (fields: AdFields): void => {
  if (fields.cost !== undefined && fields.costModel === undefined) {
    throw new InvalidEventError('costModel', diagnostic(602));
  }
};

/** The schemas say `minProperties: 1`: an ad event with nothing in it would be rejected. */
const atLeastOneField = (fields: AdFields): void => {
  if (Object.keys(fields).length === 0) throw new InvalidEventError('fields', diagnostic(603));
  costNeedsModel(fields);
};

export const AD_IMPRESSION = /* @__PURE__ */ defineEvent<AdImpressionFields, 'adImpression'>({
  kind: 'adImpression',
  checks: /* @__PURE__ */ Object.assign({}, PLACEMENT_CHECKS, { targetUrl: optionalString }),
  refine: atLeastOneField,
  toWire: (f) => selfDescribingWire(AD_IMPRESSION_SCHEMA, f),
});

/** Builds an ad-impression event as plain data. */
export const adImpression = /* @__PURE__ */ eventConstructor(AD_IMPRESSION);

export const AD_CLICK = /* @__PURE__ */ defineEvent<AdClickFields, 'adClick'>({
  kind: 'adClick',
  checks: /* @__PURE__ */ Object.assign({}, PLACEMENT_CHECKS, { targetUrl: c.nonEmptyString, clickId: optionalString }),
  refine: costNeedsModel,
  toWire: (f) => selfDescribingWire(AD_CLICK_SCHEMA, f),
});

/** Builds an ad-click event as plain data. */
export const adClick = /* @__PURE__ */ eventConstructor(AD_CLICK);

export const AD_CONVERSION = /* @__PURE__ */ defineEvent<AdConversionFields, 'adConversion'>({
  kind: 'adConversion',
  checks: /* @__PURE__ */ Object.assign({}, AD_CHECKS, {
    conversionId: optionalString,
    category: optionalString,
    action: optionalString,
    property: optionalString,
    initialValue: /* @__PURE__ */ c.optional(nonNegativeNumber),
  }),
  refine: atLeastOneField,
  toWire: (f) => selfDescribingWire(AD_CONVERSION_SCHEMA, f),
});

/** Builds an ad-conversion event as plain data. */
export const adConversion = /* @__PURE__ */ eventConstructor(AD_CONVERSION);
