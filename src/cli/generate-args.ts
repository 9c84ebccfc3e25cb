// `rxplow generate` command-line parsing: no side effects, so specs can import it.
import { optionsHelp, parseFlags, type FlagHelp } from './usage.js';

/** What `rxplow generate` runs with. */
export interface GenerateCommandOptions {
  readonly schemaDirs: readonly string[];
  readonly igluCentral: boolean;
  readonly out: string;
  readonly check: boolean;
  readonly importFrom: string;
  readonly runtimeChecks: boolean;
}

/** Every option of `rxplow generate`, with its default as the help prints it. */
const GENERATE_FLAGS: readonly FlagHelp[] = [
  ['--schemas DIR', 'an Iglu-layout folder (VENDOR/NAME/jsonschema/M-R-A); repeatable, the first folder wins', 'none'],
  ['--iglu-central', 'also every schema of the Iglu Central copy bundled with rxplow', 'off'],
  ['--out FILE.ts', 'the TypeScript module to write (required)', ''],
  ['--check', 'write nothing; exit 1 and print what changed when FILE.ts is not what would be written', 'off'],
  ['--import-from MODULE', 'the module the generated code imports rxplow from', 'rxplow'],
  ['--no-runtime-checks', 'leave out the development-only checks of data against its schema', 'include them'],
  ['-h, --help', 'print this help', ''],
];

export const GENERATE_USAGE = `Usage: rxplow generate --schemas DIR [--schemas DIR2 ...] [--iglu-central] --out FILE.ts [--check]

Writes one TypeScript module with, for every schema version in the folders: its data type, a constructor
for it as a self-describing event and one as an entity (tree-shakable, each carrying its Iglu URI), and,
in development only, a check of the data against the schema (docs/typed-events.md).

Options:
${optionsHelp(GENERATE_FLAGS)}`;

/** A bad `rxplow generate` command line. */
export class GenerateUsageError extends Error {}

/** Parses the arguments after `generate`. */
export function parseGenerateCommandLine(
  argv: readonly string[],
): { readonly command: 'help'; readonly text: string } | { readonly command: 'generate'; readonly options: GenerateCommandOptions } {
  const v = parseFlags(
    argv,
    {
      schemas: { type: 'string', multiple: true },
      'iglu-central': { type: 'boolean' },
      out: { type: 'string' },
      check: { type: 'boolean' },
      'import-from': { type: 'string' },
      'no-runtime-checks': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    (message) => new GenerateUsageError(message),
  );
  if (v.help) return { command: 'help', text: GENERATE_USAGE };
  const schemaDirs = v.schemas ?? [];
  if (schemaDirs.length === 0 && !v['iglu-central']) throw new GenerateUsageError('give at least one --schemas DIR (or --iglu-central)');
  if (v.out === undefined || v.out === '') throw new GenerateUsageError('--out FILE.ts is required');
  const importFrom = v['import-from'] ?? 'rxplow';
  if (importFrom === '' || /['"\\\s]/.test(importFrom))
    throw new GenerateUsageError(`--import-from expects a module specifier, got "${importFrom}"`);
  return {
    command: 'generate',
    options: {
      schemaDirs,
      igluCentral: v['iglu-central'] ?? false,
      out: v.out,
      check: v.check ?? false,
      importFrom,
      runtimeChecks: !v['no-runtime-checks'],
    },
  };
}
