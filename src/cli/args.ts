// Command-line parsing for `rxplow`: no side effects, so specs can import it.
import { parseArgs } from 'node:util';
import type { CollectorOptions } from './collector.js';

export const USAGE = `Usage: rxplow collector [options]

Runs a Snowplow collector on loopback that validates every event against its Iglu schemas
and serves Snowplow Micro's REST API (/micro/all, /micro/good, /micro/bad, /micro/reset).

Options:
  --port N               port to listen on; 0 picks a free one          (default 9090)
  --host ADDR            address to listen on                           (default 127.0.0.1)
  --schemas DIR          an Iglu-layout folder of schemas; repeatable
  --iglu URL             a static Iglu registry (URL/schemas/...); repeatable
  --no-builtin-schemas   do not fall back to the Iglu Central schemas bundled with rxplow
  --post-path PATH       accept POSTs on PATH too (besides /com.snowplowanalytics.snowplow/tp2)
  --json                 print one JSON object per line
  --max-body-bytes N     largest request body accepted                  (default 1000000)
  -h, --help             print this help
`;

export class UsageError extends Error {}

export interface Parsed {
  readonly help: boolean;
  readonly options: CollectorOptions;
}

function integer(value: string | undefined, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > max) throw new UsageError(`--${name} expects an integer from 0 to ${max}, got "${value}"`);
  return n;
}

export function parseCommandLine(argv: readonly string[]): Parsed {
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
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true, options: {} };
  if (positionals.length !== 1 || positionals[0] !== 'collector') {
    throw new UsageError(positionals.length === 0 ? 'missing subcommand' : `unknown subcommand "${positionals.join(' ')}"`);
  }
  const postPath = values['post-path'];
  if (postPath !== undefined && !/^\/\S*$/.test(postPath)) throw new UsageError(`--post-path must start with "/", got "${postPath}"`);
  for (const url of values.iglu ?? []) {
    if (!/^https?:\/\//.test(url)) throw new UsageError(`--iglu expects an http(s) URL, got "${url}"`);
  }
  return {
    help: false,
    options: {
      port: integer(values.port, 'port', 9090, 65_535),
      host: values.host ?? '127.0.0.1',
      schemaDirs: values.schemas ?? [],
      igluUrls: values.iglu ?? [],
      builtinSchemas: !values['no-builtin-schemas'],
      postPath,
      json: values.json ?? false,
      maxBodyBytes: integer(values['max-body-bytes'], 'max-body-bytes', 1_000_000),
    },
  };
}
