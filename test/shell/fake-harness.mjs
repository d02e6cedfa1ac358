// A stand-in for `caloron harness` that speaks the shell↔harness contract: reads
// --config, starts a grandchild in its process group (so the tests can see the whole group
// stopped), beats "running", then does what harness.json's prompt says: "done", "fail",
// "exit:<code>" (no final heartbeat) or anything else: keep running.
import { spawn } from 'node:child_process';
import console from 'node:console';
import process from 'node:process';
import { setInterval } from 'node:timers';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const configPath = process.argv[process.argv.indexOf('--config') + 1];
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const runDir = dirname(configPath);
const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
// Written then renamed, so a test polling for the file never reads half of it.
const facts = join(runDir, `facts-${process.pid}.json`);
writeFileSync(
  `${facts}.tmp`,
  JSON.stringify({
    pid: process.pid,
    grandchild: grandchild.pid,
    argv: process.argv,
    env: process.env,
    cwd: process.cwd(),
  }),
);
renameSync(`${facts}.tmp`, facts);
const beat = (status, detail) =>
  globalThis.fetch(`${config.shell_url}/heartbeat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-caloron-token': process.env.CALORON_SHELL_TOKEN ?? '' },
    body: JSON.stringify({
      sprint_id: config.sprint_id,
      agent_id: config.agent_id,
      task_id: config.task_id,
      status,
      ...(detail === undefined ? {} : { detail }),
    }),
  });
const first = await beat('running');
console.log(`fake harness ${process.pid}: first beat answered ${first.status}`);
const mode = config.prompt ?? 'run';
const finish = (code) => {
  grandchild.kill('SIGKILL');
  process.exit(code);
};
if (mode === 'done') {
  await beat('done', 'wrote the file');
  finish(0);
} else if (mode === 'fail') {
  await beat('failed', 'the framework crashed');
  finish(1);
} else if (mode.startsWith('exit:')) {
  finish(Number(mode.slice(5)));
} else {
  setInterval(() => void beat('running'), config.heartbeat_interval_ms);
}
