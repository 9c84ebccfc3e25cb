// The Lua scripts rxplow/redis runs: a bounded append of one entry per batch (refused, not trimmed, when the stream
// is full) for producers; for workers, the acknowledgement that keeps the stream's event count, the split of a batch a
// worker crashed on, and a dead-letter append that trims the oldest dead letters and says how many. EVALSHA first, EVAL on NOSCRIPT
// (after a Redis restart or SCRIPT FLUSH), so the script text crosses the wire once per server.
import { createHash } from 'node:crypto';
import type { RedisClient } from './client.js';

/** A Lua script and its SHA1. */
export interface Script {
  readonly source: string;
  readonly sha: string;
}

const script = (source: string): Script => Object.freeze({ source, sha: createHash('sha1').update(source).digest('hex') });

/** The key beside a stream that counts the events its entries hold (an entry holds a batch): `<stream>:count`. */
export const countKey = (stream: string): string => `${stream}:count`;

/**
 * The stream's events as the bounded append counts them, from its entries (`XLEN`) and the stored count (`GET`
 * {@link countKey}): 0 for an empty stream, and never fewer events than entries (each holds one at least). The same
 * rule as the script's first lines.
 */
export const eventCount = (entries: number, stored: unknown): number => (entries === 0 ? 0 : Math.max(entries, Number(stored ?? 0) || 0));

/**
 * KEYS[1] the stream, KEYS[2] its event count ({@link countKey}), ARGV[1] the bound in events, ARGV[2] how many events
 * ARGV[3] holds, ARGV[3] their payload JSONs joined by newlines (JSON text never holds a raw newline): appends the
 * first ones that fit under the bound as **one** entry (`p` their JSONs), adds them to the count, and returns how many
 * it appended (the rest were refused because the stream was full; nothing is ever trimmed). One call per batch: atomic.
 * The payloads come joined, as one argument: measured, about half the Redis CPU of one argument each joined in Lua
 * (`table.concat`); the lines are looked for only when the batch does not fit whole.
 *
 * The count heals itself: an empty stream counts 0, and a stream never counts fewer events than its entries (each
 * holds one at least), so a count lost (a restart without persistence, an eviction) or left high by entries deleted
 * behind the workers' back is right again by the time the backlog drains.
 */
export const BOUNDED_APPEND = script(
  "local len = redis.call('XLEN', KEYS[1])\n" +
    'local count = 0\n' +
    "if len > 0 then count = math.max(tonumber(redis.call('GET', KEYS[2])) or 0, len) end\n" +
    'local room = tonumber(ARGV[1]) - count\n' +
    'local n = tonumber(ARGV[2])\n' +
    'if room <= 0 or n <= 0 then return 0 end\n' +
    'local p = ARGV[3]\n' +
    'if room < n then\n' +
    '  local at = 0\n' +
    "  for i = 1, room do at = string.find(p, '\\n', at + 1, true) end\n" +
    '  p = string.sub(p, 1, at - 1)\n' +
    '  n = room\n' +
    'end\n' +
    "redis.call('XADD', KEYS[1], '*', 'p', p)\n" +
    "redis.call('SET', KEYS[2], count + n)\n" +
    'return n',
);

/**
 * KEYS[1] the stream, KEYS[2] its event count, ARGV[1] the group, ARGV[2] `1` to delete the entries too, ARGV[3] the
 * entries as `<id> <events>` pairs joined by spaces: `XACK` (then `XDEL`) each, and the count goes down by the
 * events of each entry actually deleted (to 0 once the stream is empty). Returns how many were acknowledged.
 */
export const ACKNOWLEDGE = script(
  'local words = {}\n' +
    "for word in string.gmatch(ARGV[3], '%S+') do words[#words + 1] = word end\n" +
    'local acked, deleted = 0, 0\n' +
    'for i = 1, #words - 1, 2 do\n' +
    "  acked = acked + redis.call('XACK', KEYS[1], ARGV[1], words[i])\n" +
    "  if ARGV[2] == '1' and redis.call('XDEL', KEYS[1], words[i]) == 1 then deleted = deleted + tonumber(words[i + 1]) end\n" +
    'end\n' +
    "if redis.call('XLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[2])\n" +
    "elseif deleted > 0 and redis.call('DECRBY', KEYS[2], deleted) < 0 then redis.call('SET', KEYS[2], 0) end\n" +
    'return acked',
);

/**
 * KEYS[1] the stream, ARGV[1] the group, ARGV[2] an entry's id, ARGV[3] its time (ms), ARGV[4] its reads without an
 * outcome so far, ARGV[5..] its payload JSONs: when the entry is still pending, acknowledges and deletes it and
 * appends each payload as an entry of its own, with `t` the original time (`maxAgeMs` still counts from it) and `d`
 * the reads (`maxDeliveries` still counts them); the event count is unchanged. A batch that a worker may have crashed
 * on is split so that each event's reads count on their own: only the event that crashes workers becomes `poison`.
 * Returns how many entries it appended (0: the entry was not pending any more).
 */
export const SPLIT = script(
  "if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end\n" +
    "redis.call('XDEL', KEYS[1], ARGV[2])\n" +
    "for i = 5, #ARGV do redis.call('XADD', KEYS[1], '*', 'p', ARGV[i], 't', ARGV[3], 'd', ARGV[4]) end\n" +
    'return #ARGV - 4',
);

/**
 * KEYS[1] the dead-letter stream, ARGV[1] its bound, ARGV[2..] field/value pairs: appends them after trimming the
 * oldest dead letters to make room (exactly), and returns how many it trimmed.
 */
export const DEAD_LETTER_APPEND = script(
  'local trimmed = 0\n' +
    "if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then trimmed = redis.call('XTRIM', KEYS[1], 'MAXLEN', tonumber(ARGV[1]) - 1) end\n" +
    "redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))\n" +
    'return trimmed',
);

/** Runs `s` with EVALSHA; when the server does not know it (NOSCRIPT), with EVAL, which also caches it. */
export async function runScript(
  redis: RedisClient,
  s: Script,
  keys: readonly string[],
  args: readonly string[],
  options?: { abortSignal?: AbortSignal },
): Promise<unknown> {
  const tail = [String(keys.length), ...keys, ...args];
  try {
    return await redis.sendCommand(['EVALSHA', s.sha, ...tail], options);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    return redis.sendCommand(['EVAL', s.source, ...tail], options);
  }
}
