// `rxplow generate`: writes the typed module (rxplow/generate), or with --check compares it with the file on disk.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeChanges, generate } from '../generate/index.js';
import type { GenerateCommandOptions } from './generate-args.js';

/** Runs `rxplow generate`; resolves to the exit code (0 done or up to date, 1 stale under --check or an error). */
export function runGenerate(o: GenerateCommandOptions, out: (text: string) => void, err: (text: string) => void): number {
  let text: string;
  try {
    text = generate({ schemas: o.schemaDirs, igluCentral: o.igluCentral, importFrom: o.importFrom, runtimeChecks: o.runtimeChecks });
  } catch (error) {
    err(`rxplow generate: ${(error as Error).message}\n`);
    return 1;
  }
  const count = (text.match(/^\/\/ iglu:/gm) ?? []).length;
  if (o.check) {
    let current: string;
    try {
      current = readFileSync(o.out, 'utf8');
    } catch (error) {
      err(
        `rxplow generate --check: ${o.out} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): run rxplow generate\n`,
      );
      return 1;
    }
    const changes = describeChanges(current, text);
    if (changes.length === 0) {
      out(`rxplow generate: ${o.out} is up to date (${count} schema versions)\n`);
      return 0;
    }
    err(`rxplow generate --check: ${o.out} is stale; generating it again would change:\n${changes.map((line) => `  ${line}\n`).join('')}`);
    return 1;
  }
  try {
    mkdirSync(dirname(o.out), { recursive: true });
    writeFileSync(o.out, text);
  } catch (error) {
    err(`rxplow generate: cannot write ${o.out}: ${(error as Error).message}\n`);
    return 1;
  }
  out(`rxplow generate: wrote ${o.out} (${count} schema versions)\n`);
  return 0;
}
