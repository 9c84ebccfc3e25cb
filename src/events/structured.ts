import * as c from '../payload/checks.js';
import { checkSelfDescribing, type SelfDescribing } from '../payload/self-describing-json.js';
import { defineEvent, DEFINITION, eventConstructor, type EventOf } from './definition.js';

/** A structured event (`e=se`), Snowplow's legacy custom event. */
export interface StructEventFields {
  /** The category (`se_ca`). Required. */
  readonly category: string;
  /** The action (`se_ac`). Required. */
  readonly action: string;
  /** The label (`se_la`). */
  readonly label?: string | undefined;
  /** The property (`se_pr`). */
  readonly property?: string | undefined;
  /** A numeric value (`se_va`); 0 is sent. */
  readonly value?: number | undefined;
}

/** A self-describing event (`e=ue`): your own data validated against your own Iglu schema. */
export interface SelfDescribingEventFields {
  /** The event as a SelfDescribingJson (or plain `{schema, data}`); sent in `ue_px` (base64) or `ue_pr`. */
  readonly event: SelfDescribing;
}

export const STRUCT_EVENT = /* @__PURE__ */ defineEvent<StructEventFields, 'structEvent'>({
  kind: 'structEvent',
  checks: {
    category: c.nonEmptyString,
    action: c.nonEmptyString,
    label: /* @__PURE__ */ c.optional(c.string),
    property: /* @__PURE__ */ c.optional(c.string),
    value: /* @__PURE__ */ c.optional(c.finiteNumber),
  },
  toWire: (f) => ({ e: 'se', fields: { se_ca: f.category, se_ac: f.action, se_la: f.label, se_pr: f.property, se_va: f.value } }),
});

/** Builds a structured event as plain data. */
export const structEvent = /* @__PURE__ */ eventConstructor(STRUCT_EVENT);

export const SELF_DESCRIBING = /* @__PURE__ */ defineEvent<SelfDescribingEventFields, 'selfDescribingEvent'>({
  kind: 'selfDescribingEvent',
  checks: { event: checkSelfDescribing },
  toWire: (f) => ({ e: 'ue', unstruct: f.event }),
});

/** Builds a self-describing event as plain data from a SelfDescribingJson (or `{schema, data}`). */
export const selfDescribingEvent = (event: SelfDescribing): EventOf<SelfDescribingEventFields, 'selfDescribingEvent'> =>
  ({ kind: 'selfDescribingEvent', event, [DEFINITION]: SELF_DESCRIBING }) as EventOf<SelfDescribingEventFields, 'selfDescribingEvent'>;
