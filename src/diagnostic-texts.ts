// The development text of every diagnostic code (docs/errors.md lists them). Only diagnostics.ts reads this table, from
// a branch that production bundles drop: none of these strings, nor the helpers below, ship in a production bundle.

/** What a wrong value is, for a message: `a number 5`, `"abc…"`, `null`. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value;
}

/** An error's message, for a message. */
function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an unprintable error';
  }
}

/** "expected X, got Y", or "required: expected X" for a missing value (`undefined`, `null`). */
const expected = (what: string, value: unknown): string =>
  value === undefined || value === null ? `required: expected ${what}` : `expected ${what}, got ${describe(value)}`;

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** Code → development text; the parameters are the dynamic details the call site passes. */
export const DIAGNOSTIC_TEXTS = {
  // Field and option checks (payload/checks.ts).
  101: (value: unknown) => expected('a string', value),
  102: (value: unknown) => expected('a finite number', value),
  103: (value: unknown) => expected('a boolean', value),
  104: (value: unknown) => expected('an array', value),
  105: (value: unknown) => expected('an object', value),
  106: (value: unknown) => expected('a function', value),
  107: (allowed: readonly string[], value: unknown) => expected(`one of ${allowed.join(', ')}`, value),
  108: () => 'required, got an empty string',
  109: (value: unknown) => `expected an integer, got ${String(value)}`,
  110: (min: number, value: unknown) => `expected an integer ≥ ${min}, got ${String(value)}`,
  111: (value: unknown) => `expected a UUID, got "${String(value)}"`,
  112: () => 'unknown field',
  113: (error: unknown) => `reading it threw: ${messageOf(error)}`,
  114: (max: number, length: number) => `at most ${max} characters allowed, got ${length}`,
  115: (value: unknown) => expected('a path starting with "/"', value),
  116: (value: unknown) => expected('letters, digits, "_", "-", "."', value),
  117: (value: unknown) => expected('an RxJS scheduler', value),
  118: (value: unknown) => expected('a QueueStore', value),
  119: (value: unknown) => expected('an Observable', value),
  120: (value: unknown) => expected('an array of sinks', value),
  121: (value: unknown) => expected('a cookie name (letters, digits, "_", "-", ".")', value),
  122: (value: unknown) => expected('an ISO 8601 date-time such as 2026-12-31T23:59:59Z', value),
  123: (value: unknown) => expected('"<width>x<height>", e.g. "1920x1080"', value),
  124: (value: unknown) => expected('0, $ or a stream id', value),
  // JSON data (payload/json.ts, payload/self-describing-json.ts).
  201: (error: unknown) => `cannot be serialised: ${messageOf(error)}`,
  202: () => 'serialises to nothing',
  203: (error: unknown) => `reading the data threw: ${messageOf(error)}`,
  204: (value: number) => `${value} is not a finite number`,
  205: (type: string) => `a ${type} cannot be serialised to JSON`,
  206: (depth: number) => `nested deeper than ${depth} levels`,
  207: () => 'circular reference',
  208: () => 'invalid Date',
  209: () => 'toJSON() returned undefined',
  210: () => 'undefined in an array',
  211: (name: string) => `a ${name} object is not JSON data`,
  212: () => 'expected an object or array',
  213: (uri: unknown) => `not an Iglu URI (iglu:vendor/name/format/M-R-A): ${show(uri)}`,
  214: () => 'expected a SelfDescribingJson',
  // The tracker.
  301: (kind: unknown, registry: boolean) =>
    `unknown event kind ${show(kind)}${registry ? '' : ' (plain-data events need the `events` option, e.g. ALL_EVENTS)'}`,
  302: () => 'required: no emitter, so events go nowhere (pass one or addEmitter())',
  303: () => 'expected Emitter instances (or other sinks)',
  304: () => 'expected an entity, a generator or { context, kinds?, schemas? }',
  // The emitter's options.
  401: (min: number, max: number, ms: number) => `expected a duration in ms between ${min} and ${max}, got ${ms}`,
  402: (name: string) => `not a valid header name: ${JSON.stringify(name)}`,
  403: () => 'set by the runtime (or by rxplow, for Content-Type): it cannot be sent',
  404: () => 'a header value must be Latin-1 without NUL, line breaks, or surrounding spaces',
  405: () => 'expected a port ≤ 65535',
  406: () => 'required: a collector host or http(s) URL',
  407: (endpoint: string) => `not a valid host or URL: "${endpoint}"`,
  408: (protocol: string) => `only http and https are supported, got "${protocol}"`,
  409: () => 'may not carry credentials (user:password@): fetch cannot send them; use the `headers` option (e.g. Authorization)',
  410: () => 'may not have a query string or fragment',
  411: (option: string, given: unknown, endpoint: string) => `${String(given)} contradicts the endpoint's ${option} (${endpoint})`,
  412: (max: number, value: unknown) => `expected an integer in [0, ${max}] ms, or Infinity for no deadline; got ${String(value)}`,
  413: (name: string) => `the emitter "${name}" is already connected to a tracker; give each tracker its own emitters`,
  // The browser tracker and its outbox.
  502: () => 'required (a collector host or URL), unless `sinks` is given',
  503: (min: number, value: unknown) => `expected a whole number of seconds ≥ ${min}, got ${String(value)}`,
  // Event rules beyond a field's type.
  601: (value: unknown) => `expected a number ≥ 0, got ${String(value)}`,
  602: () => "required when cost is given: 'cpa', 'cpc' or 'cpm'",
  603: () => 'at least one field is required',
  604: () => 'at least one search term is required (the schema says minItems 1)',
  605: () => 'a screen view needs a name or an id',
  606: () => 'at most 2147483647 allowed',
} satisfies Readonly<Record<number, (...details: never[]) => string>>;

/** A diagnostic code. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_TEXTS;

/** The development message of `code`: its text, then the code and where it is documented. May throw (a hostile detail). */
export function developmentMessage(code: DiagnosticCode, details: readonly unknown[]): string {
  const id = `rxp0${code}`;
  return `${(DIAGNOSTIC_TEXTS[code] as (...args: unknown[]) => string)(...details)} (${id.toUpperCase()}, see docs/errors.md#${id})`;
}
