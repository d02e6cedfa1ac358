#!/usr/bin/env node
// The `caloron` executable. The sprint commands (sprint, demo, forge, shell, harness)
// arrive with the issues that build them; until then it answers --help and --version.
import { packageVersion } from '../../engine/cli/index.js';

const USAGE = `usage: caloron <command>

Caloron runs software sprints with AI agents on the noether-ts engine.
No sprint commands are available in this version yet; check compositions with
  noether-ts graph check compositions/*.json
`;

const [command] = process.argv.slice(2);
if (command === '--version') {
  process.stdout.write(`${packageVersion()}\n`);
} else if (command === undefined || command === '--help' || command === 'help') {
  process.stdout.write(USAGE);
} else {
  process.stderr.write(`caloron: NOE_USAGE: unknown command "${command}"\n${USAGE}`);
  process.exitCode = 1;
}
