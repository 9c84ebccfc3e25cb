// What the collector prints: one line per event (or one JSON object per line with --json) and a summary.
// Text that arrives inside events is never written raw: terminal control characters are escaped. A broken or slow
// output (EPIPE after `| head -1`, a full pipe) never stops the collector: lines are dropped and counted instead.
import type { BadEvent, GoodEvent } from './records.js';

/** Counts of what the collector recorded. */
export interface CollectorSummary {
  /** Events and unreadable requests recorded (including any evicted since). */
  readonly total: number;
  /** Events that passed validation. */
  readonly good: number;
  /** Events that failed validation, and requests that could not be read (each counts once). */
  readonly bad: number;
  /** Present once the store has evicted records to stay within its bounds: how many of `total` it no longer holds. */
  readonly evicted?: number;
}

/** Where output goes: anything with `write(text)`, e.g. `process.stdout`. */
export interface OutputStream {
  /** Called with one or more whole lines, each ending in `\n`; what it returns is ignored. */
  write(text: string): unknown;
}

/** The parts of a Node writable stream the reporter uses when they are there. */
interface StreamLike extends OutputStream {
  readonly writableLength?: number;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: 'error', listener: (error: Error) => void): unknown;
}

/** Past this many bytes waiting in the output's buffer, lines are dropped (and counted) rather than queued. */
export const MAX_OUTPUT_BACKLOG_BYTES = 1_000_000;

// C0 controls (but not \n, which only the reporter writes, and only at the end), DEL, C1 controls, and the Unicode
// bidirectional overrides and isolates, which can make a line read differently from what it contains.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const hex = (char: string, width: number) => char.charCodeAt(0).toString(16).toUpperCase().padStart(width, '0');

/** Text safe to print on a terminal: each control character becomes a visible escape (`\x1B`, `\u202E`). */
export const escapeControl = (text: string): string =>
  text.replace(CONTROL, (char) => (char.charCodeAt(0) <= 0xff ? `\\x${hex(char, 2)}` : `\\u${hex(char, 4)}`));

/** JSON text safe to print on a terminal: the controls JSON leaves raw (DEL, C1, bidi) become `\uXXXX` escapes. */
export const escapeJsonControl = (json: string): string => json.replace(CONTROL, (char) => `\\u${hex(char, 4)}`);

export class Reporter {
  readonly #out: StreamLike | null;
  readonly #json: boolean;
  readonly #warn: (message: string) => void;
  readonly #onError = (error: Error) => this.#broken(error);
  #closed = false;
  #dropped = 0;

  /** @param warn told once when the output breaks, and when lines had to be dropped */
  constructor(out: OutputStream | null, json: boolean, warn: (message: string) => void) {
    this.#out = out;
    this.#json = json;
    this.#warn = warn;
    this.#out?.on?.('error', this.#onError);
  }

  listening(url: string, port: number, sources: string): void {
    this.#print(
      { type: 'listening', url, port, schemas: sources },
      `rxplow collector listening on ${url} (port ${port}; schemas: ${sources})`,
    );
  }

  good(record: GoodEvent): void {
    const method = record.rawEvent.method;
    this.#print(
      {
        type: 'good',
        method,
        eventType: record.eventType,
        schema: record.schema,
        eventId: record.event['event_id'],
        contexts: record.contexts,
      },
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
    const evicted = summary.evicted ? `; ${summary.evicted} evicted from the store` : '';
    this.#print(
      { type: 'summary', ...summary },
      `rxplow collector: ${summary.total} event(s): ${summary.good} good, ${summary.bad} bad${evicted}`,
    );
  }

  /** Stops listening for the output's errors (the collector has stopped). */
  detach(): void {
    this.#out?.off?.('error', this.#onError);
    if (this.#dropped) this.#warn(`${this.#dropped} line(s) were not printed: the output was not keeping up`);
    this.#dropped = 0;
  }

  #print(json: object, text: string): void {
    const out = this.#out;
    if (!out || this.#closed) return;
    if ((out.writableLength ?? 0) > MAX_OUTPUT_BACKLOG_BYTES) {
      this.#dropped++;
      return;
    }
    const line = this.#json ? escapeJsonControl(JSON.stringify(json)) : escapeControl(text);
    const dropped = this.#dropped;
    this.#dropped = 0;
    try {
      if (dropped)
        out.write(
          `${this.#json ? JSON.stringify({ type: 'dropped', lines: dropped }) : `(${dropped} line(s) not printed: the output was not keeping up)`}\n`,
        );
      out.write(`${line}\n`);
    } catch (error) {
      this.#broken(error as Error);
    }
  }

  #broken(error: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    const code = (error as { code?: string }).code;
    this.#warn(`the output is closed (${code ?? error.message}): no more lines are printed; the collector keeps running`);
  }
}
