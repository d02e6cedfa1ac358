// ajv's verdicts on stage definitions, remembered across processes. Checking a stage's
// examples needs its schemas compiled by ajv, and compiling them is most of what defining
// a stage costs: ~0.5 s of CPU for Caloron's library, paid again by every process that
// loads it, such as the scheduler's `noether-ts run` every minute, which then calls a
// handful of those stages. The verdict (ajv compiles both schemas and every example
// validates) is a pure function of the schemas, the examples and the validator
// (validatorFingerprint), so a process that finds it recorded for exactly that content
// may skip the compilation without giving up the check. The validators themselves are
// still compiled on first use, for the stages a run calls.
//
// Only successes are recorded, as empty files named by the content id, so a failure is
// always checked, and reported, afresh. They live in a per-user folder under the OS temp
// folder (where tsx keeps its transpile cache too), created owner-only; a folder that is
// not the user's own or that others may write is not trusted, and then nothing is
// recorded or read. Recording is best effort: a read-only or full disk costs only the
// compilation next time.
import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentId } from '../json/jcs.js';
import { validatorFingerprint, type JsonSchema } from '../schema/index.js';
import type { StageExample } from './types.js';

/**
 * What the checks a verdict stands for are (validate.ts, checkWithAjv): a change to them
 * must change this, so that no verdict of the old checks vouches for the new ones.
 */
const CHECKS = 'input and output compile; every example validates';

/** The content id of a verdict: everything the checks it stands for depend on. */
export function verdictId(input: JsonSchema, output: JsonSchema, examples: readonly StageExample[]): string {
  return contentId({ checks: CHECKS, validator: validatorFingerprint(), input, output, examples });
}

export function hasVerdict(id: string): boolean {
  const folder = verdictFolder();
  if (folder === undefined) return false;
  try {
    return lstatSync(join(folder, id), { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false; // unreadable: as if never recorded, so the checks run
  }
}

export function recordVerdict(id: string): void {
  const folder = verdictFolder();
  if (folder === undefined) return;
  try {
    writeFileSync(join(folder, id), '', { flag: 'w', mode: 0o600 });
  } catch {
    // Best effort (see the top of this file).
  }
}

/**
 * `<tmp>/noether-ts-<uid>/verdicts`, made if missing, or undefined when it cannot be made
 * or is not to be trusted. Looked up on every call: the temp folder follows TMPDIR.
 */
export function verdictFolder(): string | undefined {
  const uid = process.getuid?.();
  const user = join(tmpdir(), `noether-ts-${uid ?? 'user'}`);
  const folder = join(user, 'verdicts');
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    for (const path of [user, folder]) {
      const stat = lstatSync(path);
      // Another user's folder, or one others may write, could hold planted verdicts.
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0)
        return undefined;
    }
    return folder;
  } catch {
    return undefined;
  }
}
