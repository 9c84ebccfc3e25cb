// What the collector prints: one line per event (or one JSON object per line with --json) and a summary.
import type { BadEvent, GoodEvent } from './records.js';

/** Counts of what the collector recorded. */
export interface CollectorSummary {
  /** Events and unreadable requests recorded. */
  readonly total: number;
  /** Events that passed validation. */
  readonly good: number;
  /** Events that failed validation, and requests that could not be read (each counts once). */
  readonly bad: number;
}

/** Where output goes: anything with `write(text)`, e.g. `process.stdout`. */
export interface OutputStream {
  write(text: string): unknown;
}

export class Reporter {
  readonly #out: OutputStream | null;
  readonly #json: boolean;

  constructor(out: OutputStream | null, json: boolean) {
    this.#out = out;
    this.#json = json;
  }

  listening(url: string, port: number, sources: string): void {
    this.#print({ type: 'listening', url, port, schemas: sources }, `rxplow collector listening on ${url} (port ${port}; schemas: ${sources})`);
  }

  good(record: GoodEvent): void {
    const method = record.rawEvent.method;
    this.#print(
      { type: 'good', method, eventType: record.eventType, schema: record.schema, eventId: record.event['event_id'], contexts: record.contexts },
      `good  ${method.padEnd(4)} ${record.eventType.padEnd(16)} ${record.schema ?? ''}${record.contexts.length ? `  +${record.contexts.length} context(s)` : ''}`,
    );
  }

  bad(record: BadEvent): void {
    const { method, path } = record.collectorPayload;
    const [first, ...rest] = record.errors;
    this.#print(
      { type: 'bad', method, path, status: record.status, eventType: record.eventType, schema: record.schema, errors: record.errors },
      `bad   ${method.padEnd(4)} ${(record.eventType ?? `(${path})`).padEnd(16)} ${record.schema ?? ''} — ${first ?? 'unknown error'}${rest.length ? ` (+${rest.length} more)` : ''}`,
    );
  }

  summary(summary: CollectorSummary): void {
    this.#print({ type: 'summary', ...summary }, `rxplow collector: ${summary.total} event(s): ${summary.good} good, ${summary.bad} bad`);
  }

  #print(json: object, text: string): void {
    this.#out?.write(`${this.#json ? JSON.stringify(json) : text}\n`);
  }
}
