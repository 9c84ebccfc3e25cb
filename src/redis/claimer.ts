// The claimer: takes over the entries of consumers that died (XAUTOCLAIM after `claimIdleMs`, one entry at a time,
// each delivered alone: a take-over counts a delivery), keeps this worker's own entries fresh so nobody takes them
// while their delivery retries (XCLAIM … JUSTID every third of `claimIdleMs`), and removes consumers idle longer than
// `consumerIdleMs` with nothing pending (XGROUP DELCONSUMER).
import { asArray, asNumber, asRecord } from './client.js';
import { splitEntries } from './entries.js';
import { readDeliveries, type LoopContext } from './reader.js';
import { commandBackoff, type Alarm } from './timing.js';

const JUSTID_CHUNK = 500;

export class Claimer {
  /** Entries taken over from dead consumers. */
  reclaimed = 0;
  /** Dead consumers removed from the group. */
  removed = 0;

  /** `alarm`: rung only at the stop (the claimer keeps its own pace). */
  constructor(
    private readonly ctx: LoopContext,
    private readonly alarm: Alarm,
  ) {}

  async run(): Promise<void> {
    const { config, stopping } = this.ctx;
    for (let failures = 0; !stopping();) {
      await this.alarm.sleep(failures > 0 ? commandBackoff(failures) : config.claimIntervalMs);
      if (stopping()) break;
      try {
        await this.#takeOver();
        await this.#removeIdleConsumers();
        failures = 0;
      } catch (error) {
        if (!stopping()) this.ctx.report(error);
        failures++;
      }
    }
  }

  /** Refreshes the idle time of every entry this worker holds, every third of `claimIdleMs`, until the stop. */
  async heartbeat(): Promise<void> {
    const { config, holder, stopping } = this.ctx;
    const every = Math.max(1, Math.floor(config.claimIdleMs / 3));
    while (!stopping()) {
      await this.alarm.sleep(every);
      const ids = holder.heldIds();
      for (let i = 0; i < ids.length && !stopping(); i += JUSTID_CHUNK) {
        const chunk = ids.slice(i, i + JUSTID_CHUNK);
        await config.redis
          .sendCommand(['XCLAIM', config.stream, config.group, config.consumer, '0', ...chunk, 'JUSTID'])
          .catch((error: unknown) => this.ctx.report(error));
      }
    }
  }

  /**
   * Entries this worker released at its stop, read but never attempted to the end: their delivery counters go back to
   * what they were before this worker read them (`XCLAIM … RETRYCOUNT n JUSTID`), so a graceful stop, however often,
   * never brings an entry nearer to `maxDeliveries`. Only crashes do.
   */
  async unread(released: ReadonlyMap<string, number>): Promise<void> {
    const { config } = this.ctx;
    const byCount = new Map<number, string[]>();
    for (const [id, deliveries] of released) byCount.set(deliveries - 1, [...(byCount.get(deliveries - 1) ?? []), id]);
    const claims = [...byCount].flatMap(([count, ids]) => {
      const chunks: string[][] = [];
      for (let i = 0; i < ids.length; i += JUSTID_CHUNK) chunks.push(ids.slice(i, i + JUSTID_CHUNK));
      return chunks.map((chunk) =>
        config.redis.sendCommand([
          'XCLAIM',
          config.stream,
          config.group,
          config.consumer,
          '0',
          ...chunk,
          'RETRYCOUNT',
          String(Math.max(0, count)),
          'JUSTID',
        ]),
      );
    });
    await Promise.all(claims).catch((error: unknown) => this.ctx.report(error));
  }

  async #takeOver(): Promise<void> {
    const { config, holder, stopping } = this.ctx;
    let cursor = '0-0';
    do {
      if (stopping() || holder.size >= config.maxInFlight) return;
      const reply = asArray(
        await config.redis.sendCommand([
          'XAUTOCLAIM',
          config.stream,
          config.group,
          config.consumer,
          String(config.claimIdleMs),
          cursor,
          'COUNT',
          '1',
        ]),
      );
      cursor = String(reply[0] ?? '0-0');
      const { entries, gone } = splitEntries(reply[1]);
      const deleted = [...gone, ...asArray(reply[2]).map(String)];
      if (deleted.length > 0) holder.ackAway(deleted);
      if (entries.length > 0) {
        this.reclaimed += entries.length;
        const counts = await readDeliveries(config, entries);
        await holder.intake(entries, (id) => counts.get(id) ?? 1, true);
      }
    } while (cursor !== '0-0');
  }

  async #removeIdleConsumers(): Promise<void> {
    const { config } = this.ctx;
    const consumers = asArray(await config.redis.sendCommand(['XINFO', 'CONSUMERS', config.stream, config.group])).map(asRecord);
    for (const consumer of consumers) {
      const name = String(consumer['name']);
      const idle = asNumber(consumer['inactive']) ?? asNumber(consumer['idle']) ?? 0;
      if (name === config.consumer || asNumber(consumer['pending']) !== 0 || idle < config.consumerIdleMs) continue;
      await config.redis.sendCommand(['XGROUP', 'DELCONSUMER', config.stream, config.group, name]);
      this.removed++;
    }
  }
}
