// The options part of a command's --help (one entry per flag, its meaning, and its default on the next line), and
// flag parsing that turns a bad command line into the command's usage error.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A flag as the help prints it: `['--port N', 'port to listen on', '9090']`; an empty default prints none. */
export type FlagHelp = readonly [flag: string, meaning: string, byDefault: string];

/** The lines of the flags, each `  --flag  meaning` then `(default: …)` when there is one. */
export const optionsHelp = (flags: readonly FlagHelp[]): string =>
  flags
    .map(
      ([flag, meaning, byDefault]) => `  ${flag.padEnd(28)} ${meaning}${byDefault ? `\n  ${''.padEnd(28)} (default: ${byDefault})` : ''}\n`,
    )
    .join('');

type Options = NonNullable<ParseArgsConfig['options']>;
/** The values parseArgs gives for `options`. */
type FlagValues<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: false; strict: true; options: O }>
>['values'];

/** Parses a command's flags (no positionals) with node:util's parseArgs; a bad command line becomes `fail(message)`. */
export function parseFlags<const O extends Options>(argv: readonly string[], options: O, fail: (message: string) => Error): FlagValues<O> {
  try {
    return parseArgs({ args: [...argv], allowPositionals: false, strict: true, options }).values;
  } catch (error) {
    throw fail((error as Error).message);
  }
}
