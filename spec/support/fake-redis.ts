// A small in-memory Redis for the worker's logic on virtual time: the stream and consumer-group commands rxplow/redis
// sends (RESP2 reply shapes), string keys (the event count), the Lua scripts by their effect, blocking reads on the scheduler, and faults
// (down: every command fails; lose(): FLUSHALL). Not a Redis: only what the worker and the queue emitter use.
import type { SchedulerLike, Subscription } from 'rxjs';
import type { RedisClient } from '../../src/redis/client.js';
import { ACKNOWLEDGE, BOUNDED_APPEND, DEAD_LETTER_APPEND, eventCount, SPLIT } from '../../src/redis/scripts.js';

interface Entry {
  readonly id: string;
  readonly fields: string[];
}
interface Pending {
  consumer: string;
  deliveredAt: number;
  deliveries: number;
}
interface Group {
  lastId: string;
  readonly pel: Map<string, Pending>;
  readonly consumers: Map<string, number>;
}
interface Connection {
  readonly blocked: Set<() => void>;
  destroyed: boolean;
}
interface Stream {
  readonly entries: Map<string, Entry>;
  readonly groups: Map<string, Group>;
  last: [number, number];
}

const cmp = (a: string, b: string): number => {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
};
const err = (message: string): Error => new Error(message);

export class FakeRedis {
  readonly streams = new Map<string, Stream>();
  /** String keys (GET/SET/DEL). */
  readonly strings = new Map<string, string>();
  /** Every command received, by name. */
  readonly calls = new Map<string, number>();
  /** While true, every command rejects (as node-redis without an offline queue, Redis down). */
  down = false;
  readonly #scripts = new Set<string>();
  readonly #blocked = new Set<() => void>();

  constructor(readonly scheduler: SchedulerLike) {}

  /** A client on this server (each `duplicate()` another one). */
  client(): RedisClient & { destroyed: boolean } {
    const connection: Connection = { blocked: new Set(), destroyed: false };
    const client = {
      sendCommand: (args: string[]) =>
        connection.destroyed ? Promise.reject(err('The client is closed')) : this.command(args, connection),
      duplicate: () => this.client(),
      connect: () => (this.down ? Promise.reject(err('connect ECONNREFUSED')) : Promise.resolve()),
      destroy: () => {
        connection.destroyed = true;
        for (const abort of [...connection.blocked]) abort();
      },
      on: () => client,
      get destroyed() {
        return connection.destroyed;
      },
    };
    return client;
  }

  /** FLUSHALL and SCRIPT FLUSH: what a restart without persistence leaves. */
  lose(): void {
    this.streams.clear();
    this.strings.clear();
    this.#scripts.clear();
  }

  /** Appends an entry as a producer would (`XADD key * p json`), at `ms` when given. */
  add(key: string, payload: string, ms?: number): string {
    return this.#xadd(key, ['p', payload], ms);
  }

  async command(args: readonly string[], connection?: Connection): Promise<unknown> {
    const [name, ...rest] = args as [string, ...string[]];
    const upper = name.toUpperCase();
    this.calls.set(upper, (this.calls.get(upper) ?? 0) + 1);
    await Promise.resolve();
    if (this.down) throw err('The client is closed');
    return this.#run(upper, rest, connection);
  }

  #run(name: string, a: string[], connection: Connection | undefined): unknown {
    switch (name) {
      case 'XADD':
        return this.#xadd(a[0]!, a.slice(a.indexOf('*') + 1));
      case 'GET':
        return this.strings.get(a[0]!) ?? null;
      case 'SET':
        this.strings.set(a[0]!, a[1]!);
        return 'OK';
      case 'DEL':
        return this.strings.delete(a[0]!) ? 1 : 0;
      case 'XLEN':
        return this.streams.get(a[0]!)?.entries.size ?? 0;
      case 'XRANGE':
        return [...(this.streams.get(a[0]!)?.entries.values() ?? [])].map((e) => [e.id, e.fields]);
      case 'XDEL':
        return a.slice(1).filter((id) => this.streams.get(a[0]!)?.entries.delete(id)).length;
      case 'EVALSHA':
      case 'EVAL':
        return this.#eval(name, a);
      case 'XGROUP':
        return this.#xgroup(a);
      case 'XREADGROUP':
        return this.#xreadgroup(a, connection);
      case 'XACK':
        return a.slice(2).filter((id) => this.#group(a[0]!, a[1]!, false)?.pel.delete(id)).length;
      case 'XPENDING': {
        const group = this.#groupOrFail(a[0]!, a[1]!, 'XPENDING');
        const [start, end, count, consumer] = [a[2]!, a[3]!, Number(a[4]), a[5]];
        const rows = [...group.pel]
          .filter(([id, p]) => cmp(id, start) >= 0 && cmp(id, end) <= 0 && (consumer === undefined || p.consumer === consumer))
          .sort(([x], [y]) => cmp(x, y))
          .slice(0, count);
        return rows.map(([id, p]) => [id, p.consumer, this.scheduler.now() - p.deliveredAt, p.deliveries]);
      }
      case 'XAUTOCLAIM':
        return this.#xautoclaim(a);
      case 'XCLAIM': {
        const group = this.#groupOrFail(a[0]!, a[1]!, 'XCLAIM');
        for (const id of a.slice(4).filter((x) => /^\d+-\d+$/.test(x))) {
          const p = group.pel.get(id);
          if (p) Object.assign(p, { consumer: a[2]!, deliveredAt: this.scheduler.now() });
          if (p && a.includes('RETRYCOUNT')) p.deliveries = Number(a[a.indexOf('RETRYCOUNT') + 1]);
        }
        this.#seen(group, a[2]!);
        return [];
      }
      case 'XINFO': {
        const stream = this.streams.get(a[1]!);
        if (!stream) throw err('ERR no such key');
        if (a[0] === 'GROUPS')
          return [...stream.groups].map(([n, g]) => ['name', n, 'consumers', g.consumers.size, 'pending', g.pel.size, 'lag', null]);
        const group = this.#groupOrFail(a[1]!, a[2]!, 'XINFO');
        return [...group.consumers].map(([n, seen]) => {
          const pending = [...group.pel.values()].filter((p) => p.consumer === n).length;
          return ['name', n, 'pending', pending, 'idle', this.scheduler.now() - seen];
        });
      }
      default:
        throw err(`ERR fake redis: unknown command ${name}`);
    }
  }

  #xadd(key: string, fields: string[], ms = this.scheduler.now()): string {
    const stream = this.#stream(key, true)!;
    const [lastMs, lastSeq] = stream.last;
    const id: [number, number] = ms > lastMs ? [ms, 0] : [lastMs, lastSeq + 1];
    stream.last = id;
    const text = `${id[0]}-${id[1]}`;
    stream.entries.set(text, { id: text, fields });
    for (const wake of [...this.#blocked]) wake();
    return text;
  }

  #eval(name: string, a: string[]): unknown {
    const body = name === 'EVAL' ? a[0]! : [BOUNDED_APPEND, DEAD_LETTER_APPEND, ACKNOWLEDGE, SPLIT].find((s) => s.sha === a[0])?.source;
    if (name === 'EVALSHA' && (body === undefined || !this.#scripts.has(body))) throw err('NOSCRIPT No matching script.');
    this.#scripts.add(body!);
    const keyCount = Number(a[1]);
    const [keys, args] = [a.slice(2, 2 + keyCount), a.slice(2 + keyCount)];
    const [key, countKey] = keys as [string, string];
    const length = (): number => this.streams.get(key)?.entries.size ?? 0;
    if (body === ACKNOWLEDGE.source) {
      const [group, del, words] = [args[0]!, args[1], args[2]!.split(' ').filter(Boolean)];
      let acked = 0;
      let deleted = 0;
      for (let i = 0; i + 1 < words.length; i += 2) {
        acked += this.#run('XACK', [key, group, words[i]!], undefined) as number;
        if (del === '1' && this.#run('XDEL', [key, words[i]!], undefined) === 1) deleted += Number(words[i + 1]);
      }
      if (length() === 0) this.strings.delete(countKey);
      else if (deleted > 0) this.strings.set(countKey, String(Math.max(0, Number(this.strings.get(countKey) ?? 0) - deleted)));
      return acked;
    }
    if (body === SPLIT.source) {
      const [group, id, time, reads, ...lines] = args as [string, string, string, string, ...string[]];
      if (this.#run('XACK', [key, group, id], undefined) === 0) return 0;
      this.#run('XDEL', [key, id], undefined);
      for (const line of lines) this.#xadd(key, ['p', line, 't', time, 'd', reads]);
      return lines.length;
    }
    const [bound, ...rest] = [Number(args[0]), ...args.slice(1)];
    if (body === BOUNDED_APPEND.source) {
      const count = eventCount(length(), this.strings.get(countKey));
      const added = Math.max(0, Math.min(Number(rest[0]), bound - count));
      if (added === 0) return 0;
      this.#xadd(key, ['p', rest[1]!.split('\n').slice(0, added).join('\n')]);
      this.strings.set(countKey, String(count + added));
      return added;
    }
    if (body !== DEAD_LETTER_APPEND.source) throw err('ERR fake redis: unknown script');
    const trimmed = Math.max(0, length() - (bound - 1));
    const entries = this.streams.get(key)?.entries;
    for (const id of [...(entries?.keys() ?? [])].slice(0, trimmed)) entries!.delete(id);
    this.#xadd(key, rest);
    return trimmed;
  }

  #xgroup(a: string[]): unknown {
    const [sub, key, group] = a as [string, string, string];
    if (sub === 'CREATE') {
      const stream = this.#stream(key, a.includes('MKSTREAM'));
      if (!stream) throw err('ERR The XGROUP subcommand requires the key to exist');
      if (stream.groups.has(group)) throw err('BUSYGROUP Consumer Group name already exists');
      const start = a[3] === '$' ? `${stream.last[0]}-${stream.last[1]}` : a[3]!;
      stream.groups.set(group, { lastId: start === '0' ? '0-0' : start, pel: new Map(), consumers: new Map() });
      return 'OK';
    }
    if (sub === 'DESTROY') return this.streams.get(key)?.groups.delete(group) ? 1 : 0;
    if (sub === 'DELCONSUMER') {
      const g = this.#groupOrFail(key, group, 'XGROUP');
      for (const [id, p] of g.pel) if (p.consumer === a[3]) g.pel.delete(id);
      g.consumers.delete(a[3]!);
      return 0;
    }
    throw err(`ERR fake redis: XGROUP ${sub}`);
  }

  #xreadgroup(a: string[], connection: Connection | undefined): unknown {
    const [group, consumer] = [a[1]!, a[2]!];
    const count = Number(a[a.indexOf('COUNT') + 1]);
    const block = a.includes('BLOCK') ? Number(a[a.indexOf('BLOCK') + 1]) : undefined;
    const key = a[a.indexOf('STREAMS') + 1]!;
    const from = a[a.indexOf('STREAMS') + 2]!;
    const g = this.#groupOrFail(key, group, 'XREADGROUP');
    this.#seen(g, consumer);
    const stream = this.streams.get(key)!;
    if (from !== '>') {
      const mine = [...g.pel]
        .filter(([id, p]) => p.consumer === consumer && cmp(id, from) > 0)
        .sort(([x], [y]) => cmp(x, y))
        .slice(0, count);
      return [
        [
          key,
          mine.map(([id, p]) => {
            p.deliveries++;
            p.deliveredAt = this.scheduler.now();
            return [id, stream.entries.get(id)?.fields ?? null];
          }),
        ],
      ];
    }
    const fresh = [...stream.entries.values()].filter((e) => cmp(e.id, g.lastId) > 0).slice(0, count);
    if (fresh.length === 0 && block !== undefined) {
      const unblocked = a.filter((_, i) => i !== a.indexOf('BLOCK') && i !== a.indexOf('BLOCK') + 1);
      return this.#block(block, () => this.#xreadgroup(unblocked, connection), connection);
    }
    for (const e of fresh) {
      g.pel.set(e.id, { consumer, deliveredAt: this.scheduler.now(), deliveries: 1 });
      g.lastId = e.id;
    }
    return fresh.length === 0 ? null : [[key, fresh.map((e) => [e.id, e.fields])]];
  }

  #block(ms: number, retry: () => unknown, connection: Connection | undefined): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const wake = (): void => {
        this.#blocked.delete(wake);
        connection?.blocked.delete(wake);
        timer.unsubscribe();
        try {
          resolve(this.down || connection?.destroyed ? Promise.reject(err('The client is closed')) : retry());
        } catch (error) {
          reject(error instanceof Error ? error : err(String(error)));
        }
      };
      this.#blocked.add(wake);
      connection?.blocked.add(wake);
      const timer: Subscription = this.scheduler.schedule(wake, ms);
    });
  }

  #xautoclaim(a: string[]): unknown {
    const [key, group, consumer, minIdle, cursor] = [a[0]!, a[1]!, a[2]!, Number(a[3]), a[4]!];
    const count = Number(a[a.indexOf('COUNT') + 1] ?? 100);
    const g = this.#groupOrFail(key, group, 'XAUTOCLAIM');
    this.#seen(g, consumer);
    const stream = this.streams.get(key)!;
    const now = this.scheduler.now();
    const candidates = [...g.pel].filter(([id]) => cmp(id, cursor) >= 0).sort(([x], [y]) => cmp(x, y));
    const claimed: unknown[] = [];
    const deleted: string[] = [];
    let next = '0-0';
    for (const [id, p] of candidates) {
      if (claimed.length + deleted.length >= count) {
        next = id;
        break;
      }
      if (now - p.deliveredAt < minIdle) continue;
      const entry = stream.entries.get(id);
      if (!entry) {
        g.pel.delete(id);
        deleted.push(id);
        continue;
      }
      Object.assign(p, { consumer, deliveredAt: now, deliveries: p.deliveries + 1 });
      claimed.push([id, entry.fields]);
    }
    return [next, claimed, deleted];
  }

  #stream(key: string, create: boolean): Stream | undefined {
    let stream = this.streams.get(key);
    if (!stream && create) this.streams.set(key, (stream = { entries: new Map(), groups: new Map(), last: [0, 0] }));
    return stream;
  }

  #group(key: string, group: string, _fail: boolean): Group | undefined {
    return this.streams.get(key)?.groups.get(group);
  }

  #groupOrFail(key: string, group: string, command: string): Group {
    const g = this.#group(key, group, true);
    if (!g) throw err(`NOGROUP No such key '${key}' or consumer group '${group}' in ${command} with GROUP option`);
    return g;
  }

  #seen(group: Group, consumer: string): void {
    group.consumers.set(consumer, this.scheduler.now());
  }
}
