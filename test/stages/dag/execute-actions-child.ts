// execute_actions in a process of its own, so a test can SIGKILL it between two actions:
// argv[2] is the stage input as JSON; the environment is the stage's; the output is printed.
import { executeActions } from '../../../stages/dag/index.js';
import { callStage } from '../call-stage.js';

const output = await callStage(executeActions, JSON.parse(process.argv[2] ?? '{}'), { env: process.env });
process.stdout.write(`${JSON.stringify(output)}\n`);
