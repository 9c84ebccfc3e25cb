// The collector's request handling and record keeping (the class behind `startCollector`, src/collector/server.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GET_PATH, TP2_PATH } from '../payload/paths.js';
import { eventNameOf, messageOf, readRequestEvents, type RequestEvents } from '../payload/decode.js';
import { allowedHostNames, microCorsHeaders, microRefusal, trackingCorsHeaders } from './access.js';
import { preflight, readBody, send, sendJson } from './http.js';
import { filtersFrom, filtersFromQuery, selectBad, selectGood } from './micro.js';
import { Reporter, type CollectorSummary } from './output.js';
import { collectorPayload } from './request.js';
import { approximateBytes, eventSchemaOf, toAtomicEvent, type BadEvent, type CollectorPayload, type GoodEvent } from './records.js';
import { SchemaResolver } from './schema-resolver.js';
import { RecordStore } from './store.js';
import { validateEvent } from './validate.js';

import type { RunningCollector } from './server.js';

const ALLOWED_CONTENT_TYPES = ['application/json', 'text/plain'];
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
/** A bad record keeps at most this many messages (and says how many more there were). */
const MAX_ERRORS_PER_RECORD = 100;

type Entry = { readonly good: GoodEvent; readonly bad?: undefined } | { readonly good?: undefined; readonly bad: BadEvent };

/** What a collector runs with: its checked limits, host and paths. */
export interface Settings {
  readonly host: string;
  readonly allowedHosts: readonly string[];
  readonly postPath: string | undefined;
  readonly maxBodyBytes: number;
  readonly maxEventsPerRequest: number;
  readonly maxStoredEvents: number;
  readonly maxStoredBytes: number;
}

export class Collector {
  readonly #resolver: SchemaResolver;
  readonly #reporter: Reporter;
  readonly #warn: (message: string) => void;
  readonly #settings: Settings;
  readonly #postPaths: ReadonlySet<string>;
  readonly #microHosts: ReadonlySet<string>;
  readonly #store: RecordStore<Entry>;
  /** Requests whose body preview has been counted in the store's bytes (once per request). */
  readonly #previewCounted = new WeakSet<CollectorPayload>();
  #sinceReset = { good: 0, bad: 0 };
  readonly #lifetime = { good: 0, bad: 0, evicted: 0 };
  #queue: Promise<void> = Promise.resolve();

  constructor(resolver: SchemaResolver, reporter: Reporter, warn: (message: string) => void, settings: Settings) {
    this.#resolver = resolver;
    this.#reporter = reporter;
    this.#warn = warn;
    this.#settings = settings;
    this.#postPaths = new Set([TP2_PATH, ...(settings.postPath ? [settings.postPath] : [])]);
    this.#microHosts = allowedHostNames(settings.host, settings.allowedHosts);
    this.#store = new RecordStore({ maxRecords: settings.maxStoredEvents, maxBytes: settings.maxStoredBytes });
  }

  async listen(port: number, host: string): Promise<RunningCollector> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) send(res, 500, 'text/plain', `rxplow collector: ${messageOf(error)}`);
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    this.#reporter.listening(url, address.port, this.#resolver.describeSources());
    let closing: Promise<CollectorSummary> | undefined;
    return {
      url,
      port: address.port,
      summary: () => this.#counts(),
      good: () => this.#good(),
      bad: () => this.#bad(),
      idle: () => this.#idle(),
      reset: () => this.#reset(),
      close: () => (closing ??= this.#close(server)),
    };
  }

  async #close(server: Server): Promise<CollectorSummary> {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await this.#idle();
    const { good, bad, evicted } = this.#lifetime;
    const summary = { total: good + bad, good, bad, ...(evicted ? { evicted } : {}) };
    this.#reporter.summary(summary);
    this.#reporter.detach();
    return summary;
  }

  #counts(): CollectorSummary {
    const { good, bad } = this.#sinceReset;
    const evicted = this.#store.evicted;
    return { total: good + bad, good, bad, ...(evicted ? { evicted } : {}) };
  }

  #good(): GoodEvent[] {
    return this.#store.records().flatMap((entry) => (entry.good ? [entry.good] : []));
  }

  #bad(): BadEvent[] {
    return this.#store.records().flatMap((entry) => (entry.bad ? [entry.bad] : []));
  }

  #idle(): Promise<void> {
    const queue = this.#queue;
    return queue.then(() => (queue === this.#queue ? undefined : this.#idle()));
  }

  #reset(): void {
    this.#store.clear();
    this.#sinceReset = { good: 0, bad: 0 };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://collector.invalid');
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith('/micro/')) return this.#micro(req, res, url);
    for (const [name, value] of Object.entries(trackingCorsHeaders(req.headers.origin))) res.setHeader(name, value);
    if (method === 'OPTIONS') {
      req.resume();
      return preflight(req, res, 'GET, POST, OPTIONS', ['Content-Type', 'SP-Anonymous']);
    }
    if (method === 'GET' && url.pathname === '/health') {
      req.resume();
      return send(res, 200, 'text/plain', 'OK');
    }
    if (method === 'GET' && url.pathname === GET_PATH) {
      req.resume();
      this.#accept(readRequestEvents('GET', url.href, undefined), collectorPayload(req, url, undefined, res), 200);
      return send(res, 200, 'image/gif', PIXEL);
    }
    if (method === 'POST' && this.#postPaths.has(url.pathname)) return this.#post(req, res, url);
    req.resume();
    const expected = `GET ${GET_PATH} or POST ${[...this.#postPaths].join(' / ')}`;
    this.#recordBad(
      collectorPayload(req, url, undefined, res),
      [`unknown path: ${method} ${url.pathname} (the collector takes ${expected})`],
      404,
    );
    send(res, 404, 'text/plain', 'Not found');
  }

  async #post(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const contentType = req.headers['content-type'];
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
    if (!mediaType || !ALLOWED_CONTENT_TYPES.includes(mediaType)) {
      req.resume();
      const problem = `unsupported content type ${JSON.stringify(contentType ?? '(none)')}: expected application/json`;
      this.#recordBad(collectorPayload(req, url, undefined, res), [problem], 415);
      return send(res, 415, 'text/plain', 'Unsupported content type');
    }
    const { maxBodyBytes, maxEventsPerRequest } = this.#settings;
    const body = await readBody(req, maxBodyBytes);
    if (body.tooLarge) {
      const problem = `body of ${body.size} bytes is over the limit of ${maxBodyBytes} bytes (maxBodyBytes, --max-body-bytes)`;
      this.#recordBad(collectorPayload(req, url, undefined, res), [problem], 413);
      return send(res, 413, 'text/plain', 'Payload too large', { Connection: 'close' });
    }
    const payload = collectorPayload(req, url, body.bytes, res);
    const events = readRequestEvents('POST', url.href, body.text);
    const items = events.events.length + events.errors.length;
    if (items > maxEventsPerRequest) {
      const problem = `${items} events in one request, over the limit of ${maxEventsPerRequest} (maxEventsPerRequest, --max-events-per-request)`;
      this.#recordBad(payload, [problem], 413);
      return send(res, 413, 'text/plain', 'Too many events in one request');
    }
    const status = events.malformedJson ? 400 : 200;
    this.#accept(events, payload, status);
    send(res, status, 'text/plain', status === 200 ? 'ok' : 'Malformed JSON');
  }

  /** Queues the validation of a request's events (in arrival order); its unreadable parts become a bad record. */
  #accept(read: RequestEvents, payload: CollectorPayload, status: number): void {
    if (read.errors.length) this.#recordBad(payload, read.errors, status);
    for (const parameters of read.events) {
      this.#enqueue(async () => {
        const result = await validateEvent(parameters, read.envelopeSchema, this.#resolver);
        const eventType = typeof parameters['e'] === 'string' ? eventNameOf(parameters['e']) : undefined;
        const schema = eventSchemaOf(parameters['e'], result.unstruct);
        if (result.errors.length) {
          this.#pushBad({ collectorPayload: payload, rawEvent: { parameters }, errors: result.errors, eventType, schema, status });
          return;
        }
        const record: GoodEvent = {
          event: toAtomicEvent(parameters, result.unstruct, result.contexts, payload),
          eventType: eventType ?? 'unknown',
          schema,
          contexts: result.contexts.map((entity) => entity.schema),
          rawEvent: { parameters, method: payload.method, path: payload.path },
        };
        this.#keep({ good: record }, 2 * approximateBytes(parameters));
        this.#sinceReset.good++;
        this.#lifetime.good++;
        this.#reporter.good(record);
      });
    }
  }

  #recordBad(payload: CollectorPayload, errors: readonly string[], status: number): void {
    this.#enqueue(async () =>
      this.#pushBad({ collectorPayload: payload, rawEvent: undefined, errors, eventType: undefined, schema: undefined, status }),
    );
  }

  #pushBad(input: BadEvent): void {
    const errors =
      input.errors.length > MAX_ERRORS_PER_RECORD
        ? [...input.errors.slice(0, MAX_ERRORS_PER_RECORD), `(${input.errors.length - MAX_ERRORS_PER_RECORD} more messages not kept)`]
        : input.errors;
    const record = { ...input, errors };
    let bytes = errors.reduce((sum, error) => sum + error.length, 0) + (record.rawEvent ? approximateBytes(record.rawEvent.parameters) : 0);
    if (!this.#previewCounted.has(record.collectorPayload)) {
      this.#previewCounted.add(record.collectorPayload);
      bytes += (record.collectorPayload.body?.length ?? 0) + (record.collectorPayload.querystring?.length ?? 0);
    }
    this.#keep({ bad: record }, bytes);
    this.#sinceReset.bad++;
    this.#lifetime.bad++;
    this.#reporter.bad(record);
  }

  #keep(entry: Entry, bytes: number): void {
    this.#lifetime.evicted += this.#store.push(entry, bytes + 200).length;
  }

  #enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(task).catch((error: unknown) => this.#warn(`could not record an event: ${messageOf(error)}`));
  }

  async #micro(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const cors = microCorsHeaders(req.headers.origin, this.#microHosts);
    const refusal = microRefusal(req.headers, this.#microHosts);
    if (refusal !== undefined) {
      req.resume();
      return sendJson(res, 403, { error: refusal }, cors);
    }
    for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
    if (req.method === 'OPTIONS') {
      req.resume();
      return preflight(req, res, 'GET, POST, OPTIONS', ['Content-Type']);
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      req.resume();
      return sendJson(
        res,
        405,
        { error: `the Micro API takes GET or POST, not ${req.method ?? '(none)'}` },
        { Allow: 'GET, POST, OPTIONS' },
      );
    }
    const body = req.method === 'POST' ? await readBody(req, this.#settings.maxBodyBytes) : (req.resume(), undefined);
    if (body?.tooLarge) return sendJson(res, 413, { error: `the body is over ${this.#settings.maxBodyBytes} bytes` });
    await this.#idle();
    let filters = filtersFromQuery(url.searchParams);
    if (body && body.text.trim() !== '') {
      try {
        filters = filtersFrom(JSON.parse(body.text) as Record<string, unknown>);
      } catch {
        return sendJson(res, 400, { error: 'the body is not JSON filters' });
      }
    }
    switch (url.pathname) {
      case '/micro/all':
        return sendJson(res, 200, this.#counts());
      case '/micro/good':
        return sendJson(res, 200, selectGood(this.#good(), filters));
      case '/micro/bad':
        return sendJson(res, 200, selectBad(this.#bad(), filters));
      case '/micro/reset':
        this.#reset();
        return sendJson(res, 200, this.#counts());
      default:
        return sendJson(res, 404, { error: `unknown Micro endpoint ${url.pathname}: /micro/all, /micro/good, /micro/bad, /micro/reset` });
    }
  }
}
