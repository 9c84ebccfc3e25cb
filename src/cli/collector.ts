// `rxplow collector`: a loopback Snowplow collector that validates every event against its Iglu schemas and serves
// Snowplow Micro's REST API. Node only.
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventNameOf, messageOf, readRequestEvents, type RequestEvents } from '../testing/decode.js';
import { filtersFrom, filtersFromQuery, selectBad, selectGood } from './micro.js';
import { Reporter, type CollectorSummary, type OutputStream } from './output.js';
import { ANONYMOUS_NETWORK_USER_ID, eventSchemaOf, toAtomicEvent, type BadEvent, type CollectorPayload, type GoodEvent } from './records.js';
import { SchemaResolver } from './schema-resolver.js';
import { validateEvent } from './validate.js';

export { builtinSchemasDir, demoSchemasDir } from './schema-resolver.js';
export type { CollectorSummary, OutputStream } from './output.js';
export type { BadEvent, CollectorPayload, GoodEvent } from './records.js';

/** Options of {@link startCollector}. */
export interface CollectorOptions {
  /** The port to listen on; `0` picks a free one (see `url` / `port` of the result). @default 0 */
  readonly port?: number | undefined;
  /** The address to listen on. Keep it on loopback: the collector is a development tool. @default '127.0.0.1' */
  readonly host?: string | undefined;
  /** Iglu-layout folders (`VENDOR/NAME/jsonschema/M-R-A`) to load schemas from, searched first, in order. @default [] */
  readonly schemaDirs?: readonly string[] | undefined;
  /** Static Iglu registries (`GET {url}/schemas/VENDOR/NAME/jsonschema/M-R-A`), searched after `schemaDirs`, in order; answers are cached. @default [] */
  readonly igluUrls?: readonly string[] | undefined;
  /** Fall back to the Iglu Central schemas bundled with rxplow (the protocol's envelopes and every schema rxplow's track methods emit). @default true */
  readonly builtinSchemas?: boolean | undefined;
  /** Another POST path to accept, besides `/com.snowplowanalytics.snowplow/tp2` (an emitter's `postPath`). Default: none. */
  readonly postPath?: string | undefined;
  /** Print one JSON object per line instead of readable lines. @default false */
  readonly json?: boolean | undefined;
  /** Where the lines go; `null` prints nothing. @default process.stdout */
  readonly out?: OutputStream | null | undefined;
  /** Largest request body accepted, in bytes; a larger one is answered 413. @default 1_000_000 */
  readonly maxBodyBytes?: number | undefined;
}

/** A running collector. */
export interface RunningCollector {
  /** The base URL, e.g. `http://127.0.0.1:9090`: an Emitter's endpoint. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Counts since the last reset (as `/micro/all`). */
  summary(): CollectorSummary;
  /** The good events since the last reset (as `/micro/good`), validated so far; await `idle()` first for all. */
  good(): readonly GoodEvent[];
  /** The bad events since the last reset (as `/micro/bad`), validated so far; await `idle()` first for all. */
  bad(): readonly BadEvent[];
  /** Resolves when every request received so far has been validated and recorded. */
  idle(): Promise<void>;
  /** Forgets the recorded events (as `/micro/reset`). */
  reset(): void;
  /** Stops listening, closes connections, finishes validation, prints the summary of the whole run and resolves to it. Idempotent. */
  close(): Promise<CollectorSummary>;
}

export const TP2_PATH = '/com.snowplowanalytics.snowplow/tp2';
const GET_PATH = '/i';
const DEFAULT_MAX_BODY_BYTES = 1_000_000;
const DRAIN_LIMIT_BYTES = 64 * 1_000_000;
const ALLOWED_CONTENT_TYPES = ['application/json', 'text/plain'];
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

/** Starts a collector; resolves once it listens. @throws when a schema folder is missing or the port is taken. */
export async function startCollector(options: CollectorOptions = {}): Promise<RunningCollector> {
  for (const dir of options.schemaDirs ?? []) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`rxplow collector: schema folder not found: ${dir}`);
  }
  const resolver = new SchemaResolver({
    schemaDirs: options.schemaDirs ?? [],
    igluUrls: options.igluUrls ?? [],
    builtinSchemas: options.builtinSchemas ?? true,
  });
  await resolver.init();
  const reporter = new Reporter(options.out === undefined ? process.stdout : options.out, options.json ?? false);
  const collector = new Collector(resolver, reporter, options);
  return collector.listen(options.port ?? 0, options.host ?? '127.0.0.1');
}

class Collector {
  readonly #resolver: SchemaResolver;
  readonly #reporter: Reporter;
  readonly #postPaths: ReadonlySet<string>;
  readonly #maxBodyBytes: number;
  readonly #good: GoodEvent[] = [];
  readonly #bad: BadEvent[] = [];
  readonly #lifetime = { good: 0, bad: 0 };
  #queue: Promise<void> = Promise.resolve();

  constructor(resolver: SchemaResolver, reporter: Reporter, options: CollectorOptions) {
    this.#resolver = resolver;
    this.#reporter = reporter;
    this.#postPaths = new Set([TP2_PATH, ...(options.postPath ? [options.postPath] : [])]);
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  async listen(port: number, host: string): Promise<RunningCollector> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, 'text/plain', `rxplow collector: ${messageOf(error)}`);
        else res.end();
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
      good: () => [...this.#good],
      bad: () => [...this.#bad],
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
    const { good, bad } = this.#lifetime;
    const summary = { total: good + bad, good, bad };
    this.#reporter.summary(summary);
    return summary;
  }

  #counts(): CollectorSummary {
    return { total: this.#good.length + this.#bad.length, good: this.#good.length, bad: this.#bad.length };
  }

  #idle(): Promise<void> {
    const queue = this.#queue;
    return queue.then(() => (queue === this.#queue ? undefined : this.#idle()));
  }

  #reset(): void {
    this.#good.length = 0;
    this.#bad.length = 0;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://collector.invalid');
    const method = req.method ?? 'GET';
    setCorsHeaders(req, res);
    if (method === 'OPTIONS') {
      req.resume();
      return preflight(req, res);
    }
    if (url.pathname.startsWith('/micro/')) return this.#micro(req, res, url);
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
    this.#recordBad(collectorPayload(req, url, undefined, res), [`unknown path: ${method} ${url.pathname} (the collector takes ${expected})`], 404);
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
    const body = await readBody(req, this.#maxBodyBytes);
    if (body.tooLarge) {
      const problem = `body of ${body.bytes} bytes is over the limit of ${this.#maxBodyBytes} bytes`;
      this.#recordBad(collectorPayload(req, url, undefined, res), [problem], 413);
      return send(res, 413, 'text/plain', 'Payload too large');
    }
    const payload = collectorPayload(req, url, body.text, res);
    const events = readRequestEvents('POST', url.href, body.text);
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
        this.#good.push(record);
        this.#lifetime.good++;
        this.#reporter.good(record);
      });
    }
  }

  #recordBad(payload: CollectorPayload, errors: readonly string[], status: number): void {
    this.#enqueue(async () => this.#pushBad({ collectorPayload: payload, rawEvent: undefined, errors, eventType: undefined, schema: undefined, status }));
  }

  #pushBad(record: BadEvent): void {
    this.#bad.push(record);
    this.#lifetime.bad++;
    this.#reporter.bad(record);
  }

  #enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(task).catch((error: unknown) => {
      process.emitWarning(`rxplow collector: could not record an event: ${messageOf(error)}`);
    });
  }

  async #micro(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = req.method === 'POST' ? await readBody(req, this.#maxBodyBytes) : (req.resume(), undefined);
    await this.#idle();
    let filters = filtersFromQuery(url.searchParams);
    if (body && !body.tooLarge && body.text.trim() !== '') {
      try {
        filters = filtersFrom(JSON.parse(body.text) as Record<string, unknown>);
      } catch {
        return sendJson(res, 400, { error: 'the body is not JSON filters' });
      }
    }
    switch (url.pathname) {
      case '/micro/all': return sendJson(res, 200, this.#counts());
      case '/micro/good': return sendJson(res, 200, selectGood(this.#good, filters));
      case '/micro/bad': return sendJson(res, 200, selectBad(this.#bad, filters));
      case '/micro/reset':
        this.#reset();
        return sendJson(res, 200, this.#counts());
      default: return sendJson(res, 404, { error: `unknown Micro endpoint ${url.pathname}: /micro/all, /micro/good, /micro/bad, /micro/reset` });
    }
  }
}

/** The request as Micro's `collectorPayload` describes it; sets the `sp` cookie unless the request is anonymous. */
function collectorPayload(req: IncomingMessage, url: URL, body: string | undefined, res: ServerResponse): CollectorPayload {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const anonymous = headers['sp-anonymous'] !== undefined;
  let networkUserId = ANONYMOUS_NETWORK_USER_ID;
  if (!anonymous) {
    networkUserId = /(?:^|;\s*)sp=([^;]+)/.exec(headers['cookie'] ?? '')?.[1] ?? randomUUID();
    res.setHeader('Set-Cookie', `sp=${networkUserId}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly`);
  }
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    querystring: url.search ? url.search.slice(1) : undefined,
    contentType: headers['content-type'],
    body: body === undefined ? undefined : body.slice(0, 10_000),
    headers,
    timestamp: new Date().toISOString(),
    ipAddress: anonymous ? undefined : req.socket.remoteAddress,
    anonymous,
    networkUserId,
  };
}

type Body = { readonly tooLarge: false; readonly text: string } | { readonly tooLarge: true; readonly bytes: number };

/** Reads a body up to `limit` bytes; past it, drains the rest (up to 64 MB, then drops the connection). */
function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
      else {
        chunks.length = 0;
        if (bytes > DRAIN_LIMIT_BYTES) req.destroy();
      }
    });
    req.on('end', () => resolve(bytes > limit ? { tooLarge: true, bytes } : { tooLarge: false, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', reject);
  });
}

function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  if (origin) res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Vary', 'Origin');
}

function preflight(req: IncomingMessage, res: ServerResponse): void {
  const requested = (req.headers['access-control-request-headers'] ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  const allowed = [...new Set(['Content-Type', 'SP-Anonymous', ...requested])];
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', allowed.join(', '));
  res.setHeader('Access-Control-Max-Age', '3600');
  res.writeHead(204).end();
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) }).end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}
