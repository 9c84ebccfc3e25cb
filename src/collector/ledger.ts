// The collector's record keeping: validates each event in arrival order and keeps good and bad records (bounded), with
// the counts since the last reset and over the whole run.
import { eventNameOf, messageOf, type RequestEvents } from '../payload/decode.js';
import type { CollectorSummary, Reporter } from './output.js';
import { approximateBytes, eventSchemaOf, toAtomicEvent, type BadEvent, type CollectorPayload, type GoodEvent } from './records.js';
import type { SchemaResolver } from './schema-resolver.js';
import { RecordStore, type StoreLimits } from './store.js';
import { validateEvent } from './validate.js';

/** A bad record keeps at most this many messages (and says how many more there were). */
const MAX_ERRORS_PER_RECORD = 100;

type Entry = { readonly good: GoodEvent; readonly bad?: undefined } | { readonly good?: undefined; readonly bad: BadEvent };

/** The records of a collector: what `/micro/*` and a running collector's `good()` / `bad()` read. */
export class Ledger {
  readonly #resolver: SchemaResolver;
  readonly #reporter: Reporter;
  readonly #warn: (message: string) => void;
  readonly #store: RecordStore<Entry>;
  /** Requests whose body preview has been counted in the store's bytes (once per request). */
  readonly #previewCounted = new WeakSet<CollectorPayload>();
  #sinceReset = { good: 0, bad: 0 };
  readonly #lifetime = { good: 0, bad: 0, evicted: 0 };
  #queue: Promise<void> = Promise.resolve();

  constructor(resolver: SchemaResolver, reporter: Reporter, warn: (message: string) => void, limits: StoreLimits) {
    this.#resolver = resolver;
    this.#reporter = reporter;
    this.#warn = warn;
    this.#store = new RecordStore(limits);
  }

  /** Counts since the last reset (as `/micro/all`). */
  counts(): CollectorSummary {
    const { good, bad } = this.#sinceReset;
    const evicted = this.#store.evicted;
    return { total: good + bad, good, bad, ...(evicted ? { evicted } : {}) };
  }

  /** Counts over the whole run, resets or not (the summary printed on close). */
  lifetime(): CollectorSummary {
    const { good, bad, evicted } = this.#lifetime;
    return { total: good + bad, good, bad, ...(evicted ? { evicted } : {}) };
  }

  good(): GoodEvent[] {
    return this.#store.records().flatMap((entry) => (entry.good ? [entry.good] : []));
  }

  bad(): BadEvent[] {
    return this.#store.records().flatMap((entry) => (entry.bad ? [entry.bad] : []));
  }

  /** Resolves when every request received so far has been validated and recorded. */
  idle(): Promise<void> {
    const queue = this.#queue;
    return queue.then(() => (queue === this.#queue ? undefined : this.idle()));
  }

  /** Forgets the kept records and the counts since the last reset. */
  reset(): void {
    this.#store.clear();
    this.#sinceReset = { good: 0, bad: 0 };
  }

  /** Queues the validation of a request's events (in arrival order); its unreadable parts become a bad record. */
  accept(read: RequestEvents, payload: CollectorPayload, status: number): void {
    if (read.errors.length) this.recordBad(payload, read.errors, status);
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

  /** Queues a bad record for a request that carried no readable event (wrong path, type or size). */
  recordBad(payload: CollectorPayload, errors: readonly string[], status: number): void {
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
}
