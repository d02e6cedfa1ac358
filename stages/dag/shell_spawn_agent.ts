// shell_spawn_agent (CALORON §5 spawn_agent.json, §6): one agent spawned through the shell,
// outside a tick — what an operator runs to start (or re-start) a single agent by hand. The
// request goes through the same client execute_actions uses (token from CALORON_SHELL_TOKEN,
// no redirects, a deadline), and a refusal fails the stage rather than returning a stub.
import { NoetherError } from '../../engine/errors.js';
import { defineStage } from '../../engine/stage/index.js';
import type { ShellSpawnAgentInput, ShellSpawnAgentOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';
import { openShellClient } from './shell-client.js';

export const shellSpawnAgent = defineStage<ShellSpawnAgentInput, ShellSpawnAgentOutput>({
  name: 'shell_spawn_agent',
  description: "Spawns one agent through the Caloron shell and returns the shell's record of it.",
  ...stageSchemas('shell_spawn_agent'),
  effects: ['Network', 'Process', 'Fallible', 'NonDeterministic'],
  run: async ({ shell_url: shellUrl, ...request }, ctx) => {
    const reply = await openShellClient(shellUrl, { env: ctx.env, signal: ctx.signal }).spawn(request);
    if (typeof reply.agent !== 'object' || reply.agent === null)
      throw new NoetherError(
        'NOE_SHELL_FAILED',
        `shell POST ${shellUrl}/spawn answered without the agent's record`,
      );
    return {
      pid: typeof reply.pid === 'number' ? reply.pid : null,
      agent: reply.agent as ShellSpawnAgentOutput['agent'],
    };
  },
});
