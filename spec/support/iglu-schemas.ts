// Where the Iglu Central schemas for the schema and conformance specs come from.
//
// Always: the copies the repo ships in schemas/iglu-central (so a fresh clone passes `npm test` with nothing beside
// it). On top of them, searched first so they add to or override the shipped copies: RXPLOW_IGLU_SCHEMAS when set,
// otherwise ../shared/iglu/schemas beside the repo when it exists. Under CI=true the overlay is required (`.ci/run`
// sets RXPLOW_IGLU_SCHEMAS to ../shared/iglu/schemas): without it the specs fail, they never skip.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The schemas the repo ships (and the package publishes). */
export const SHIPPED_IGLU_CENTRAL = resolve(REPO_ROOT, 'schemas/iglu-central');

/** The Iglu-layout folders to use, highest priority first (the shipped copy last), or why there are none. */
export type IgluSchemaDirs = { readonly dirs: readonly string[] } | { readonly problem: string };

const isDir = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

export function igluSchemaDirs(env: NodeJS.ProcessEnv = process.env): IgluSchemaDirs {
  const fromEnv = env['RXPLOW_IGLU_SCHEMAS'];
  const shared = resolve(REPO_ROOT, '../shared/iglu/schemas');
  let overlay: string | undefined;
  if (fromEnv !== undefined && fromEnv !== '') {
    overlay = resolve(fromEnv);
    if (!isDir(overlay)) return { problem: `RXPLOW_IGLU_SCHEMAS=${fromEnv} is not a folder` };
  } else if (isDir(shared)) {
    overlay = shared;
  } else if (env['CI'] === 'true') {
    return { problem: `CI=true requires the Iglu Central schemas at ${shared} (or RXPLOW_IGLU_SCHEMAS), and they are missing` };
  }
  if (!isDir(SHIPPED_IGLU_CENTRAL)) return { problem: `the shipped schemas are missing: ${SHIPPED_IGLU_CENTRAL}` };
  return { dirs: overlay === undefined || overlay === SHIPPED_IGLU_CENTRAL ? [SHIPPED_IGLU_CENTRAL] : [overlay, SHIPPED_IGLU_CENTRAL] };
}
