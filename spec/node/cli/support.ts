// Helpers for the collector specs: a quiet collector, the Micro API over HTTP, raw requests, and a real tracker.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startCollector, type CollectorOptions, type RunningCollector } from '../../../src/collector/server.js';
import type { BadEvent, GoodEvent } from '../../../src/collector/records.js';
import { Emitter, Tracker, type EmitterOptions } from '../../../src/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const DEMO_SCHEMAS = fileURLToPath(new URL('../../../schemas/demo', import.meta.url));
export const TP2 = '/com.snowplowanalytics.snowplow/tp2';
export const CHECKOUT_STEP = 'iglu:com.rxplow.demo/checkout_step/jsonschema/1-0-0';
export const CART = 'iglu:com.rxplow.demo/cart/jsonschema/1-0-0';
export const PRODUCT = 'iglu:com.rxplow.demo/product/jsonschema/1-0-0';

/** Lines written to a collector's `out`. */
export class Lines {
  readonly lines: string[] = [];
  write(text: string): void {
    this.lines.push(...text.split('\n').filter(Boolean));
  }
}

/** A collector on a free loopback port with the demo schemas; prints nothing unless `out` is given. */
export function startQuietCollector(options: CollectorOptions = {}): Promise<RunningCollector> {
  return startCollector({ schemaDirs: [DEMO_SCHEMAS], out: null, ...options });
}

/** Micro's REST API over HTTP. */
export const micro = {
  async get<T>(collector: { readonly url: string }, path: string): Promise<T> {
    const response = await fetch(`${collector.url}/micro/${path}`);
    if (!response.ok) throw new Error(`GET /micro/${path}: ${response.status}`);
    return (await response.json()) as T;
  },
  all: (c: { readonly url: string }) => micro.get<{ total: number; good: number; bad: number; evicted?: number }>(c, 'all'),
  good: (c: { readonly url: string }, query = '') => micro.get<GoodEvent[]>(c, `good${query}`),
  bad: (c: { readonly url: string }, query = '') => micro.get<BadEvent[]>(c, `bad${query}`),
};

/** POSTs a `payload_data` envelope around `events` (or any `body`) to tp2. */
export function postEvents(
  collector: { readonly url: string },
  events: readonly object[],
  headers: Record<string, string> = {},
): Promise<Response> {
  const body = JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4', data: events });
  return fetch(`${collector.url}${TP2}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** A tracker with one real emitter to the collector; `flush()` / `shutdown()` it. */
export function trackerFor(collector: { readonly url: string }, options: EmitterOptions = {}): Tracker {
  return new Tracker(new Emitter(collector.url, { flushIntervalMs: 0, retry: 0, ...options }), { namespace: 'spec', appId: 'cli' });
}

/** The event-level fields every valid event carries. */
export const baseEvent = (e: string, extra: Record<string, string> = {}): Record<string, string> => ({
  e,
  p: 'web',
  tv: 'spec-1',
  eid: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
  ...extra,
});

/** What {@link rawRequest} answers. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One request with node:http (which, unlike fetch, may set `Host`, `Origin`, `Sec-Fetch-Site`), on a fresh connection. */
export function rawRequest(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
