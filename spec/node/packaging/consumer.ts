// The package as a user gets it, for the packaging specs: `npm pack` the repo's current dist/ and install the tarball
// into a fresh project in a temp folder.
//
// Packs with `--ignore-scripts` (npm test builds first), so a spec does not rebuild dist/ under the other specs. An
// install is offline from the npm cache when it can be (`--offline`), else `--prefer-offline` (the registry for what
// the cache lacks).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The version of a package installed in the repo (so a consumer project installs the same one). */
export const versionOf = (name: string): string =>
  (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** The environment for child processes: no tsx loader or npm lifecycle settings leaking in from this run. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || key.startsWith('npm_') || key === 'NODE_ENV') continue;
    env[key] = value;
  }
  // No colours: runners that detect CI (CI=true) colour their summaries, which the specs read as plain text.
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  { timeout = 60_000, env = {} }: { timeout?: number; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: cleanEnv(env), encoding: 'utf8', timeout });
}

/** The command's stdout, trimmed; throws with its output when it failed. */
export function ok(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) throw new Error(`${what} exited ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout.trim();
}

/** Packs the repo into `dir`: the tarball's path and the files it holds. */
export function pack(dir: string): { readonly tarball: string; readonly files: readonly string[] } {
  if (!existsSync(join(root, 'dist/esm/index.js')) || !existsSync(join(root, 'dist/cjs/index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does) before this spec');
  }
  const packed = JSON.parse(ok(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root), 'npm pack')) as {
    filename: string;
    files: { path: string }[];
  }[];
  return { tarball: join(dir, packed[0]!.filename), files: packed[0]!.files.map((f) => f.path) };
}

/** A fresh project in `dir` (created) with `packages` installed: the tarball, rxjs, test runners, ... */
export function installProject(dir: string, packages: readonly string[], what: string, timeout = 60_000): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'rxplow-consumer', private: true, version: '1.0.0' }, null, 2));
  const install = (mode: string) => run('npm', ['install', mode, '--no-audit', '--no-fund', '--no-save', ...packages], dir, { timeout });
  let installed = install('--offline');
  if (installed.status !== 0) installed = install('--prefer-offline');
  ok(installed, `npm install (${what})`);
}
