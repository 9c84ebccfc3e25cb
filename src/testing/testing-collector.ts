// rxplow/testing's collector: its public types and `createTestingCollector`, which records each request (records.ts),
// answers as scripted (responses.ts) and wakes the waits for events (waiting.ts).
import { schemaMatches, type SelfDescribingData } from '../payload/decode.js';
import { recordRequest } from './records.js';
import { delay, responseOf, toScript } from './responses.js';
import { EventWaits } from './waiting.js';

/** How the collector answers one request. A bare number is shorthand for `{ status }`. */
export interface ResponseScript {
  /** The HTTP status. @default 200 */
  readonly status?: number | undefined;
  /** Wait this long before answering, in ms; aborting the request's signal meanwhile rejects like fetch does. @default 0 */
  readonly delayMs?: number | undefined;
  /** Sent as the `Retry-After` header: seconds (a number) or an HTTP date. Default: no header. */
  readonly retryAfter?: number | string | undefined;
  /** `true`: reject with a `TypeError`, as fetch does when the network fails (after `delayMs`). @default false */
  readonly networkError?: boolean | undefined;
  /** Extra response headers. @default {} */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** A scripted answer: a status, or a {@link ResponseScript}. */
export type ScriptedResponse = number | ResponseScript;

/** Options of {@link createTestingCollector}. */
export interface TestingCollectorOptions {
  /** The base URL to give the Emitter as its endpoint. Requests to any URL are accepted. @default 'https://collector.test' */
  readonly url?: string | undefined;
  /** The answer once the scripted queue ({@link TestingCollector.respondWith}) is used up. @default 200 */
  readonly defaultResponse?: ScriptedResponse | undefined;
  /** Default timeout of {@link TestingCollector.waitForEvents}, in ms. @default 2_000 */
  readonly waitTimeoutMs?: number | undefined;
}

/** One event the collector accepted, decoded into readable parts. */
export interface CollectedEvent {
  /** The `e` code: `'pv'`, `'pp'`, `'se'`, `'ue'`, `'tr'`, `'ti'`. */
  readonly eventType: string;
  /** The readable name of the event type: `'page_view'`, `'page_ping'`, `'struct'`, `'unstruct'`, `'transaction'`, `'transaction_item'`. */
  readonly eventName: string;
  /** The event id (`eid`). */
  readonly eventId: string | undefined;
  /** For a self-describing event (`ue`): the Iglu URI of the event inside the `unstruct_event` envelope. */
  readonly schema: string | undefined;
  /** For a self-describing event (`ue`): its data, decoded from `ue_px` / `ue_pr`. */
  readonly data: unknown;
  /** The context entities, decoded from `cx` / `co`; `[]` when the event has none. */
  readonly contexts: readonly SelfDescribingData[];
  /** Every field of the payload as sent (including `stm` and the still-encoded `ue_px` / `cx`). */
  readonly fields: Readonly<Record<string, string>>;
  /** How the event came. */
  readonly method: 'GET' | 'POST';
  /** The index in {@link TestingCollector.requests} of the request that carried it. */
  readonly requestIndex: number;
  /** What could not be decoded (bad base64, bad JSON, a non-string field); `[]` when all is well. */
  readonly errors: readonly string[];
}

/** One request the collector received, whatever it answered. */
export interface CollectedRequest {
  /** Its position in {@link TestingCollector.requests}. */
  readonly index: number;
  readonly method: string;
  readonly url: string;
  /** The URL's path, e.g. `/i` or `/com.snowplowanalytics.snowplow/tp2`. */
  readonly path: string;
  /** The request headers, names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body text (POST), or `undefined`. */
  readonly body: string | undefined;
  /** The events it carried, decoded (also when the collector answered with an error). */
  readonly events: readonly CollectedEvent[];
  /** What could not be read, for the request and its events; `[]` when all is well. Never thrown. */
  readonly errors: readonly string[];
  /** How it was answered: a status, `'network-error'`, `'aborted'`, or `'pending'` while a delay runs. */
  readonly outcome: number | 'network-error' | 'aborted' | 'pending';
}

/** Options of {@link TestingCollector.waitForEvents}. */
export interface WaitForEventsOptions {
  /** How many matching events to wait for. @default 1 */
  readonly count?: number | undefined;
  /** Which events count. Default: every event. */
  readonly predicate?: ((event: CollectedEvent) => boolean) | undefined;
  /** Reject after this many ms. Default: the collector's `waitTimeoutMs` (2_000). */
  readonly timeoutMs?: number | undefined;
}

/** An in-memory collector with a fetch-compatible entry: see {@link createTestingCollector}. */
export interface TestingCollector {
  /** The base URL to pass to `new Emitter(url, { fetch })`. */
  readonly url: string;
  /** A `fetch` to pass to `new Emitter(url, { fetch: collector.fetch })`. Accepts `fetch(Request)` and `fetch(url, init)`. */
  readonly fetch: typeof globalThis.fetch;
  /** Every request received, in order. */
  readonly requests: readonly CollectedRequest[];
  /** Every event the collector accepted (answered with a 2xx), decoded, in order of arrival. A retried event appears once. */
  readonly events: readonly CollectedEvent[];
  /** Queues answers for the next requests, one each, in order; after them comes the default. */
  respondWith(...responses: ScriptedResponse[]): this;
  /** Sets the answer used once the queue is empty. */
  setDefault(response: ScriptedResponse): this;
  /** Resolves with the matching accepted events once there are `count` of them; rejects on timeout, listing what arrived. */
  waitForEvents(options?: WaitForEventsOptions): Promise<CollectedEvent[]>;
  /** Accepted events of a type, by `e` code (`'pv'`) or readable name (`'page_view'`). */
  eventsOfType(type: string): CollectedEvent[];
  /** Accepted self-describing events whose schema is `uriOrPrefix` or starts with it at a `/` (`'iglu:com.acme/checkout'`). */
  eventsWithSchema(uriOrPrefix: string): CollectedEvent[];
  /** Accepted events with a context entity whose schema is `uriOrPrefix` or starts with it at a `/`. */
  eventsWithContext(uriOrPrefix: string): CollectedEvent[];
  /** Forgets requests, events and the scripted queue; the default answer is kept. */
  reset(): void;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

const DEFAULTS = { url: 'https://collector.test', defaultResponse: 200, waitTimeoutMs: 2_000 } as const;

/**
 * Creates an in-process collector for tests, in Node and in browsers: hand its `fetch` to an Emitter, then assert on
 * the decoded `events` (or the raw `requests`), and script answers (statuses, delays, network errors, `Retry-After`).
 *
 * @example
 * const collector = createTestingCollector();
 * const tracker = new Tracker(new Emitter(collector.url, { fetch: collector.fetch }));
 * collector.respondWith(503, 200);
 * tracker.trackPageView({ pageUrl: 'https://example.com' });
 * const [event] = await collector.waitForEvents();
 */
export function createTestingCollector(options: TestingCollectorOptions = {}): TestingCollector {
  const url = (options.url ?? DEFAULTS.url).replace(/\/+$/, '');
  let defaultResponse: ScriptedResponse = options.defaultResponse ?? DEFAULTS.defaultResponse;
  const queue: ScriptedResponse[] = [];
  const requests: CollectedRequest[] = [];
  const events: CollectedEvent[] = [];
  const waits = new EventWaits(events, requests, options.waitTimeoutMs ?? DEFAULTS.waitTimeoutMs);
  let resets = 0;

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const script = toScript(queue.shift() ?? defaultResponse);
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
    const record: Writable<CollectedRequest> = recordRequest(requests.length, request, body);
    requests.push(record);
    const generation = resets;
    const settle = (outcome: CollectedRequest['outcome']) => {
      record.outcome = outcome;
    };
    try {
      await delay(script.delayMs ?? 0, request.signal);
    } catch (error) {
      settle('aborted');
      throw error;
    }
    if (script.networkError) {
      settle('network-error');
      throw new TypeError('Failed to fetch (rxplow testing collector: scripted network error)');
    }
    const status = script.status ?? 200;
    settle(status);
    if (status >= 200 && status < 300 && generation === resets) {
      events.push(...record.events);
      waits.check();
    }
    return responseOf(script, status);
  };

  const filter = (predicate: (event: CollectedEvent) => boolean) => events.filter(predicate);

  const collector: TestingCollector = {
    url,
    fetch: fetch as typeof globalThis.fetch,
    requests,
    events,
    respondWith(...responses) {
      queue.push(...responses);
      return this;
    },
    setDefault(response) {
      defaultResponse = response;
      return this;
    },
    waitForEvents: (wait = {}) => waits.wait(wait),
    eventsOfType: (type) => filter((e) => e.eventType === type || e.eventName === type),
    eventsWithSchema: (pattern) => filter((e) => schemaMatches(e.schema, pattern)),
    eventsWithContext: (pattern) => filter((e) => e.contexts.some((entity) => schemaMatches(entity.schema, pattern))),
    reset() {
      resets++;
      queue.length = 0;
      requests.length = 0;
      events.length = 0;
    },
  };
  return collector;
}
