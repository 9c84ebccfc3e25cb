// The settler: writes what the worker decided about its entries back to Redis. Dead letters first (a Lua append
// that trims the oldest dead letters, counted), then XACK (+ XDEL) for the lot in one script call; what fails is retried with
// backoff on the scheduler until it is written or the worker's stop abandons it (the entries then stay pending).
import type { SchedulerLike } from 'rxjs';
import { asNumber, type RedisClient } from './client.js';
import type { DeadLetterKind } from './entries.js';
import { PAYLOAD_FIELD } from './queue-emitter.js';
import { ACKNOWLEDGE, DEAD_LETTER_APPEND, runScript } from './scripts.js';
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

/** What the settler writes for one entry. */
export interface Settlement {
  readonly id: string;
  /** Moved to the dead-letter stream first, with the entry's raw payload. */
  readonly dead?: { readonly letter: DeadLetter; readonly raw: string } | undefined;
  /** A pending entry whose data is gone from the stream (deleted or trimmed elsewhere): acknowledged away. */
  readonly gone?: boolean | undefined;
}

/** Where the settler works and whom it tells. */
export interface SettlerConfig {
  readonly redis: RedisClient;
  readonly stream: string;
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
  readonly #appended = new WeakSet<Settlement>();
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
    const dead = batch.filter((s) => s.dead !== undefined && !this.#appended.has(s));
    const appended = await Promise.allSettled(dead.map((s) => this.#append(s)));
    const retry = new Set<Settlement>();
    appended.forEach((result, i) => {
      if (result.status === 'rejected') {
        retry.add(dead[i]!);
        c.report(result.reason);
      } else {
        this.#appended.add(dead[i]!);
        if (result.value > 0) c.trimmed(result.value);
      }
    });
    const ready = batch.filter((s) => !retry.has(s));
    if (ready.length > 0) {
      const ids = ready.map((s) => s.id);
      try {
        // One script call with one argument for the ids: the client writes a few strings, not two per entry.
        await runScript(c.redis, ACKNOWLEDGE, [c.stream], [c.group, c.deleteAcked ? '1' : '0', ids.join(' ')]);
        c.written(ready);
      } catch (error) {
        c.report(error);
        return [...batch];
      }
    }
    return [...retry];
  }

  async #append(s: Settlement): Promise<number> {
    const c = this.config;
    const { letter, raw } = s.dead!;
    const fields = [PAYLOAD_FIELD, raw, 'id', letter.id, 'kind', letter.kind, 'reason', letter.reason, 'consumer', c.consumer];
    fields.push('at', String(c.scheduler.now()));
    if (letter.eid !== undefined) fields.push('eid', letter.eid);
    if (letter.status !== undefined) fields.push('status', String(letter.status));
    const reply = await runScript(c.redis, DEAD_LETTER_APPEND, [c.deadLetterStream], [String(c.deadLetterMaxLen), ...fields]);
    return asNumber(reply) ?? 0;
  }
}
