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

/**
 * KEYS[1] the stream, ARGV[1] its bound, ARGV[2..] payload JSONs: appends `p <payload>` for each, in order, while the
 * stream holds fewer than `bound` entries, and returns an array with the new id of each, or nil for those refused
 * because the stream was full (nothing is ever trimmed). One call per batch: atomic, and one script call's overhead.
 */
export const BOUNDED_APPEND = script(
  "local room = tonumber(ARGV[1]) - redis.call('XLEN', KEYS[1])\n" +
    'local ids = {}\n' +
    'for i = 2, #ARGV do\n' +
    "  if i - 1 <= room then ids[i - 1] = redis.call('XADD', KEYS[1], '*', 'p', ARGV[i]) else ids[i - 1] = false end\n" +
    'end\n' +
    'return ids',
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
