// The settler: writes what the worker decided about its entries back to Redis. Dead letters first (a Lua append
// that trims the oldest dead letters, counted), then XACK (+ XDEL, the stream's event count kept) for the lot in one
// script call; a batch read again without an outcome is split instead. What fails is retried with backoff on the
// scheduler until it is written or the worker's stop abandons it (the entries then stay pending).
import type { SchedulerLike } from 'rxjs';
import { asNumber, type RedisClient } from './client.js';
import type { DeadLetterKind } from './entries.js';
import { PAYLOAD_FIELD } from './queue-emitter.js';
import { ACKNOWLEDGE, DEAD_LETTER_APPEND, runScript, SPLIT } from './scripts.js';
import { Alarm, commandBackoff } from './timing.js';

/** An event the worker moved to the dead-letter stream. */
export interface DeadLetter {
  /** The entry's id in the source stream. */
  readonly id: string;
  /** The event's `eid` (absent for an entry that held no readable payload). */
  readonly eid: string | undefined;
  /**
   * Why: `refused` (the collector refused it alone, with a 4xx other than 408/429), `dropped` (never sendable:
   * `oversize`, `error`), `poison` (read `maxDeliveries` times without an outcome), `expired` (older than `maxAgeMs`
   * when read), `malformed` (no tracker payload).
   */
  readonly kind: DeadLetterKind;
  /** What happened, in words (the HTTP status and error message, the drop reason, the count or age). */
  readonly reason: string;
  /** The HTTP status of the refusal, when there was one. */
  readonly status: number | undefined;
}

/** An event of an entry moved to the dead-letter stream, with its raw payload. */
export interface DeadEvent {
  readonly letter: DeadLetter;
  readonly raw: string;
}

/** What the settler writes for one entry. */
export interface Settlement {
  readonly id: string;
  /** The events the entry holds: the stream's event count goes down by this many when it is deleted. @default 0 */
  readonly events?: number | undefined;
  /** Its events moved to the dead-letter stream first (each with its raw payload); the rest were delivered. */
  readonly dead?: readonly DeadEvent[] | undefined;
  /** A pending entry whose data is gone from the stream (deleted or trimmed elsewhere): acknowledged away. */
  readonly gone?: boolean | undefined;
  /** A batch read again without an outcome: split into entries of one event each (these lines), see `SPLIT`. */
  readonly split?: { readonly lines: readonly string[]; readonly time: number; readonly reads: number } | undefined;
}

/** Where the settler works and whom it tells. */
export interface SettlerConfig {
  readonly redis: RedisClient;
  readonly stream: string;
  /** The key of the stream's event count (`<stream>:count`). */
  readonly countKey: string;
  readonly group: string;
  readonly consumer: string;
  readonly deadLetterStream: string;
  readonly deadLetterMaxLen: number;
  readonly deleteAcked: boolean;
  readonly scheduler: SchedulerLike;
  /** These entries are written (acknowledged; the dead ones dead-lettered first). */
  readonly written: (done: readonly Settlement[]) => void;
  /** Dead letters trimmed to make room for new ones. */
  readonly trimmed: (count: number) => void;
  readonly report: (error: unknown) => void;
}

export class Settler {
  #queue: Settlement[] = [];
  /** Dead letters already appended whose acknowledgement failed: not appended twice. */
  readonly #appended = new WeakSet<DeadEvent>();
  #running: Promise<void> | undefined;
  #abandoned = false;
  readonly #alarm: Alarm;

  constructor(private readonly config: SettlerConfig) {
    this.#alarm = new Alarm(config.scheduler);
  }

  /** Entries to write back (acknowledge, or dead-letter and acknowledge). */
  settle(items: readonly Settlement[]): void {
    if (items.length === 0) return;
    this.#queue.push(...items);
    if (this.#abandoned) return;
    this.#running ??= Promise.resolve().then(() => this.#loop());
  }

  /** Entries waiting to be written. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Resolves when nothing waits to be written. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  /** Gives up what is not written yet (it stays pending in the stream) and ends any backoff; returns how many. */
  abandon(): number {
    this.#abandoned = true;
    this.#alarm.ring();
    return this.#queue.length;
  }

  async #loop(): Promise<void> {
    try {
      for (let failures = 0; this.#queue.length > 0 && !this.#abandoned;) {
        const batch = this.#queue;
        this.#queue = [];
        const failed = await this.#write(batch);
        if (failed.length === 0) {
          failures = 0;
          continue;
        }
        this.#queue = [...failed, ...this.#queue];
        await this.#alarm.sleep(commandBackoff(failures++));
      }
    } catch (error) {
      this.config.report(error);
      await this.#alarm.sleep(commandBackoff(10));
    } finally {
      this.#running = undefined;
      // Whatever arrived meanwhile (or after an unexpected error) gets a loop of its own.
      if (this.#queue.length > 0 && !this.#abandoned) this.#running = Promise.resolve().then(() => this.#loop());
    }
  }

  /** Writes a batch; returns what must be tried again. */
  async #write(batch: readonly Settlement[]): Promise<Settlement[]> {
    const c = this.config;
    const dead = batch.flatMap((s) => (s.dead ?? []).filter((d) => !this.#appended.has(d)).map((d) => ({ s, d })));
    const splits = batch.filter((s) => s.split !== undefined);
    const [appended, split] = await Promise.all([
      Promise.allSettled(dead.map(({ d }) => this.#append(d))),
      Promise.allSettled(splits.map((s) => this.#split(s))),
    ]);
    const retry = new Set<Settlement>();
    appended.forEach((result, i) => {
      const { s, d } = dead[i]!;
      if (result.status === 'rejected') {
        retry.add(s);
        c.report(result.reason);
      } else {
        this.#appended.add(d);
        if (result.value > 0) c.trimmed(result.value);
      }
    });
    split.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      retry.add(splits[i]!);
      c.report(result.reason);
    });
    const written = batch.filter((s) => !retry.has(s));
    const ready = written.filter((s) => s.split === undefined);
    if (ready.length > 0) {
      try {
        // One script call with one argument for the entries: the client writes a few strings, not two per entry.
        const pairs = ready.map((s) => `${s.id} ${s.events ?? 0}`).join(' ');
        await runScript(c.redis, ACKNOWLEDGE, [c.stream, c.countKey], [c.group, c.deleteAcked ? '1' : '0', pairs]);
      } catch (error) {
        c.report(error);
        const splitDone = written.filter((s) => s.split !== undefined);
        if (splitDone.length > 0) c.written(splitDone);
        return batch.filter((s) => s.split === undefined || retry.has(s));
      }
    }
    if (written.length > 0) c.written(written);
    return [...retry];
  }

  /** Splits a batch entry into entries of one event each (nothing happens when it is no longer pending). */
  async #split(s: Settlement): Promise<void> {
    const c = this.config;
    const { lines, time, reads } = s.split!;
    await runScript(c.redis, SPLIT, [c.stream], [c.group, s.id, String(time), String(reads), ...lines]);
  }

  async #append(d: DeadEvent): Promise<number> {
    const c = this.config;
    const { letter, raw } = d;
    const fields = [PAYLOAD_FIELD, raw, 'id', letter.id, 'kind', letter.kind, 'reason', letter.reason, 'consumer', c.consumer];
    fields.push('at', String(c.scheduler.now()));
    if (letter.eid !== undefined) fields.push('eid', letter.eid);
    if (letter.status !== undefined) fields.push('status', String(letter.status));
    const reply = await runScript(c.redis, DEAD_LETTER_APPEND, [c.deadLetterStream], [String(c.deadLetterMaxLen), ...fields]);
    return asNumber(reply) ?? 0;
  }
}
