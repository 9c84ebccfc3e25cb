// The Lua scripts rxplow/redis runs: a bounded append (refused, not trimmed, when the stream is full) for producers,
// and a dead-letter append that trims the oldest dead letters and says how many. EVALSHA first, EVAL on NOSCRIPT
// (after a Redis restart or SCRIPT FLUSH), so the script text crosses the wire once per server.
import { createHash } from 'node:crypto';
import type { RedisClient } from './client.js';

/** A Lua script and its SHA1. */
export interface Script {
  readonly source: string;
  readonly sha: string;
}

const script = (source: string): Script => Object.freeze({ source, sha: createHash('sha1').update(source).digest('hex') });

/** What separates the payload JSONs in a bounded append's one argument: `JSON.stringify` never writes a raw newline. */
export const PAYLOAD_SEPARATOR = '\n';

/**
 * KEYS[1] the stream, ARGV[1] its bound, ARGV[2] the payload JSONs joined by {@link PAYLOAD_SEPARATOR}: appends
 * `p <payload>` for each, in order, while the stream holds fewer than `bound` entries, and returns how many it appended
 * (the first ones; the rest were refused because the stream was full; nothing is ever trimmed). One call and one
 * argument per batch: atomic, and the client writes one string, not one per event.
 */
export const BOUNDED_APPEND = script(
  "local room = tonumber(ARGV[1]) - redis.call('XLEN', KEYS[1])\n" +
    'local text, at, added = ARGV[2], 1, 0\n' +
    'while at <= #text + 1 do\n' +
    "  local stop = string.find(text, '\\n', at, true) or (#text + 1)\n" +
    '  if added >= room then break end\n' +
    "  redis.call('XADD', KEYS[1], '*', 'p', string.sub(text, at, stop - 1))\n" +
    '  added = added + 1\n' +
    '  at = stop + 1\n' +
    'end\n' +
    'return added',
);

/**
 * KEYS[1] the stream, ARGV[1] the group, ARGV[2] `1` to delete the entries too, ARGV[3] their ids joined by spaces:
 * `XACK` (then `XDEL`) in one call, in slices that `unpack` can take. Returns how many were acknowledged.
 */
export const ACKNOWLEDGE = script(
  'local ids = {}\n' +
    "for id in string.gmatch(ARGV[3], '%S+') do ids[#ids + 1] = id end\n" +
    'local acked = 0\n' +
    'for i = 1, #ids, 1000 do\n' +
    '  local slice = {unpack(ids, i, math.min(i + 999, #ids))}\n' +
    "  acked = acked + redis.call('XACK', KEYS[1], ARGV[1], unpack(slice))\n" +
    "  if ARGV[2] == '1' then redis.call('XDEL', KEYS[1], unpack(slice)) end\n" +
    'end\n' +
    'return acked',
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
