// User-agent client hints (`org.ietf/http_client_hints` 1-0-0), as @snowplow/browser-plugin-client-hints attaches
// them: mobile flag and brands, and with `includeHighEntropy` platform, versions, architecture and model. An optional
// module: a global context generator.
import type { SelfDescribing } from '../payload/self-describing-json.js';

const SCHEMA = 'iglu:org.ietf/http_client_hints/jsonschema/1-0-0';

interface UAData {
  readonly mobile?: unknown;
  readonly brands?: unknown;
  getHighEntropyValues?(hints: string[]): Promise<Record<string, unknown>>;
}

/** Options of {@link clientHints}. */
export interface ClientHintsOptions {
  /**
   * Also ask for the high-entropy hints (`platform`, `platformVersion`, `architecture`, `model`, `uaFullVersion`); they
   * arrive asynchronously, so events tracked before the browser answers go without them. @default false
   */
  readonly includeHighEntropy?: boolean | undefined;
}

/** Snowplow's `forceArray`: an array, an object's values, or nothing. */
const asArray = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : Object.prototype.toString.call(value) === '[object Object]' ? Object.values(value as object) : [];

/** The hints when the browser gives valid ones (a boolean `mobile`, at least one brand, each with string brand and version). */
function readHints(includeHighEntropy: boolean): Record<string, unknown> | undefined {
  const ua = (navigator as Navigator & { userAgentData?: UAData }).userAgentData;
  if (!ua) return undefined;
  const brands = asArray(ua.brands).map((b) => ({
    brand: (b as { brand?: unknown }).brand,
    version: (b as { version?: unknown }).version,
  }));
  const hints: Record<string, unknown> = { isMobile: ua.mobile, brands };
  if (includeHighEntropy && ua.getHighEntropyValues) {
    ua.getHighEntropyValues(['platform', 'platformVersion', 'architecture', 'model', 'uaFullVersion']).then(
      (r) => Object.assign(hints, { architecture: r['architecture'], model: r['model'], platform: r['platform'], uaFullVersion: r['uaFullVersion'], platformVersion: r['platformVersion'] }), // prettier-ignore
      () => undefined,
    );
  }
  const valid =
    typeof hints['isMobile'] === 'boolean' &&
    brands.length > 0 &&
    brands.every((b) => typeof b.brand === 'string' && typeof b.version === 'string');
  return valid ? hints : undefined;
}

/**
 * The browser's user-agent client hints on every event, as Snowplow's client hints plugin: add it to the tracker's
 * `globalContexts`. Read once (in a browser, when `clientHints()` is called); nothing where the browser has none
 * (Firefox, Safari, an insecure origin).
 *
 * @example
 * createBrowserTracker({ endpoint, globalContexts: [clientHints({ includeHighEntropy: true })] });
 */
export function clientHints(options: ClientHintsOptions = {}): () => SelfDescribing | undefined {
  let hints: Record<string, unknown> | undefined | null = null;
  const read = () => (hints ??= typeof navigator === 'object' ? readHints(options.includeHighEntropy === true) : undefined);
  if (typeof navigator === 'object') read();
  return () => {
    const data = read();
    if (!data) return undefined;
    const copy: Record<string, unknown> = {};
    for (const key in data) if (data[key] !== undefined) copy[key] = data[key];
    return { schema: SCHEMA, data: copy };
  };
}
