// The navigation timing entity (`org.w3/PerformanceNavigationTiming` 1-0-0), as
// @snowplow/browser-plugin-performance-navigation-timing attaches it. An optional module: a global context generator.
import type { SelfDescribing } from '../payload/self-describing-json.js';

const SCHEMA = 'iglu:org.w3/PerformanceNavigationTiming/jsonschema/1-0-0';
/** The entry's fields the schema has, in Snowplow's order. */
const KEYS = [
  'entryType', 'duration', 'nextHopProtocol', 'workerStart', 'redirectStart', 'redirectEnd', 'fetchStart', 'domainLookupStart',
  'domainLookupEnd', 'connectStart', 'secureConnectionStart', 'connectEnd', 'requestStart', 'responseStart', 'responseEnd',
  'transferSize', 'encodedBodySize', 'decodedBodySize', 'serverTiming', 'unloadEventStart', 'unloadEventEnd', 'domInteractive',
  'domContentLoadedEventStart', 'domContentLoadedEventEnd', 'domComplete', 'loadEventStart', 'loadEventEnd', 'type', 'redirectCount',
  'activationStart', 'deliveryType',
] as const; // prettier-ignore

/** The entity's data from a navigation entry: Snowplow's rules (zero and empty values left out; server timings as name, duration, description). */
export function navigationTimingData(entry: PerformanceNavigationTiming): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key of KEYS) {
    const value = (entry as unknown as Record<string, unknown>)[key];
    if (key === 'serverTiming' && Array.isArray(value)) {
      if (value.length)
        data[key] = (value as PerformanceServerTiming[]).map(({ description, duration, name }) => ({ description, duration, name }));
    } else if (value) data[key] = value;
  }
  return data;
}

/**
 * The page's navigation timing (`PerformanceNavigationTiming` 1-0-0) on every event, as Snowplow's performance
 * navigation timing plugin: add it to the tracker's `globalContexts`. Read per event until the page has loaded
 * (`loadEventEnd` > 0), then kept; nothing where the browser has no navigation entry.
 *
 * @example
 * createBrowserTracker({ endpoint, globalContexts: [performanceNavigationTiming()] });
 */
export function performanceNavigationTiming(): () => SelfDescribing | undefined {
  let final: SelfDescribing | undefined;
  return () => {
    if (final) return final;
    const entry = (performance.getEntriesByType?.('navigation') as PerformanceNavigationTiming[] | undefined)?.[0];
    if (!entry) return undefined;
    const entity = { schema: SCHEMA, data: navigationTimingData(entry) };
    if (entry.loadEventEnd > 0) final = entity;
    return entity;
  };
}
