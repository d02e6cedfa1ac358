// Where the demo finds the project it drives: the repository holding noether.config.json,
// compositions/ and the default plan, found from this module's own location so that the
// demo works from the TypeScript sources (caloron/demo/) and from the build
// (dist/caloron/demo/) alike, whatever the current directory is.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findProjectRoot } from '../../engine/engine.js';
import { NoetherError } from '../../engine/errors.js';

function projectRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const root = findProjectRoot(here);
  if (root === undefined)
    throw new NoetherError(
      'NOE_FILE_READ',
      `no noether.config.json above ${here}: run caloron from a checkout of noether-ts`,
      { place: { file: here } },
    );
  return root;
}

export const PROJECT_ROOT = projectRoot();
/** The plan the demo runs without --plan: the diamond of CALORON §7. */
export const DIAMOND_PLAN = join(PROJECT_ROOT, 'caloron', 'demo', 'diamond.json');
export const COMPOSITIONS = {
  kickoff: join(PROJECT_ROOT, 'compositions', 'kickoff.json'),
  tick: join(PROJECT_ROOT, 'compositions', 'sprint_tick_stateful.json'),
  retro: join(PROJECT_ROOT, 'compositions', 'retro.json'),
};
