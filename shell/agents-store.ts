// The heartbeat store: `<kv>/<sprint_id>.agents.json` (CALORON §1, §6), the file
// load_tick_state reads through readAgents. Every change is a read-modify-write of the whole
// file, serialised per sprint (heartbeats, spawns and exits race otherwise), checked against
// the AgentsFile schema before it is written, and written atomically; changes that queue up
// during a write share the next one.
//
// Must never: write a file readAgents would refuse, or let two writes to one file interleave.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NoetherError } from '../engine/errors.js';
import { writeFileAtomic } from '../engine/fs/atomic.js';
import { validateValue } from '../engine/schema/index.js';
import type { AgentRecord, AgentsFile } from '../schemas/generated/types.js';
import { domainSchema } from '../schemas/index.js';
import { readAgents, sprintPath } from '../stages/sprint/kv-store.js';

export type Agents = AgentsFile['agents'];

interface Pending {
  change: (agents: Agents) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class AgentsStore {
  private readonly pending = new Map<string, Pending[]>();
  private readonly writing = new Set<string>();

  constructor(readonly kvDir: string) {}

  read(sprintId: string): Agents {
    return readAgents(this.kvDir, sprintId);
  }

  /**
   * Applies `change` to the sprint's agents and writes the result; what `change` returns is
   * handed back once the file is written. Changes to one sprint apply one after another;
   * those that queue up while a write is under way go out together in the next write (one
   * fsync for a burst of heartbeats). A change that throws, or leaves the file off-schema,
   * is rejected alone and undone.
   */
  update<T>(sprintId: string, change: (agents: Agents) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queue = this.pending.get(sprintId) ?? [];
      queue.push({ change, resolve: resolve as (value: unknown) => void, reject });
      this.pending.set(sprintId, queue);
      if (!this.writing.has(sprintId)) void this.drain(sprintId);
    });
  }

  /** Changes one agent's record, if there is one; undefined otherwise. */
  patch(sprintId: string, agentId: string, change: (record: AgentRecord) => AgentRecord | undefined) {
    return this.update(sprintId, (agents) => {
      const record = agents[agentId];
      if (record === undefined) return undefined;
      const changed = change(record);
      if (changed !== undefined) agents[agentId] = changed;
      return changed;
    });
  }

  private async drain(sprintId: string): Promise<void> {
    this.writing.add(sprintId);
    try {
      for (;;) {
        const batch = this.pending.get(sprintId);
        if (batch === undefined || batch.length === 0) break;
        this.pending.delete(sprintId);
        await this.apply(sprintId, batch);
      }
    } finally {
      this.writing.delete(sprintId);
    }
  }

  private async apply(sprintId: string, batch: Pending[]): Promise<void> {
    let path: string;
    let agents: Agents;
    try {
      path = sprintPath(this.kvDir, sprintId, 'agents');
      agents = this.read(sprintId);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    const accepted: Array<{ item: Pending; result: unknown }> = [];
    for (const item of batch) {
      const draft = structuredClone(agents);
      try {
        const result = item.change(draft);
        const violation = validateValue(domainSchema('agents-file'), fileOf(sprintId, draft))[0];
        if (violation !== undefined)
          throw new NoetherError(
            'NOE_INTERNAL',
            `refusing to write ${path}: at ${violation.valuePointer || '/'} ${violation.message}`,
            { place: { file: path, pointer: violation.valuePointer } },
          );
        agents = draft;
        accepted.push({ item, result });
      } catch (error) {
        item.reject(error);
      }
    }
    if (accepted.length === 0) return;
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFileAtomic(path, `${JSON.stringify(fileOf(sprintId, agents), null, 2)}\n`);
    } catch (error) {
      const failure = new NoetherError(
        'NOE_FILE_WRITE',
        `cannot write ${path}: ${(error as Error).message}`,
        {
          place: { file: path },
          cause: error,
        },
      );
      for (const { item } of accepted) item.reject(failure);
      return;
    }
    for (const { item, result } of accepted) item.resolve(result);
  }
}

function fileOf(sprintId: string, agents: Agents): AgentsFile {
  return { schema_version: 1, sprint_id: sprintId, agents };
}
