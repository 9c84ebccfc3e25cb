// `rxplow collector`: a loopback Snowplow collector that validates every event against its Iglu schemas and serves
// Snowplow Micro's REST API. Node only. Published as `rxplow/collector` (src/collector/index.ts).
import { existsSync, statSync } from 'node:fs';
import * as c from '../payload/checks.js';
import { COLLECTOR_DEFAULTS } from './defaults.js';
import { Reporter, type CollectorSummary, type OutputStream } from './output.js';
import { type BadEvent, type GoodEvent } from './records.js';
import { SchemaResolver } from './schema-resolver.js';
import { Collector } from './collector.js';

export { builtinSchemasDir, demoSchemasDir } from './schema-resolver.js';
export { COLLECTOR_DEFAULTS } from './defaults.js';
export type { CollectorSummary, OutputStream } from './output.js';
export type { BadEvent, CollectorPayload, GoodEvent } from './records.js';

/** Options of {@link startCollector}. Every limit is documented in docs/collector.md. */
export interface CollectorOptions {
  /** The port to listen on; `0` picks a free one (see `url` / `port` of the result). The command line's default is 9090. @default 0 */
  readonly port?: number | undefined;
  /** The address to listen on. Keep it on loopback: the collector is a development tool. @default '127.0.0.1' */
  readonly host?: string | undefined;
  /** Iglu-layout folders (`VENDOR/NAME/jsonschema/M-R-A`) to load schemas from, searched first, in order. @default [] */
  readonly schemaDirs?: readonly string[] | undefined;
  /** Static Iglu registries (`GET {url}/schemas/VENDOR/NAME/jsonschema/M-R-A`), searched after `schemaDirs`, in order; answers are cached. @default [] */
  readonly igluUrls?: readonly string[] | undefined;
  /** Fall back to the Iglu Central schemas bundled with rxplow (the protocol's envelopes and every schema rxplow's track methods emit). @default true */
  readonly builtinSchemas?: boolean | undefined;
  /** Another POST path to accept, besides `/com.snowplowanalytics.snowplow/tp2` (an emitter's `postPath`). @default undefined (none) */
  readonly postPath?: string | undefined;
  /** Print one JSON object per line instead of readable lines. @default false */
  readonly json?: boolean | undefined;
  /** Also print each good event's fields and every error of a bad one (`rxplow collector --verbose`). @default false */
  readonly verbose?: boolean | undefined;
  /** Where the lines go; `null` prints nothing. A Node stream's `error` (EPIPE) stops the printing, not the collector. @default process.stdout */
  readonly out?: OutputStream | null | undefined;
  /** Largest request body accepted, in bytes; a larger one is answered 413 and kept as one bad record. @default 1_000_000 (as Snowplow's collector) */
  readonly maxBodyBytes?: number | undefined;
  /** Most events (items of a POST body's `data`) accepted in one request; a request with more is answered 413 and kept as one bad record. @default 10_000 */
  readonly maxEventsPerRequest?: number | undefined;
  /** Most records (good and bad together) kept for the Micro API; past it the oldest are evicted and counted (`evicted` in `/micro/all`). @default 10_000 */
  readonly maxStoredEvents?: number | undefined;
  /** About how many bytes of received event text the kept records may hold; past it the oldest are evicted and counted. @default 50_000_000 */
  readonly maxStoredBytes?: number | undefined;
  /** More host names `/micro/*` answers to (in the `Host` header, any port), besides localhost, 127.0.0.1, [::1] and `host`. @default [] */
  readonly allowedHosts?: readonly string[] | undefined;
  /** Told about trouble that does not stop the collector (its output broke, a record could not be made). @default process.emitWarning */
  readonly onWarning?: ((message: string) => void) | undefined;
}

/** A running collector. */
export interface RunningCollector {
  /** The base URL, e.g. `http://127.0.0.1:9090`: an Emitter's endpoint. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Counts since the last reset (as `/micro/all`). */
  summary(): CollectorSummary;
  /** The good events kept since the last reset (as `/micro/good`), validated so far; await `idle()` first for all. */
  good(): readonly GoodEvent[];
  /** The bad events kept since the last reset (as `/micro/bad`), validated so far; await `idle()` first for all. */
  bad(): readonly BadEvent[];
  /** Resolves when every request received so far has been validated and recorded. */
  idle(): Promise<void>;
  /** Forgets the recorded events and the eviction count (as `/micro/reset`). */
  reset(): void;
  /** Stops listening, closes connections, finishes validation, prints the summary of the whole run and resolves to it. Idempotent. */
  close(): Promise<CollectorSummary>;
}

type Limits = Pick<CollectorOptions, 'maxBodyBytes' | 'maxEventsPerRequest' | 'maxStoredEvents' | 'maxStoredBytes'>;
/** The limits, through the library's one option validator (an `InvalidOptionsError` naming the option). */
const LIMIT_CHECKS: c.Checks<Limits> = {
  maxBodyBytes: c.optional(c.positiveInteger),
  maxEventsPerRequest: c.optional(c.positiveInteger),
  maxStoredEvents: c.optional(c.positiveInteger),
  maxStoredBytes: c.optional(c.positiveInteger),
};

/** Starts a collector; resolves once it listens. @throws when an option is invalid, a schema folder is missing or the port is taken. */
export async function startCollector(options: CollectorOptions = {}): Promise<RunningCollector> {
  const { maxBodyBytes, maxEventsPerRequest, maxStoredEvents, maxStoredBytes } = options;
  const given = c.checkOptions(LIMIT_CHECKS, { maxBodyBytes, maxEventsPerRequest, maxStoredEvents, maxStoredBytes });
  const limits = {
    maxBodyBytes: given.maxBodyBytes ?? COLLECTOR_DEFAULTS.maxBodyBytes,
    maxEventsPerRequest: given.maxEventsPerRequest ?? COLLECTOR_DEFAULTS.maxEventsPerRequest,
    maxStoredEvents: given.maxStoredEvents ?? COLLECTOR_DEFAULTS.maxStoredEvents,
    maxStoredBytes: given.maxStoredBytes ?? COLLECTOR_DEFAULTS.maxStoredBytes,
  };
  for (const dir of options.schemaDirs ?? []) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`rxplow collector: schema folder not found: ${dir}`);
  }
  const resolver = new SchemaResolver({
    schemaDirs: options.schemaDirs ?? [],
    igluUrls: options.igluUrls ?? [],
    builtinSchemas: options.builtinSchemas ?? true,
  });
  await resolver.init();
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(`rxplow collector: ${message}`));
  const reporter = new Reporter(
    options.out === undefined ? process.stdout : options.out,
    options.json ?? false,
    warn,
    options.verbose ?? false,
  );
  const host = options.host ?? COLLECTOR_DEFAULTS.host;
  const collector = new Collector(resolver, reporter, warn, {
    ...limits,
    host,
    allowedHosts: options.allowedHosts ?? [],
    postPath: options.postPath,
  });
  try {
    return await collector.listen(options.port ?? COLLECTOR_DEFAULTS.port, host);
  } catch (error) {
    reporter.detach();
    throw error;
  }
}
