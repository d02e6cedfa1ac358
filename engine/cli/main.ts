#!/usr/bin/env node
// The `noether-ts` executable: the real process around runCli.
import { runCli } from './index.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  stdin: process.stdin,
});
