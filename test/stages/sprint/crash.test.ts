// Crash safety of save_tick_state (CALORON §1: "a crash at any instant leaves either the old
// or the new file"). Writers run as real processes saving through the real stage in a loop
// and are SIGKILLed at random moments, hundreds of times; after every kill the sprint file
// must parse, validate, and be exactly one of the versions written, never older than the
// one seen before the writer started.
//
// A killed writer's temp file stays behind, beside the sprint file: the next tick to take the
// sprint's lock sweeps it (stages/sprint/temp-sweep.ts), as the test checks at the end.
//
// Lanes (one sprint each, side by side in one KV directory) run in parallel so that the
// hundreds of kills fit in seconds: each kill costs a process start.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateValue } from '../../../engine/schema/index.js';
import type { TickState } from '../../../schemas/generated/types.js';
import { domainSchema } from '../../../schemas/index.js';
import { loadTickState } from '../../../stages/sprint/index.js';
import { callStage } from '../call-stage.js';
import { buildChild } from '../../fixtures/kv/bundle.js';
import { kvDirWith } from '../../fixtures/kv/kv-dir.js';
import { tickInput } from '../../fixtures/kv/tick-input.js';
import { fileVersion, versionOf } from '../../fixtures/kv/versions.js';

const LANES = 4;
const KILLS_PER_LANE = 50;

let child: string[] = [];
beforeAll(async () => {
  child = await buildChild('save-child.ts');
}, 30_000);

/** Starts a writer, waits for its first save, lets it write for a random while, kills it. */
async function killWriterAtRandom(kvDir: string, sprintId: string, first: number): Promise<void> {
  const writer = spawn(process.execPath, [...child, kvDir, sprintId, String(first)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    writer.on('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    writer.stdout.once('data', () => resolve());
    writer.once('exit', (code) => reject(new Error(`writer exited with ${code} before its first save`)));
  });
  await sleep(Math.random() * 12);
  writer.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

async function lane(kvDir: string, sprintId: string): Promise<number[]> {
  const found: number[] = [];
  for (let round = 0; round < KILLS_PER_LANE; round++) {
    const first = round * 1_000_000;
    await killWriterAtRandom(kvDir, sprintId, first);
    const path = join(kvDir, `${sprintId}.json`);
    const value = JSON.parse(readFileSync(path, 'utf8')) as TickState;
    expect(validateValue(domainSchema('tick-state'), value)).toEqual([]);
    const version = versionOf(value);
    expect(version).toBeDefined();
    // Written by this round's writer (which saved at least once before "ready").
    expect(version).toBeGreaterThanOrEqual(first);
    expect(value).toEqual(fileVersion(sprintId, version ?? -1));
    found.push((version ?? first) - first);
  }
  return found;
}

describe('save_tick_state under SIGKILL', () => {
  it('always leaves a whole, valid version of the sprint file, however often the writer is killed; the next tick sweeps the temps', async () => {
    const kvDir = kvDirWith();
    const lanes = await Promise.all(Array.from({ length: LANES }, (_, i) => lane(kvDir, `crash-${i}`)));
    const kills = lanes.flat();
    expect(kills).toHaveLength(LANES * KILLS_PER_LANE);
    // The writers got past their first save, and some kills landed mid-write: a killed
    // writer's temp file stays behind (beside the sprint files, never in their place).
    expect(kills.some((saved) => saved > 0)).toBe(true);
    const leftovers = readdirSync(kvDir).filter((name) => !/^crash-\d\.json$/.test(name));
    expect(leftovers.length).toBeGreaterThan(0);
    for (const name of leftovers) expect(name).toMatch(/^\.crash-\d\.json\.\d+\.[0-9a-f]{12}\.tmp$/);
    // Their writers are dead: the next tick of each sprint, once it holds the lock, removes them.
    for (let i = 0; i < LANES; i++) {
      const hooks: (() => void | Promise<void>)[] = [];
      await callStage(loadTickState, tickInput(`crash-${i}`), {
        env: { CALORON_KV_DIR: kvDir },
        runEndHooks: hooks,
      });
      for (const hook of hooks) await hook();
    }
    expect(readdirSync(kvDir).sort()).toEqual(Array.from({ length: LANES }, (_, i) => `crash-${i}.json`));
  }, 60_000);
});
