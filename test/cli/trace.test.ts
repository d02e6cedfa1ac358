// `noether-ts trace` (ENGINE §5), in process: the tree of a recorded run.
import { describe, expect, it } from 'vitest';
import { tempProject } from '../temp-project.js';
import { cli } from './in-process.js';

const stages = new URL('../run/fixtures/stages.ts', import.meta.url).pathname;

const shoutAndCount = JSON.stringify({
  description: 'd',
  version: '1',
  root: {
    op: 'Sequential',
    stages: [
      { op: 'Stage', id: 'shout' },
      { op: 'Parallel', branches: { n: { op: 'Stage', id: 'words' }, bad: { op: 'Stage', id: 'explode' } } },
    ],
  },
});

async function recorded(graph: string) {
  const cwd = tempProject({ 'noether.config.json': '{"stages": []}', 'g.json': graph });
  const result = await cli(['run', 'g.json', '--input', '{"text":"a b"}', '--json', '--stages', stages], {
    cwd,
  });
  const envelope = JSON.parse(result.stdout) as { error?: { details: { execution_id: string } } };
  return { cwd, id: envelope.error?.details.execution_id };
}

describe('noether-ts trace', () => {
  it('prints the latest run as a tree of node pointers with durations, cache use, status and errors', async () => {
    const { cwd, id } = await recorded(shoutAndCount);
    const { code, stdout } = await cli(['trace'], { cwd });
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^execution ${id}: failed NOE_STAGE_FAILED in [0-9.]+ ms$`));
    expect(stdout).toContain('error NOE_STAGE_FAILED at /root/stages/1/branches/bad');
    expect(stdout).toMatch(/├─ stages\/0 {2}shout {2}[0-9.]+ ms {2}cache miss {2}ok/);
    expect(stdout).toMatch(/└─ stages\/1\n/);
    expect(stdout).toMatch(/ {3}[├└]─ branches\/bad {2}explode {2}[0-9.]+ ms {2}error: NOE_STAGE_FAILED: /);
  });

  it('finds a run by id and by --last alike', async () => {
    const { cwd, id } = await recorded(shoutAndCount);
    const byId = await cli(['trace', id!], { cwd });
    const last = await cli(['trace', '--last'], { cwd });
    expect(byId.code).toBe(0);
    expect(byId.stdout).toBe(last.stdout);
  });

  it('prints the trace itself in an envelope with --json', async () => {
    const { cwd, id } = await recorded(shoutAndCount);
    const { code, stdout } = await cli(['trace', id!, '--json'], { cwd });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      ok: true,
      command: 'trace',
      data: { execution_id: id, ok: false },
    });
  });

  it('exits 1 with NOE_TRACE_NOT_FOUND for an unknown id', async () => {
    const { cwd } = await recorded(shoutAndCount);
    const { code, stderr } = await cli(['trace', 'ffffffff'], { cwd });
    expect(code).toBe(1);
    expect(stderr).toContain('NOE_TRACE_NOT_FOUND');
  });

  it('refuses an id together with --last', async () => {
    const { cwd, id } = await recorded(shoutAndCount);
    expect((await cli(['trace', id!, '--last'], { cwd })).code).toBe(1);
  });
});
