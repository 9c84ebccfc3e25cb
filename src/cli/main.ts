#!/usr/bin/env node
// The `rxplow` command. Subcommands: `collector`.
import { parseCommandLine, UsageError, USAGE, type Parsed } from './args.js';
import { startCollector } from './collector.js';

async function main(argv: readonly string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`rxplow: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let collector;
  try {
    collector = await startCollector({ ...parsed.options, out: process.stdout });
  } catch (error) {
    process.stderr.write(`rxplow: ${(error as Error).message}\n`);
    return 1;
  }
  const running = collector;
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void running.close().then(() => resolve());
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`rxplow: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
