// Calls a RemoteStage node over HTTP (ENGINE §2): POST {"input": v}, reply
// {"ok":true,"data":{"output":…}}. Owned by the remote-stage work of issue [2/6].
import { NoetherError } from '../errors.js';
import type { RemoteStageNode } from '../graph/ast.js';

export interface RemoteCallOptions {
  signal: AbortSignal;
}

export function callRemoteStage(
  node: RemoteStageNode,
  input: unknown,
  options: RemoteCallOptions,
): Promise<unknown> {
  void input;
  void options;
  return Promise.reject(new NoetherError('NOE_INTERNAL', `remote stage ${node.url}: not implemented yet`));
}
