#!/usr/bin/env node
// The `caloron` executable. The sprint commands (sprint, demo, shell, harness) arrive
// with the issues that build them; `forge` serves the embedded local forge.
import { packageVersion } from '../../engine/cli/index.js';
import { isNoetherError } from '../../engine/errors.js';
import { forgeCommand } from './forge.js';
import { harnessCommand } from './harness.js';
import { shellCommand } from './shell.js';

const USAGE = `usage: caloron <command>

Caloron runs software sprints with AI agents on the noether-ts engine.
Commands:
  forge   serve the embedded GitHub-compatible forge (caloron forge --help)
  harness run one agent as the shell's harness.json says (caloron harness --help)
  shell   serve the Caloron shell that runs agents (caloron shell --help)
Check compositions with
  noether-ts graph check compositions/*.json
`;

const [command, ...rest] = process.argv.slice(2);
if (command === 'forge') {
  forgeCommand(rest).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`caloron forge: ${isNoetherError(error) ? `${error.code}: ` : ''}${message}\n`);
    process.exitCode = isNoetherError(error) ? error.exitCode : 3;
  });
} else if (command === 'harness') {
  harnessCommand(rest).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`caloron harness: ${isNoetherError(error) ? `${error.code}: ` : ''}${message}\n`);
    process.exitCode = isNoetherError(error) ? error.exitCode : 3;
  });
} else if (command === 'shell') {
  shellCommand(rest).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`caloron shell: ${isNoetherError(error) ? `${error.code}: ` : ''}${message}\n`);
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
