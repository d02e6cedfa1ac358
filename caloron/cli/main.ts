#!/usr/bin/env node
// The `caloron` executable: a table of commands, each a module of its own. `sprint` runs a
// sprint from a goal on a forge; `demo` runs a whole sprint offline.
import { packageVersion } from '../../engine/cli/index.js';
import { isNoetherError } from '../../engine/errors.js';
import { forgeCommand } from './forge.js';
import { harnessCommand } from './harness.js';
import { shellCommand } from './shell.js';

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  // Imported on use: the shell starts `caloron harness` for every agent, and the harness
  // has no use for the engine, scheduler and stages the demo loads.
  demo: async (args) => (await import('./demo.js')).demoCommand(args),
  sprint: async (args) => (await import('./sprint.js')).sprintCommand(args),
  forge: forgeCommand,
  shell: shellCommand,
  harness: harnessCommand,
};

const USAGE = `usage: caloron <command>

Caloron runs software sprints with AI agents on the noether-ts engine.
Commands:
  demo    run a whole sprint offline: forge, shell, stub agents, scheduler, retro (caloron demo --help)
  sprint  plan a goal, kick it off on a forge, tick it (caloron sprint --help)
  forge   serve the embedded GitHub-compatible forge (caloron forge --help)
  shell   serve the Caloron shell that runs agents (caloron shell --help)
  harness run one agent as the shell's harness.json says (caloron harness --help)
Check compositions with
  noether-ts graph check compositions/*.json
`;

const [command, ...rest] = process.argv.slice(2);
const run =
  command === undefined ? undefined : Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
if (run !== undefined) {
  run(rest).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`caloron ${command}: ${isNoetherError(error) ? `${error.code}: ` : ''}${message}\n`);
    process.exitCode = isNoetherError(error) ? error.exitCode : 3;
  });
} else if (command === '--version') {
  process.stdout.write(`${packageVersion()}\n`);
} else if (command === undefined || command === '--help' || command === 'help') {
  process.stdout.write(USAGE);
} else {
  process.stderr.write(`caloron: NOE_USAGE: unknown command "${command}"\n${USAGE}`);
  process.exitCode = 1;
}
