import * as c from '../payload/checks.js';
import { APPLICATION_ERROR_SCHEMA, SOCIAL_INTERACTION_SCHEMA, TIMING_SCHEMA } from '../payload/schemas.js';
import { defineEvent, eventConstructor, selfDescribingWire } from './definition.js';

/** A social interaction (`social_interaction` 1-0-0), e.g. a like or a share. */
export interface SocialInteractionFields {
  /** The action, e.g. `like`, `share`. Required. */
  readonly action: string;
  /** The network, e.g. `facebook`. Required. */
  readonly network: string;
  /** What was interacted with, e.g. a URL or object id. */
  readonly target?: string | undefined;
}

/** A user timing (`timing` 1-0-0). */
export interface TimingFields {
  /** The timing's category, e.g. `load`. Required. */
  readonly category: string;
  /** The timed variable, e.g. `map_loaded`. Required. */
  readonly variable: string;
  /** The time taken, in milliseconds. Required. */
  readonly timing: number;
  /** A label. */
  readonly label?: string | undefined;
}

/** The languages `application_error` accepts. */
export const PROGRAMMING_LANGUAGES = [
  'JAVA',
  'SCALA',
  'KOTLIN',
  'GROOVY',
  'RUBY',
  'GOLANG',
  'JAVASCRIPT',
  'PHP',
  'PYTHON',
  'OBJECTIVEC',
  'SWIFT',
  'C',
  'CPLUSPLUS',
  'CSHARP',
  'ACTIONSCRIPT',
  'LUA',
  'RUST',
  'HASKELL',
  'CLOJURE',
  'ERLANG',
  'ELIXIR',
  'CRYSTAL',
  'PONY',
  'NIM',
] as const;
/** A `programmingLanguage` of `application_error` (the schema's enum). */
export type ProgrammingLanguage = (typeof PROGRAMMING_LANGUAGES)[number];

/** An application error (`application_error` 1-0-1), as the Snowplow error-tracking plugin sends it. */
export interface ErrorFields {
  /** The error message; longer than 2048 characters is cut to 2048 (the schema's limit). Required. */
  readonly message: string;
  /** Default: `'JAVASCRIPT'`. */
  readonly programmingLanguage?: ProgrammingLanguage | undefined;
  /** The stack trace; cut to 8192 characters (the schema's limit). */
  readonly stackTrace?: string | undefined;
  /** The source file name. */
  readonly fileName?: string | undefined;
  /** The line number, an integer ≥ 0. */
  readonly lineNumber?: number | undefined;
  /** The column, an integer ≥ 0. */
  readonly lineColumn?: number | undefined;
  /** The exception's class / constructor name, e.g. `TypeError`. */
  readonly exceptionName?: string | undefined;
  /** The class in which the error happened. */
  readonly className?: string | undefined;
  /** The thread's name. */
  readonly threadName?: string | undefined;
  /** The thread's id, an integer ≥ 0. */
  readonly threadId?: number | undefined;
  /** Whether the error was fatal. */
  readonly isFatal?: boolean | undefined;
}

const optionalString = /* @__PURE__ */ c.optional(c.string);
// application_error's limits: strings up to 1024 characters, integers up to 2^31 − 1.
const shortString = /* @__PURE__ */ c.optional(/* @__PURE__ */ c.stringUpTo(1024));
const optionalIndex = /* @__PURE__ */ c.optional((value: unknown, field: string) =>
  c.nonNegativeInteger(value, field) <= 2_147_483_647 ? (value as number) : c.fail(field, 606),
);
const cut = (text: string | undefined, max: number) => (text !== undefined && text.length > max ? text.slice(0, max) : text);

export const SOCIAL_INTERACTION = /* @__PURE__ */ defineEvent<SocialInteractionFields, 'socialInteraction'>({
  kind: 'socialInteraction',
  checks: { action: c.nonEmptyString, network: c.nonEmptyString, target: optionalString },
  toWire: (f) => selfDescribingWire(SOCIAL_INTERACTION_SCHEMA, f),
});

/** Builds a social-interaction event as plain data. */
export const socialInteraction = /* @__PURE__ */ eventConstructor(SOCIAL_INTERACTION);

export const TIMING = /* @__PURE__ */ defineEvent<TimingFields, 'timing'>({
  kind: 'timing',
  checks: { category: c.nonEmptyString, variable: c.nonEmptyString, timing: c.finiteNumber, label: optionalString },
  toWire: (f) => selfDescribingWire(TIMING_SCHEMA, f),
});

/** Builds a timing event as plain data. */
export const timing = /* @__PURE__ */ eventConstructor(TIMING);

export const APPLICATION_ERROR = /* @__PURE__ */ defineEvent<ErrorFields, 'applicationError'>({
  kind: 'applicationError',
  checks: {
    message: c.nonEmptyString,
    programmingLanguage: /* @__PURE__ */ c.optional(/* @__PURE__ */ c.oneOf(PROGRAMMING_LANGUAGES)),
    stackTrace: optionalString,
    fileName: shortString,
    lineNumber: optionalIndex,
    lineColumn: optionalIndex,
    exceptionName: shortString,
    className: shortString,
    threadName: shortString,
    threadId: optionalIndex,
    isFatal: /* @__PURE__ */ c.optional(c.boolean),
  },
  toWire: (f) =>
    selfDescribingWire(APPLICATION_ERROR_SCHEMA, {
      ...f,
      programmingLanguage: f.programmingLanguage ?? 'JAVASCRIPT',
      message: cut(f.message, 2048),
      stackTrace: cut(f.stackTrace, 8192),
    }),
});

/** Builds an application-error event as plain data. */
export const applicationError = /* @__PURE__ */ eventConstructor(APPLICATION_ERROR);
