import * as c from '../payload/checks.js';
import { CONSENT_DOCUMENT_SCHEMA, CONSENT_GRANTED_SCHEMA, CONSENT_WITHDRAWN_SCHEMA } from '../payload/schemas.js';
import { defineEvent, eventConstructor, selfDescribingWire } from './definition.js';

/** The consent document a consent event refers to; sent as a `consent_document` 1-0-0 entity. */
interface ConsentDocumentFields {
  /** The document's id (at most 36 characters). Required. */
  readonly id: string;
  /** The document's version (at most 36 characters). Required. */
  readonly version: string;
  /** The document's name (at most 60 characters). */
  readonly name?: string | undefined;
  /** The document's description. */
  readonly description?: string | undefined;
}

/** Consent granted (`consent_granted` 1-0-0) to a document (`consent_document` entity). */
export interface ConsentGrantedFields extends ConsentDocumentFields {
  /** When the consent expires, an ISO 8601 date-time string. */
  readonly expiry?: string | undefined;
}

/** Consent withdrawn (`consent_withdrawn` 1-0-0) from a document (`consent_document` entity). */
export interface ConsentWithdrawnFields extends ConsentDocumentFields {
  /** Whether all consent is withdrawn. Default: `false`. */
  readonly all?: boolean | undefined;
}

const DOCUMENT_CHECKS = {
  // consent_document's maxLength limits.
  id: /* @__PURE__ */ c.stringUpTo(36, c.nonEmptyString),
  version: /* @__PURE__ */ c.stringUpTo(36, c.nonEmptyString),
  name: /* @__PURE__ */ c.optional(/* @__PURE__ */ c.stringUpTo(60)),
  description: /* @__PURE__ */ c.optional(/* @__PURE__ */ c.stringUpTo(10_000)),
};

const documentEntity = (data: ConsentDocumentFields) => ({ schema: CONSENT_DOCUMENT_SCHEMA, data });

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export const CONSENT_GRANTED = /* @__PURE__ */ defineEvent<ConsentGrantedFields, 'consentGranted'>({
  kind: 'consentGranted',
  checks: /* @__PURE__ */ Object.assign({}, DOCUMENT_CHECKS, {
    expiry: /* @__PURE__ */ c.optional(/* @__PURE__ */ c.matching(ISO_DATE_TIME, 122)),
  }),
  toWire: ({ expiry, ...document }) => selfDescribingWire(CONSENT_GRANTED_SCHEMA, { expiry }, [documentEntity(document)]),
});

/** Builds a consent-granted event as plain data. */
export const consentGranted = /* @__PURE__ */ eventConstructor(CONSENT_GRANTED);

export const CONSENT_WITHDRAWN = /* @__PURE__ */ defineEvent<ConsentWithdrawnFields, 'consentWithdrawn'>({
  kind: 'consentWithdrawn',
  checks: /* @__PURE__ */ Object.assign({}, DOCUMENT_CHECKS, { all: /* @__PURE__ */ c.optional(c.boolean) }),
  toWire: ({ all, ...document }) => selfDescribingWire(CONSENT_WITHDRAWN_SCHEMA, { all: all ?? false }, [documentEntity(document)]),
});

/** Builds a consent-withdrawn event as plain data. */
export const consentWithdrawn = /* @__PURE__ */ eventConstructor(CONSENT_WITHDRAWN);
