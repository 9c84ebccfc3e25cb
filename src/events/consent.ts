import * as c from '../payload/checks.js';
import { SCHEMAS } from '../payload/schemas.js';
import { selfDescribingWire, type EventDefinition } from './definition.js';

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
  id: c.stringUpTo(36, c.nonEmptyString), version: c.stringUpTo(36, c.nonEmptyString),
  name: c.optional(c.stringUpTo(60)), description: c.optional(c.stringUpTo(10_000)),
};

const documentEntity = (data: ConsentDocumentFields) => ({ schema: SCHEMAS.consentDocument, data });

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export const CONSENT_GRANTED: EventDefinition<ConsentGrantedFields> = {
  checks: {
    ...DOCUMENT_CHECKS,
    expiry: c.optional(c.matching(ISO_DATE_TIME, 'an ISO 8601 date-time such as 2026-12-31T23:59:59Z')),
  },
  toWire: ({ expiry, ...document }) => selfDescribingWire(SCHEMAS.consentGranted, { expiry }, [documentEntity(document)]),
};

export const CONSENT_WITHDRAWN: EventDefinition<ConsentWithdrawnFields> = {
  checks: { ...DOCUMENT_CHECKS, all: c.optional(c.boolean) },
  toWire: ({ all, ...document }) => selfDescribingWire(SCHEMAS.consentWithdrawn, { all: all ?? false }, [documentEntity(document)]),
};
