import { map, Observable, Subject, type SchedulerLike, type Subscription } from 'rxjs';
import type { DeliveryOutcome, FinalOutcome } from '../emitter/outcome.js';
import { isFinalOutcome } from '../emitter/outcome.js';
import type { Admission, Sink } from '../emitter/sink.js';
import { InvalidOptionsError } from '../errors.js';
import * as c from '../payload/checks.js';
import type { Payload } from '../payload/payload.js';
import { asArray, asEntries, describe, readGroupEntries, type RedisClient, type StreamEntry } from './client.js';
import { streamMetrics, type StreamMetrics } from './metrics.js';
import * as o from './options.js';
import { PAYLOAD_FIELD } from './queue-emitter.js';

/** Options of {@link createRedisWorker}. */
export interface RedisWorkerOptions {
  /** A connected node-redis client. The worker also opens one connection of its own (`duplicate()`) for blocking reads. */
  readonly redis: RedisClient;
  /** The stream the producers append to. */
  readonly stream: string;
  /** The consumer group the workers share (created, with the stream, when missing). */
  readonly group: string;
  /** This worker's name in the group: unique per live worker (e.g. host name and process id). */
  readonly consumer: string;
  /**
   * Delivers the events: a fresh rxplow HTTP `Emitter` (batching, retries, timeouts and outcomes are the Emitter's own)
   * or any other sink whose outcomes carry the events with their `eid`. The worker connects it; give it to no tracker.
   */
  readonly emitter: Sink;
  /** Where events that finally failed go, with the reason. @default `<stream>:dead` */
  readonly deadLetterStream?: string | undefined;
  /** `MAXLEN ~` of the dead-letter stream. @default 100_000 */
  readonly deadLetterMaxLen?: number | undefined;
  /** Entries per read (`XREADGROUP COUNT`). @default 100 */
  readonly readCount?: number | undefined;
  /** How long a read waits for new entries (`BLOCK`), in ms; also the longest a stop waits for the read in progress. @default 1000 */
  readonly blockMs?: number | undefined;
  /** Entries read and not yet acknowledged, at most; reading pauses at this many. Keep it ≤ the emitter's `maxQueueSize`. @default 1000 */
  readonly maxInFlight?: number | undefined;
  /**
   * An entry pending this long at a consumer that stopped touching it is taken over (`XAUTOCLAIM`): the consumer is
   * taken for dead. A live worker refreshes its own entries (`XCLAIM … JUSTID`) every third of it, so however long a
   * delivery retries, its entries are never taken from it. @default 60_000
   */
  readonly claimIdleMs?: number | undefined;
  /** How often to look for entries to take over, in ms. @default 10_000 (or `claimIdleMs` when smaller) */
  readonly claimIntervalMs?: number | undefined;
  /**
   * Delete entries once acknowledged (`XDEL` after `XACK`), so the stream holds only the backlog and `MAXLEN` bounds
   * undelivered events only. Turn it off when other groups read the same stream. @default true
   */
  readonly deleteAcked?: boolean | undefined;
  /** Where a group created by the worker starts: `0`, every entry already in the stream; `$`, only new ones. @default '0' */
  readonly groupStartId?: string | undefined;
  /** How often `metrics` polls Redis, in ms. @default 5000 */
  readonly metricsIntervalMs?: number | undefined;
  /** @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
}

/** An event the worker moved to the dead-letter stream. */
export interface DeadLetter {
  /** The entry's id in the source stream. */
  readonly id: string;
  /** The event's `eid` (absent for an entry that held no readable payload). */
  readonly eid: string | undefined;
  /** Why: `failed` (the collector refused it for good, or retries ran out), `dropped` (never sendable), `malformed`. */
  readonly kind: 'failed' | 'dropped' | 'malformed';
  /** What happened, in words (the HTTP status and error message, the drop reason). */
  readonly reason: string;
  /** The HTTP status of the last answer, when there was one. */
  readonly status: number | undefined;
}

/** The worker's own counters, and the stream's numbers from Redis. */
export interface RedisWorkerMetrics extends StreamMetrics {
  /** Events this worker delivered and acknowledged. */
  readonly delivered: number;
  /** Events this worker moved to the dead-letter stream. */
  readonly deadLettered: number;
  /** Entries this worker took over from consumers taken for dead. */
  readonly reclaimed: number;
  /** Pending entries whose data was gone (trimmed by `MAXLEN` or deleted) when taken over: lost, acknowledged away. */
  readonly trimmed: number;
  /** Entries read by this worker and not yet acknowledged. */
  readonly inFlight: number;
}

/** What a stopped worker did. */
export interface RedisWorkerReport {
  /** Events delivered and acknowledged. */
  readonly delivered: number;
  /** Events moved to the dead-letter stream (and acknowledged). */
  readonly deadLettered: number;
  /** Entries taken over from dead consumers. */
  readonly reclaimed: number;
  /** Entries left pending at the stop (in flight at the deadline): another worker takes them over after `claimIdleMs`. */
  readonly released: number;
}

/** A running worker. */
export interface RedisWorker {
  /** Its consumer name. */
  readonly consumer: string;
  /** Every outcome of its emitter. Hot. */
  readonly outcomes: Observable<DeliveryOutcome>;
  /** Each event moved to the dead-letter stream. Hot. */
  readonly deadLetters: Observable<DeadLetter>;
  /** Redis commands that failed (connection lost, …): the worker retries them with backoff. Hot. */
  readonly errors: Observable<Error>;
  /** Stream length, pending, lag, and this worker's delivered / dead-lettered / reclaimed counts, every `metricsIntervalMs` while subscribed. */
  readonly metrics: Observable<RedisWorkerMetrics>;
  /** Resolves once the group exists and the worker reads. */
  readonly ready: Promise<void>;
  /**
   * Stops gracefully: stops reading and taking over, lets the emitter finish what is in flight, acknowledges it, and
   * at `timeoutMs` gives up: entries still in flight stay pending (another worker takes them over after
   * `claimIdleMs`; nothing is lost). Idempotent; never rejects. Leaves the `redis` client open.
   */
  stop(options?: { readonly timeoutMs?: number | undefined }): Promise<RedisWorkerReport>;
}

interface Held {
  readonly entry: StreamEntry;
  readonly eid: string;
}

interface Settle {
  readonly id: string;
  /** Dead-letter fields, when it goes to the dead-letter stream first. */
  readonly dead: DeadLetter | undefined;
  readonly raw: string | undefined;
}

const CHECKS: c.Checks<RedisWorkerOptions> = {
  redis: o.client<RedisClient>,
  stream: o.key,
  group: o.key,
  consumer: o.key,
  emitter: (value, field) =>
    typeof (value as Partial<Sink> | null)?.connect === 'function'
      ? (value as Sink)
      : c.reject(field, 'expected an rxplow Emitter (or another sink)'),
  deadLetterStream: c.optional(o.key),
  deadLetterMaxLen: o.positiveInteger,
  readCount: o.positiveInteger,
  blockMs: o.duration(1),
  maxInFlight: o.positiveInteger,
  claimIdleMs: o.duration(1),
  claimIntervalMs: o.duration(1),
  deleteAcked: c.optional(c.boolean),
  groupStartId: c.optional(c.matching(/^(0|\$|\d+-\d+)$/, '0, $ or a stream id')),
  metricsIntervalMs: o.duration(1),
  scheduler: o.scheduler,
};

/** The worker's defaults (frozen). */
export const REDIS_WORKER_DEFAULTS = Object.freeze({
  deadLetterMaxLen: 100_000,
  readCount: 100,
  blockMs: 1_000,
  maxInFlight: 1_000,
  claimIdleMs: 60_000,
  claimIntervalMs: 10_000,
  deleteAcked: true,
  groupStartId: '0',
  metricsIntervalMs: 5_000,
  stopTimeoutMs: 10_000,
});

/** Final outcomes that leave the entry pending (another attempt later, by whichever worker takes it over). */
const RELEASE = new Set(['queue-full', 'shutdown', 'abandoned']);
const JUSTID_CHUNK = 500;

/**
 * Starts a delivery worker: reads a Redis stream as one consumer of a group (`XREADGROUP`), delivers each event
 * through `emitter` (an rxplow HTTP `Emitter`: the same batching, retries and outcomes), acknowledges an entry
 * (`XACK`, then `XDEL`) only once its event has a final outcome, moves events that finally failed to a dead-letter
 * stream with the reason, and takes over the entries of consumers that died (`XAUTOCLAIM` after `claimIdleMs`).
 * Several workers share a group: each event is delivered once in the normal case, at least once after a crash,
 * always with its original `eid`.
 * @throws {InvalidOptionsError} for a missing or unusable option, or an emitter already connected to a tracker.
 */
export function createRedisWorker(options: RedisWorkerOptions): RedisWorker {
  return new Worker(c.checkOptions(CHECKS, options));
}

class Worker implements RedisWorker {
  readonly consumer: string;
  readonly outcomes: Observable<DeliveryOutcome>;
  readonly deadLetters: Observable<DeadLetter>;
  readonly errors: Observable<Error>;
  readonly metrics: Observable<RedisWorkerMetrics>;
  readonly ready: Promise<void>;

  readonly #redis: RedisClient;
  readonly #emitter: Sink;
  readonly #stream: string;
  readonly #group: string;
  readonly #dead: string;
  readonly #deadMaxLen: string;
  readonly #readCount: number;
  readonly #blockMs: number;
  readonly #maxInFlight: number;
  readonly #claimIdleMs: number;
  readonly #claimIntervalMs: number;
  readonly #deleteAcked: boolean;
  readonly #startId: string;
  readonly #scheduler: SchedulerLike | undefined;
  readonly #admissions = new Subject<Admission>();
  readonly #deadLetters = new Subject<DeadLetter>();
  readonly #errors = new Subject<Error>();
  /** Entries read and not yet acknowledged, by entry id. */
  readonly #held = new Map<string, Held>();
  /** Entry ids by eid, oldest first (the same eid may be queued twice, after a producer's retry). */
  readonly #byEid = new Map<string, string[]>();
  #settleQueue: Settle[] = [];
  #settling: Promise<void> | undefined;
  readonly #counts = { delivered: 0, deadLettered: 0, reclaimed: 0, trimmed: 0 };
  readonly #wakers = new Set<() => void>();
  readonly #stopWakers = new Set<() => void>();
  readonly #subscriptions: Subscription[] = [];
  #reader: RedisClient | undefined;
  #stopping = false;
  /** Set at the very end of a stop: the heartbeat ends. */
  #finished = false;
  #stopped: Promise<RedisWorkerReport> | undefined;
  #loops: Promise<void>[] = [];

  constructor(o: RedisWorkerOptions) {
    const d = REDIS_WORKER_DEFAULTS;
    this.#redis = o.redis;
    this.#emitter = o.emitter;
    this.#stream = o.stream;
    this.#group = o.group;
    this.consumer = o.consumer;
    this.#dead = o.deadLetterStream ?? `${o.stream}:dead`;
    this.#deadMaxLen = String(o.deadLetterMaxLen ?? d.deadLetterMaxLen);
    this.#readCount = o.readCount ?? d.readCount;
    this.#blockMs = o.blockMs ?? d.blockMs;
    this.#maxInFlight = o.maxInFlight ?? d.maxInFlight;
    this.#claimIdleMs = o.claimIdleMs ?? d.claimIdleMs;
    this.#claimIntervalMs = o.claimIntervalMs ?? Math.min(d.claimIntervalMs, this.#claimIdleMs);
    this.#deleteAcked = o.deleteAcked ?? d.deleteAcked;
    this.#startId = o.groupStartId ?? d.groupStartId;
    this.#scheduler = o.scheduler;
    if (this.#dead === this.#stream) throw new InvalidOptionsError('deadLetterStream', 'must differ from stream');

    this.#subscriptions.push(this.#emitter.connect(this.#admissions.asObservable()));
    this.outcomes = this.#emitter.outcomes;
    this.#subscriptions.push(this.#emitter.outcomes.subscribe((outcome) => (isFinalOutcome(outcome) ? this.#onFinal(outcome) : undefined)));
    this.deadLetters = this.#deadLetters.asObservable();
    this.errors = this.#errors.asObservable();
    this.metrics = streamMetrics(this.#redis, {
      stream: this.#stream,
      group: this.#group,
      intervalMs: o.metricsIntervalMs ?? d.metricsIntervalMs,
      scheduler: this.#scheduler,
    }).pipe(map((stream) => ({ ...stream, ...this.#counts, inFlight: this.#held.size })));
    this.ready = this.#start();
  }

  stop(options: { readonly timeoutMs?: number | undefined } = {}): Promise<RedisWorkerReport> {
    const timeoutMs = options.timeoutMs ?? REDIS_WORKER_DEFAULTS.stopTimeoutMs;
    this.#stopped ??= this.#stop(timeoutMs);
    return this.#stopped;
  }

  // ---- starting and the loops ----

  async #start(): Promise<void> {
    for (let failures = 0; !this.#stopping; failures++) {
      try {
        await this.#redis
          .sendCommand(['XGROUP', 'CREATE', this.#stream, this.#group, this.#startId, 'MKSTREAM'])
          .catch((error: unknown) => {
            if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
          });
        const reader = this.#redis.duplicate();
        reader.on('error', () => undefined);
        await reader.connect();
        this.#reader = reader;
        break;
      } catch (error) {
        this.#report(error);
        await this.#sleep(backoff(failures));
      }
    }
    if (this.#stopping) return;
    this.#loops = [this.#readLoop(), this.#claimLoop(), this.#heartbeatLoop()];
  }

  /** Own pending entries first (a restart under the same name), then new ones, never more than `maxInFlight` held. */
  async #readLoop(): Promise<void> {
    let ownFrom: string | undefined = '0';
    for (let failures = 0; !this.#stopping;) {
      await this.#roomFor(1);
      if (this.#stopping) break;
      const count = Math.min(this.#readCount, this.#maxInFlight - this.#held.size);
      const from = ownFrom ?? '>';
      const args = ['XREADGROUP', 'GROUP', this.#group, this.consumer, 'COUNT', String(count)];
      if (ownFrom === undefined) args.push('BLOCK', String(this.#blockMs));
      args.push('STREAMS', this.#stream, from);
      let entries: StreamEntry[];
      try {
        entries = readGroupEntries(await (ownFrom === undefined ? this.#reader! : this.#redis).sendCommand(args));
        failures = 0;
      } catch (error) {
        this.#report(error);
        await this.#sleep(backoff(failures++));
        continue;
      }
      if (ownFrom !== undefined) ownFrom = entries.length === 0 ? undefined : entries[entries.length - 1]!.id;
      this.#admitAll(entries);
    }
  }

  /** Takes over entries idle for `claimIdleMs` at any consumer (dead ones: live workers keep theirs fresh). */
  async #claimLoop(): Promise<void> {
    let cursor = '0-0';
    for (let failures = 0; !this.#stopping;) {
      await this.#sleep(failures > 0 ? backoff(failures) : this.#claimIntervalMs, 'stop');
      if (this.#stopping) break;
      try {
        do {
          const room = this.#maxInFlight - this.#held.size;
          if (room <= 0 || this.#stopping) break;
          const reply = asArray(
            await this.#redis.sendCommand([
              'XAUTOCLAIM',
              this.#stream,
              this.#group,
              this.consumer,
              String(this.#claimIdleMs),
              cursor,
              'COUNT',
              String(Math.min(room, this.#readCount)),
            ]),
          );
          cursor = String(reply[0] ?? '0-0');
          const entries = asEntries(reply[1]).filter((entry) => !this.#held.has(entry.id));
          this.#counts.reclaimed += entries.length;
          this.#admitAll(entries);
          // Pending entries whose data is gone (trimmed by MAXLEN, deleted): nothing to deliver; acknowledge them away.
          const gone = asArray(reply[2]).map(String);
          if (gone.length > 0) {
            this.#counts.trimmed += gone.length;
            await this.#redis.sendCommand(['XACK', this.#stream, this.#group, ...gone]);
          }
        } while (cursor !== '0-0');
        failures = 0;
      } catch (error) {
        this.#report(error);
        failures++;
      }
    }
  }

  /** Keeps this worker's entries from looking idle (so nobody takes them over) while their delivery goes on. */
  async #heartbeatLoop(): Promise<void> {
    const every = Math.max(1, Math.floor(this.#claimIdleMs / 3));
    for (;;) {
      await this.#sleep(every, 'stop');
      if (this.#finished) break;
      await this.#touch();
    }
  }

  async #touch(): Promise<void> {
    const ids = [...this.#held.keys()];
    for (let i = 0; i < ids.length; i += JUSTID_CHUNK) {
      const chunk = ids.slice(i, i + JUSTID_CHUNK);
      try {
        await this.#redis.sendCommand(['XCLAIM', this.#stream, this.#group, this.consumer, '0', ...chunk, 'JUSTID']);
      } catch (error) {
        this.#report(error);
      }
    }
  }

  // ---- admitting entries and settling them ----

  #admitAll(entries: readonly StreamEntry[]): void {
    let admitted = 0;
    for (const entry of entries) {
      if (this.#held.has(entry.id)) continue;
      const raw = entry.fields[PAYLOAD_FIELD];
      const payload = parsePayload(raw);
      if (payload === undefined) {
        this.#held.set(entry.id, { entry, eid: '' });
        const dead: DeadLetter = {
          id: entry.id,
          eid: undefined,
          kind: 'malformed',
          reason: `no tracker payload with an eid in field "${PAYLOAD_FIELD}"`,
          status: undefined,
        };
        this.#queueSettle({ id: entry.id, dead, raw: raw ?? JSON.stringify(entry.fields) });
        continue;
      }
      const eid = payload['eid']!;
      this.#held.set(entry.id, { entry, eid });
      const ids = this.#byEid.get(eid);
      if (ids) ids.push(entry.id);
      else this.#byEid.set(eid, [entry.id]);
      this.#admissions.next({ kind: 'event', payload });
      admitted++;
    }
    // Send what was read now, rather than after the emitter's flushIntervalMs: a full read already makes full batches.
    if (admitted > 0) void this.#emitter.flush();
  }

  #onFinal(outcome: FinalOutcome): void {
    // A batch the collector refused outright (a 4xx) may hold one bad event: each is sent again alone, once, so
    // only the bad one ends in the dead-letter stream.
    const isolate =
      outcome.kind === 'failed' &&
      outcome.events.length > 1 &&
      outcome.status !== undefined &&
      outcome.status >= 400 &&
      outcome.status < 500;
    for (const event of outcome.events) {
      const eid = event['eid'];
      if (eid === undefined) continue;
      const ids = this.#byEid.get(eid);
      const id = ids?.shift();
      if (id === undefined) continue;
      if (ids!.length === 0) this.#byEid.delete(eid);
      const held = this.#held.get(id);
      if (held === undefined) continue;
      if (outcome.kind === 'sent') {
        this.#queueSettle({ id, dead: undefined, raw: undefined });
      } else if (isolate && !this.#isolated.has(id)) {
        this.#isolated.add(id);
        this.#byEid.set(eid, [...(this.#byEid.get(eid) ?? []), id]);
        this.#admissions.next({ kind: 'event', payload: parsePayload(held.entry.fields[PAYLOAD_FIELD])! });
        void this.#emitter.flush();
      } else if (outcome.kind === 'dropped' && RELEASE.has(outcome.reason)) {
        // Not this worker's to finish: left pending, taken over (by any worker) once idle.
        this.#held.delete(id);
        this.#released++;
        this.#wake();
      } else {
        const status = outcome.kind === 'failed' ? outcome.status : undefined;
        const reason =
          outcome.kind === 'failed'
            ? `failed after ${outcome.attempt} attempt(s): ${outcome.error.message}`
            : `dropped (${outcome.reason})${outcome.error ? `: ${outcome.error.message}` : ''}`;
        this.#queueSettle({ id, dead: { id, eid, kind: outcome.kind, reason, status }, raw: held.entry.fields[PAYLOAD_FIELD] });
      }
    }
  }

  #released = 0;
  /** Entries sent again alone after their batch was refused: a second refusal sends them to the dead letters. */
  readonly #isolated = new Set<string>();

  #queueSettle(settle: Settle): void {
    this.#settleQueue.push(settle);
    this.#settling ??= Promise.resolve().then(() => this.#settleLoop());
  }

  /** Dead letters first, then `XACK` (+ `XDEL`) for the lot, pipelined; what fails is retried with backoff. */
  async #settleLoop(): Promise<void> {
    for (let failures = 0; this.#settleQueue.length > 0;) {
      const batch = this.#settleQueue;
      this.#settleQueue = [];
      const now = String(this.#scheduler?.now() ?? Date.now());
      const dead = batch.filter((s) => s.dead !== undefined);
      const written = await Promise.allSettled(
        dead.map((s) => {
          const d = s.dead!;
          const fields = [PAYLOAD_FIELD, s.raw ?? '', 'id', d.id, 'kind', d.kind, 'reason', d.reason, 'consumer', this.consumer, 'at', now];
          if (d.eid !== undefined) fields.push('eid', d.eid);
          if (d.status !== undefined) fields.push('status', String(d.status));
          return this.#redis.sendCommand(['XADD', this.#dead, 'MAXLEN', '~', this.#deadMaxLen, '*', ...fields]);
        }),
      );
      const retry = dead.filter((_, i) => written[i]!.status === 'rejected');
      const ack = batch.filter((s) => !retry.includes(s)).map((s) => s.id);
      let acked = false;
      if (ack.length > 0) {
        try {
          const commands = [this.#redis.sendCommand(['XACK', this.#stream, this.#group, ...ack])];
          if (this.#deleteAcked) commands.push(this.#redis.sendCommand(['XDEL', this.#stream, ...ack]));
          await Promise.all(commands);
          acked = true;
        } catch (error) {
          this.#report(error);
        }
      }
      if (acked) {
        for (const s of batch) {
          if (retry.includes(s)) continue;
          this.#held.delete(s.id);
          this.#isolated.delete(s.id);
          if (s.dead) {
            this.#counts.deadLettered++;
            this.#deadLetters.next(s.dead);
          } else {
            this.#counts.delivered++;
          }
        }
        this.#wake();
      }
      const again = acked ? retry : batch;
      if (again.length > 0) {
        const rejected = written.find((r) => r.status === 'rejected');
        if (rejected?.status === 'rejected') this.#report(rejected.reason);
        this.#settleQueue = [...again, ...this.#settleQueue];
        await this.#sleep(backoff(failures++), 'none');
      } else {
        failures = 0;
      }
    }
    this.#settling = undefined;
    this.#wake();
  }

  // ---- stopping ----

  async #stop(timeoutMs: number): Promise<RedisWorkerReport> {
    const deadline = Date.now() + timeoutMs;
    this.#stopping = true;
    this.#wakeAll();
    const left = (): number => Math.max(0, deadline - Date.now());
    await this.ready;
    // The read in progress returns within blockMs; what it read is in flight like the rest.
    await withDeadline(Promise.all(this.#loops.slice(0, 2)), left());
    await withDeadline(this.#emitter.flush(), left());
    await withDeadline(this.#drained(), left());
    // At the deadline, the emitter gives up what it still holds (`abandoned`): those entries stay pending.
    await this.#emitter.shutdown({ timeoutMs: 0 });
    await withDeadline(this.#drained(), Math.min(left(), 1_000));
    this.#finished = true;
    this.#wakeAll();
    const released = this.#released + this.#held.size;
    for (const s of this.#subscriptions) s.unsubscribe();
    this.#reader?.destroy();
    return { ...pick(this.#counts), released };
  }

  /** Resolves when nothing waits to be acknowledged. */
  async #drained(): Promise<void> {
    while (this.#settling !== undefined || this.#settleQueue.length > 0) await (this.#settling ?? Promise.resolve());
  }

  // ---- small helpers ----

  /** Waits until fewer than `maxInFlight - n + 1` entries are held, or the worker stops. */
  async #roomFor(n: number): Promise<void> {
    while (!this.#stopping && this.#held.size + n > this.#maxInFlight) await this.#sleep(1_000);
  }

  /**
   * Sleeps `ms` on the scheduler. `room`: freed room or a stop wakes it early; `stop`: only the stop (and the end);
   * `none`: nothing does.
   */
  #sleep(ms: number, wakeOn: 'room' | 'stop' | 'none' = 'room'): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        this.#wakers.delete(finish);
        action.unsubscribe();
        resolve();
      };
      const action = (this.#scheduler ?? o.defaultScheduler).schedule(finish, ms);
      if (wakeOn === 'room') this.#wakers.add(finish);
      if (wakeOn === 'stop') this.#stopWakers.add(finish);
    });
  }

  /** Wakes the sleepers waiting for room. */
  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }

  /** Wakes every sleeper but the settle loop's backoff: at the stop, and at the end. */
  #wakeAll(): void {
    this.#wake();
    for (const wake of [...this.#stopWakers]) wake();
  }

  #report(error: unknown): void {
    this.#errors.next(error instanceof Error ? error : new Error(describe(error)));
  }
}

function pick(counts: { delivered: number; deadLettered: number; reclaimed: number }): {
  delivered: number;
  deadLettered: number;
  reclaimed: number;
} {
  return { delivered: counts.delivered, deadLettered: counts.deadLettered, reclaimed: counts.reclaimed };
}

/** A payload read back from a stream entry: a JSON object of strings with an `eid`; `undefined` otherwise. */
function parsePayload(raw: string | undefined): Payload | undefined {
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(raw) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    for (const v of Object.values(value)) if (typeof v !== 'string') return undefined;
    const payload = value as Payload;
    return typeof payload['eid'] === 'string' && payload['eid'] !== '' ? Object.freeze(payload) : undefined;
  } catch {
    return undefined;
  }
}

const backoff = (failures: number): number => Math.min(50 * 2 ** Math.min(failures, 10), 2_000);

function withDeadline(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
