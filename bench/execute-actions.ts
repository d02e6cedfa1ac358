// What execute_actions costs per tick (CALORON §2): 60 actions (20 probes = a comment each,
// 20 mark_done = a label each, 20 restarts = a shell call each) against the embedded local
// forge and a loopback shell on 127.0.0.1, first when every action is new (each one an HTTP
// call or two plus an fsynced journal line), then the same list again (every key in the
// journal: nothing sent). Also the time to open a journal of 10,000 keys.
// Prints figures; asserts nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Action } from '../schemas/generated/types.js';
import { executeActions } from '../stages/dag/index.js';
import { Journal } from '../stages/dag/journal.js';
import { callStage } from '../test/stages/call-stage.js';
import { startLoopbackShell } from '../test/stages/dag/loopback-shell.js';
import { startForgeFixture } from '../test/stages/github/forge-fixture.js';

const PER_KIND = 20;
const fx = await startForgeFixture('bench');
const shell = await startLoopbackShell();
const kvDir = mkdtempSync(join(tmpdir(), 'bench-journal-'));
try {
  const issues: number[] = [];
  for (let i = 0; i < PER_KIND; i++)
    issues.push((await fx.client.createIssue({ title: `Task ${i}` })).number);
  const actions: Action[] = issues.flatMap((issue, i): Action[] => [
    {
      key: `s1:t${i}:probe:0`,
      type: 'probe',
      task_id: `t${i}`,
      agent_id: `dev-${i}`,
      issue_number: issue,
      message: 'Still there?',
    },
    { key: `s1:t${i}:mark_done:1`, type: 'mark_done', task_id: `t${i}`, issue_number: issue, pr_number: 1 },
    { key: `s1:t${i}:restart:2`, type: 'restart', task_id: `t${i}`, agent_id: `dev-${i}` },
  ]);
  const input = { sprint_id: 's1', ...fx.config, shell_url: shell.url, actions };
  const env = { ...fx.env, CALORON_SHELL_TOKEN: shell.token, CALORON_KV_DIR: kvDir };

  const timed = async (): Promise<[number, unknown]> => {
    const start = performance.now();
    const output = await callStage(executeActions, input, { env });
    return [performance.now() - start, output];
  };
  const [first, firstOutput] = await timed();
  const taken = (firstOutput as { actions_taken: string[] }).actions_taken.length;
  const [again] = await timed();
  console.log(`execute_actions, ${actions.length} new actions (${taken} taken): ${first.toFixed(0)} ms`);
  console.log(
    `  per action: ${(first / actions.length).toFixed(1)} ms (HTTP on loopback + fsynced journal line)`,
  );
  console.log(
    `execute_actions, the same ${actions.length} actions again (all journaled): ${again.toFixed(1)} ms`,
  );

  const keys = 10_000;
  writeFileSync(
    join(kvDir, 'big.journal.jsonl'),
    Array.from({ length: keys }, (_, i) => `${JSON.stringify({ key: `big:t${i}:probe:${i}` })}\n`).join(''),
  );
  const start = performance.now();
  await Journal.open(kvDir, 'big');
  console.log(`Journal.open of ${keys} keys: ${(performance.now() - start).toFixed(1)} ms`);
} finally {
  await Promise.all([fx.close(), shell.close()]);
  rmSync(kvDir, { recursive: true, force: true });
}
