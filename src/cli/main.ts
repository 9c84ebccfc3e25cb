#!/usr/bin/env node
// The `rxplow` command. Commands: `collector`, `worker`. Flags: --help, --version.
import { HELP, parseCommandLine, UsageError, USAGE, type Parsed } from './args.js';
import { startCollector } from '../collector/server.js';
import { runWorker } from './worker.js';
import { WORKER_USAGE, WorkerUsageError } from './worker-args.js';
import { VERSION } from '../version.js';

/** Writes to stderr; a closed stderr (`2>&1 | head -1`) is ignored rather than fatal. */
function complain(text: string): void {
  if (!process.stderr.destroyed) process.stderr.write(text);
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof WorkerUsageError)) throw error;
    complain(`rxplow: ${error.message}\n\n${argv[0] === 'worker' ? WORKER_USAGE : argv.includes('collector') ? USAGE : HELP}`);
    return 2;
  }
  if (parsed.command === 'help') {
    process.stdout.write(parsed.text);
    return 0;
  }
  if (parsed.command === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (parsed.command === 'worker') return runWorker(parsed.options, process.stdout, complain);
  let collector;
  try {
    collector = await startCollector({
      ...parsed.options,
      out: process.stdout,
      onWarning: (message) => complain(`rxplow collector: ${message}\n`),
    });
  } catch (error) {
    complain(`rxplow: ${(error as Error).message}\n`);
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

// A closed stdout or stderr (`rxplow collector | head -1`) must not end the collector: the reporter stops printing
// on stdout's error; these keep an error on either stream from becoming an uncaught exception.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    complain(`rxplow: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
