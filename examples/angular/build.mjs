// Builds the example with Angular's own builder (@angular/build:application, browser + SSR), through Angular's
// Architect as `ng build` does, without the CLI: `node examples/angular/build.mjs [configuration]` (production,
// development, without-rxplow). rxplow comes from the repository's dist/esm (run `npm run build` first).
import { Architect } from '@angular-devkit/architect';
import { WorkspaceNodeModulesArchitectHost } from '@angular-devkit/architect/node/index.js';
import { logging, workspaces } from '@angular-devkit/core';
import { NodeJsSyncHost } from '@angular-devkit/core/node/index.js';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

/** Builds one configuration; resolves to the builder's output ({ success, ... }). */
export async function buildExample(configuration = 'production', { quiet = false } = {}) {
  const { workspace } = await workspaces.readWorkspace(root, workspaces.createWorkspaceHost(new NodeJsSyncHost()));
  const architect = new Architect(new WorkspaceNodeModulesArchitectHost(workspace, root));
  const logger = new logging.Logger('example');
  logger.subscribe((entry) => {
    if (entry.level === 'error' || entry.level === 'fatal' || entry.level === 'warn' || !quiet)
      console[entry.level === 'error' || entry.level === 'fatal' ? 'error' : 'log'](entry.message);
  });
  const run = await architect.scheduleTarget({ project: 'example', target: 'build', configuration }, {}, { logger });
  try {
    return await run.result;
  } finally {
    await run.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await buildExample(process.argv[2] ?? 'production');
  process.exit(result.success ? 0 : 1);
}
