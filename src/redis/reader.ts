// The reader: one consumer's reads of the group. At start, the group is created when missing; then this consumer's
// own pending entries (a restart under the same name) are read one at a time, each delivered alone and written back
// before the next is read (a read counts a delivery, so only the entry a worker crashes on counts up); then new
// entries (`>`, blocking, on a connection of its own) while there is room (counted in events: an entry holds a
// producer's batch) and delivery is not failing. A lost group (NOGROUP: Redis restarted empty, FLUSHALL, XGROUP
// DESTROY) is recreated from the start of the stream.
import { asArray, asNumber, type RedisClient, type StreamEntry } from './client.js';
import { readGroupReply, splitEntries } from './entries.js';
import type { Holder } from './hold.js';
import { commandBackoff, type Alarm } from './timing.js';
import { eventCount } from './scripts.js';
import type { WorkerConfig } from './worker-options.js';

/** What the reader (and the claimer) work with. */
export interface LoopContext {
  readonly config: WorkerConfig;
  readonly holder: Holder;
  /** Rung when room is freed, delivery passes again, or the worker stops. */
  readonly alarm: Alarm;
  readonly stopping: () => boolean;
  readonly report: (error: unknown) => void;
}

/** What only the reader tells the worker. */
export interface ReaderEvents {
  /** The group exists and the reading connection is up. */
  readonly ready: () => void;
  /** A blocking read found nothing new. */
  readonly caughtUp: () => void;
  /** The group was gone and is created again. */
  readonly recreated: () => void;
}

export class Reader {
  #connection: RedisClient | undefined;
  #closed: () => void = () => undefined;
  readonly #closing = new Promise<false>((resolve) => (this.#closed = () => resolve(false)));

  constructor(
    private readonly ctx: LoopContext,
    private readonly events: ReaderEvents,
  ) {}

  /** Closes the reading connection (a blocking read in progress ends at once). */
  close(): void {
    this.#closed();
    this.#connection?.destroy();
  }

  async run(): Promise<void> {
    const { config, holder, alarm, stopping } = this.ctx;
    if (!(await this.#createGroup(config.groupStartId)) || !(await this.#connect())) return;
    await this.#sizeUp();
    this.events.ready();
    let own: string | undefined = '0';
    for (let failures = 0; !stopping();) {
      const room = config.maxInFlight - holder.size;
      if (room <= 0 || (own === undefined && holder.failing)) {
        await alarm.sleep(config.blockMs);
        continue;
      }
      try {
        if (own !== undefined) {
          own = await this.#readOwn(own);
        } else {
          const count = holder.entriesFor(Math.min(config.readCount, room));
          const args = ['XREADGROUP', 'GROUP', config.group, config.consumer, 'COUNT', String(count)];
          const reply = await this.#connection!.sendCommand([...args, 'BLOCK', String(config.blockMs), 'STREAMS', config.stream, '>']);
          const { entries } = splitEntries(readGroupReply(reply));
          if (entries.length > 0) void holder.intake(entries, () => 1, false);
          else if (holder.size === 0) this.events.caughtUp();
        }
        failures = 0;
      } catch (error) {
        if (stopping()) break;
        if (isNoGroup(error)) {
          this.ctx.report(error);
          if (await this.#createGroup('0')) this.events.recreated();
          own = '0';
          continue;
        }
        this.ctx.report(error);
        await alarm.sleep(commandBackoff(failures++));
      }
    }
  }

  /** Reads one of this consumer's pending entries after `from`, delivers it alone; the next `from`, or undefined when done. */
  async #readOwn(from: string): Promise<string | undefined> {
    const { config, holder } = this.ctx;
    const args = ['XREADGROUP', 'GROUP', config.group, config.consumer, 'COUNT', '1', 'STREAMS', config.stream, from];
    const { entries, gone, lastId } = splitEntries(readGroupReply(await config.redis.sendCommand(args)));
    if (gone.length > 0) holder.ackAway(gone);
    if (entries.length > 0) {
      const counts = await readDeliveries(config, entries);
      await holder.intake(entries, (id) => counts.get(id) ?? 1, true);
    }
    return lastId;
  }

  /** The entries' size in the stream now, so that the first read of a backlog of batches takes about `readCount` events. */
  async #sizeUp(): Promise<void> {
    const { config, holder } = this.ctx;
    try {
      const [entries, events] = await Promise.all([
        config.redis.sendCommand(['XLEN', config.stream]),
        config.redis.sendCommand(['GET', config.countKey]),
      ]);
      const length = asNumber(entries) ?? 0;
      holder.expect(eventCount(length, events), length);
    } catch (error) {
      // Not worth a retry: the reads size themselves from what they find.
      this.ctx.report(error);
    }
  }

  /** Creates the group (and the stream) unless it exists; retries until it does or the worker stops. */
  async #createGroup(startId: string): Promise<boolean> {
    const { config } = this.ctx;
    for (let failures = 0; !this.ctx.stopping(); failures++) {
      try {
        await config.redis.sendCommand(['XGROUP', 'CREATE', config.stream, config.group, startId, 'MKSTREAM']).catch((error: unknown) => {
          if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
        });
        return true;
      } catch (error) {
        this.ctx.report(error);
        await this.ctx.alarm.sleep(commandBackoff(failures));
      }
    }
    return false;
  }

  /** Opens the connection for blocking reads; retries until it is up or the worker stops. */
  async #connect(): Promise<boolean> {
    for (let failures = 0; !this.ctx.stopping(); failures++) {
      const connection = this.ctx.config.redis.duplicate();
      connection.on('error', () => undefined);
      this.#connection = connection;
      const connected = connection.connect().then(
        () => true,
        (error: unknown) => {
          this.ctx.report(error);
          return false;
        },
      );
      if (await Promise.race([connected, this.#closing])) return true;
      connection.destroy();
      if (!this.ctx.stopping()) await this.ctx.alarm.sleep(commandBackoff(failures));
    }
    return false;
  }
}

/** XPENDING's delivery counter of entries this consumer holds (one range query). */
export async function readDeliveries(config: WorkerConfig, entries: readonly StreamEntry[]): Promise<Map<string, number>> {
  const first = entries[0]!.id;
  const last = entries[entries.length - 1]!.id;
  const reply = await config.redis.sendCommand([
    'XPENDING',
    config.stream,
    config.group,
    first,
    last,
    String(entries.length),
    config.consumer,
  ]);
  const counts = new Map<string, number>();
  for (const row of asArray(reply)) {
    const fields = asArray(row);
    counts.set(String(fields[0]), asNumber(fields[3]) ?? 1);
  }
  return counts;
}

export const isNoGroup = (error: unknown): boolean => error instanceof Error && error.message.startsWith('NOGROUP');
