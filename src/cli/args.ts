// Command-line parsing for `rxplow`: no side effects, so specs can import it.
import { parseArgs } from 'node:util';
import type { CollectorOptions } from '../collector/server.js';
import { COLLECTOR_DEFAULTS } from '../collector/defaults.js';
import { parseWorkerCommandLine, type WorkerCommandOptions } from './worker-args.js';

const D = COLLECTOR_DEFAULTS;

export const HELP = `Usage: rxplow <command> [options]

Commands:
  collector        run a local Snowplow collector that validates every event (rxplow collector --help)
  worker           deliver events queued in a Redis stream by rxplow/redis (rxplow worker --help)

Options:
  -h, --help       print this help
  -v, --version    print rxplow's version
`;

/** Every option of `rxplow collector`, with its default as the help prints it. */
const COLLECTOR_FLAGS: readonly (readonly [flag: string, meaning: string, byDefault: string])[] = [
  ['--port N', 'port to listen on; 0 picks a free one (printed on the first line)', String(D.cliPort)],
  ['--host ADDR', 'address to listen on; keep it on loopback', D.host],
  ['--schemas DIR', 'an Iglu-layout folder of schemas, searched first; repeatable', 'none'],
  ['--iglu URL', 'a static Iglu registry (URL/schemas/...), searched next; repeatable', 'none'],
  ['--no-builtin-schemas', 'do not fall back to the Iglu Central schemas bundled with rxplow', 'fall back to them'],
  ['--post-path PATH', 'accept POSTs on PATH too, besides /com.snowplowanalytics.snowplow/tp2', 'none'],
  ['--json', 'print one JSON object per line', 'readable lines'],
  ['--max-body-bytes N', 'largest request body accepted; a larger one is answered 413', String(D.maxBodyBytes)],
  ['--max-events-per-request N', 'most events in one request; more are answered 413', String(D.maxEventsPerRequest)],
  ['--max-stored-events N', 'most records kept for /micro/*; past it the oldest are evicted', String(D.maxStoredEvents)],
  ['--max-stored-bytes N', 'about how many bytes of event text are kept; past it the oldest are evicted', String(D.maxStoredBytes)],
  ['--allow-host NAME', 'another Host name the /micro/* API answers to; repeatable', 'localhost, 127.0.0.1, [::1] and --host'],
  ['-h, --help', 'print this help', ''],
];

export const USAGE = `Usage: rxplow collector [options]

Runs a Snowplow collector on loopback that validates every event against its Iglu schemas
and serves Snowplow Micro's REST API (/micro/all, /micro/good, /micro/bad, /micro/reset).

Options:
${COLLECTOR_FLAGS.map(([flag, meaning, byDefault]) => `  ${flag.padEnd(28)} ${meaning}${byDefault ? `\n  ${''.padEnd(28)} (default: ${byDefault})` : ''}\n`).join('')}`;

export class UsageError extends Error {}

/** What the command line asks for. */
export type Parsed =
  | { readonly command: 'help'; readonly text: string }
  | { readonly command: 'version' }
  | { readonly command: 'collector'; readonly options: CollectorOptions }
  | { readonly command: 'worker'; readonly options: WorkerCommandOptions };

function integer(value: string | undefined, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`--${name} expects an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

export function parseCommandLine(argv: readonly string[]): Parsed {
  if (argv[0] === 'worker') return parseWorkerCommandLine(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        schemas: { type: 'string', multiple: true },
        iglu: { type: 'string', multiple: true },
        'no-builtin-schemas': { type: 'boolean' },
        'post-path': { type: 'string' },
        json: { type: 'boolean' },
        'max-body-bytes': { type: 'string' },
        'max-events-per-request': { type: 'string' },
        'max-stored-events': { type: 'string' },
        'max-stored-bytes': { type: 'string' },
        'allow-host': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.version) return { command: 'version' };
  if (positionals.length === 0 && values.help) return { command: 'help', text: HELP };
  if (positionals.length !== 1 || positionals[0] !== 'collector') {
    throw new UsageError(positionals.length === 0 ? 'missing command' : `unknown command "${positionals.join(' ')}"`);
  }
  if (values.help) return { command: 'help', text: USAGE };
  const postPath = values['post-path'];
  if (postPath !== undefined && !/^\/\S*$/.test(postPath)) throw new UsageError(`--post-path must start with "/", got "${postPath}"`);
  for (const url of values.iglu ?? []) {
    if (!/^https?:\/\//.test(url)) throw new UsageError(`--iglu expects an http(s) URL, got "${url}"`);
  }
  for (const name of values['allow-host'] ?? []) {
    if (!/^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])$/.test(name))
      throw new UsageError(`--allow-host expects a host name without port, got "${name}"`);
  }
  return {
    command: 'collector',
    options: {
      port: integer(values.port, 'port', D.cliPort, 0, 65_535),
      host: values.host ?? D.host,
      schemaDirs: values.schemas ?? [],
      igluUrls: values.iglu ?? [],
      builtinSchemas: !values['no-builtin-schemas'],
      postPath,
      json: values.json ?? false,
      maxBodyBytes: integer(values['max-body-bytes'], 'max-body-bytes', D.maxBodyBytes, 1),
      maxEventsPerRequest: integer(values['max-events-per-request'], 'max-events-per-request', D.maxEventsPerRequest, 1),
      maxStoredEvents: integer(values['max-stored-events'], 'max-stored-events', D.maxStoredEvents, 1),
      maxStoredBytes: integer(values['max-stored-bytes'], 'max-stored-bytes', D.maxStoredBytes, 1),
      allowedHosts: values['allow-host'] ?? [],
    },
  };
}
