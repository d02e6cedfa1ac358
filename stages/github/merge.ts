// Merging a pull request once (CALORON §2, reference §3.5 and §12.4). A merge retried after a
// crash finds the pull request already merged: that is the success it was looking for, not a
// failure. A pull request the forge refuses to merge (HTTP 405: a conflict, or closed
// unmerged) stays open and fails with a message saying so; nothing is forced.
import { NoetherError, isNoetherError } from '../../engine/errors.js';
import type { ForgeClient, ForgeMergeResult } from './client/types.js';

export async function mergeOnce(client: ForgeClient, prNumber: number): Promise<ForgeMergeResult> {
  try {
    return await client.mergePull(prNumber);
  } catch (error) {
    if (!isNoetherError(error) || error.details?.status !== 405) throw error;
    const pull = await client.getPull(prNumber);
    if (pull.merged) return { merged: true, sha: pull.merge_commit_sha };
    const said = typeof error.details.message === 'string' ? error.details.message : error.message;
    throw new NoetherError(
      'NOE_FORGE_FAILED',
      `pull request #${prNumber} of ${client.repo} cannot be merged (HTTP 405: ${said}); it stays ${pull.state}: ` +
        'resolve the conflict on its branch, and the next tick merges it',
      { details: { ...error.details, pr_number: prNumber, pr_state: pull.state }, cause: error },
    );
  }
}
