// The heartbeat store: `<kv>/<sprint_id>.agents.json` (CALORON §1, §6), the file
// load_tick_state reads through readAgents. Every change is a read-modify-write of the whole
// file, serialised per sprint (heartbeats, spawns and exits race otherwise), checked against
// the AgentsFile schema before it is written, and written atomically.
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

export class AgentsStore {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(readonly kvDir: string) {}

  read(sprintId: string): Agents {
    return readAgents(this.kvDir, sprintId);
  }

  /**
   * Applies `change` to the sprint's agents (a copy) and writes the result; what `change`
   * returns is handed back. Changes to one sprint run one after another.
   */
  update<T>(sprintId: string, change: (agents: Agents) => T): Promise<T> {
    const previous = this.queues.get(sprintId) ?? Promise.resolve();
    const next = previous.then(
      () => this.apply(sprintId, change),
      () => this.apply(sprintId, change),
    );
    this.queues.set(sprintId, next);
    void next
      .finally(() => {
        if (this.queues.get(sprintId) === next) this.queues.delete(sprintId);
      })
      .catch(() => undefined);
    return next;
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

  private async apply<T>(sprintId: string, change: (agents: Agents) => T): Promise<T> {
    const path = sprintPath(this.kvDir, sprintId, 'agents');
    const agents = structuredClone(this.read(sprintId));
    const result = change(agents);
    const file: AgentsFile = { schema_version: 1, sprint_id: sprintId, agents };
    const violation = validateValue(domainSchema('agents-file'), file)[0];
    if (violation !== undefined)
      throw new NoetherError(
        'NOE_INTERNAL',
        `refusing to write ${path}: at ${violation.valuePointer || '/'} ${violation.message}`,
        { place: { file: path, pointer: violation.valuePointer } },
      );
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`);
    } catch (error) {
      throw new NoetherError('NOE_FILE_WRITE', `cannot write ${path}: ${(error as Error).message}`, {
        place: { file: path },
        cause: error,
      });
    }
    return result;
  }
}
