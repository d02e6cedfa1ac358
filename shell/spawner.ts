// The spawner: starts one harness per (sprint, agent) per the shell↔harness contract, keeps
// its process facts in the agents file, records its exit, and stops its process group on
// /kill, /restart, a re-spawn, or shell shutdown.
//
// Must never: leave an old agent running when it starts its replacement, hold a child's
// output in an undrained pipe, put a token in argv, or let a late exit of a replaced process
// overwrite its successor's record.
import { execa } from 'execa';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { NoetherError } from '../engine/errors.js';
import { writeFileAtomic } from '../engine/fs/atomic.js';
import { processStart, stopGroup } from '../engine/run/process-facts.js';
import type { AgentRecord, SpawnRequest } from '../schemas/generated/types.js';
import { openForgeClient } from '../stages/github/client/index.js';
import type { AgentsStore } from './agents-store.js';
import { FRAMEWORK_CREDENTIALS } from './frameworks/index.js';
import type { Worktrees } from './worktree.js';

/** What an agent was spawned with (POST /spawn's body, the shared SpawnRequest), kept for /restart. */
export type SpawnContext = SpawnRequest;

/** POST /heartbeat's body (the shell↔harness contract). */
export interface Heartbeat {
  sprint_id: string;
  agent_id: string;
  task_id: string;
  status: 'running' | 'done' | 'failed';
  detail?: string;
}

export interface SpawnerOptions {
  store: AgentsStore;
  worktrees: Worktrees;
  harnessCommand: string[];
  forge: { host: string; token_env: string };
  shellUrl: () => string;
  shellToken: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  heartbeatIntervalMs: number;
  killGraceMs: number;
  stub?: { request_changes_once?: boolean };
}

interface Live {
  pid: number;
  start: string | null;
  context: SpawnContext;
  /** Set before the group is signalled, so its exit is recorded as killed, not exited. */
  stopping: boolean;
  exited: Promise<void>;
}

export class Spawner {
  private readonly live = new Map<string, Live>();
  /** The context of each agent's last spawn, for /restart. */
  private readonly contexts = new Map<string, SpawnContext>();
  /** Per agent: spawn, kill and restart of one agent run one after another. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: SpawnerOptions) {}

  spawn(context: SpawnContext): Promise<AgentRecord> {
    return this.serialised(context, async () => {
      await this.stop(context.sprint_id, context.agent_id);
      return this.start(context);
    });
  }

  /**
   * Kill + spawn with the context the agent was last spawned with: from memory, or from the
   * harness.json of its run folder when the shell itself was restarted since.
   */
  restart(sprintId: string, agentId: string): Promise<AgentRecord> {
    const context = this.contexts.get(key(sprintId, agentId)) ?? this.savedContext(sprintId, agentId);
    if (context === undefined)
      throw new NoetherError(
        'NOE_AGENT_NOT_FOUND',
        `agent ${agentId} of sprint ${sprintId} was never spawned here: spawn it first`,
      );
    return this.spawn(context);
  }

  /** Records a heartbeat; undefined when the agent has no record (it was never spawned). */
  heartbeat(beat: Heartbeat): Promise<AgentRecord | undefined> {
    return this.options.store.patch(beat.sprint_id, beat.agent_id, (record) => {
      if (record.task_id !== beat.task_id)
        throw new NoetherError(
          'NOE_STAGE_INPUT_VIOLATION',
          `agent ${beat.agent_id} works on task ${record.task_id}, not ${beat.task_id}`,
        );
      // A killed or exited agent stays so: a late beat must not bring it back to life.
      if (record.status === 'killed' || record.status === 'exited') return { ...record, last_beat_at: now() };
      return {
        ...record,
        last_beat_at: now(),
        status: beat.status,
        ...(beat.detail === undefined ? {} : { detail: beat.detail }),
      };
    });
  }

  /** Stops the agent's process group and records it killed. */
  kill(sprintId: string, agentId: string): Promise<AgentRecord> {
    return this.serialised({ sprint_id: sprintId, agent_id: agentId }, async () => {
      const record = this.options.store.read(sprintId)[agentId];
      if (record === undefined)
        throw new NoetherError('NOE_AGENT_NOT_FOUND', `agent ${agentId} of sprint ${sprintId} has no record`);
      await this.stop(sprintId, agentId);
      const killed = await this.options.store.patch(sprintId, agentId, (r) =>
        r.status === 'running' ? { ...r, status: 'killed', ended_at: r.ended_at ?? now() } : r,
      );
      return killed ?? record;
    });
  }

  /** Stops every agent this shell started (shutdown). */
  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.live.values()].map((live) =>
        this.kill(live.context.sprint_id, live.context.agent_id).catch(() => undefined),
      ),
    );
  }

  private savedContext(sprintId: string, agentId: string): SpawnContext | undefined {
    let saved: Partial<Record<keyof SpawnContext, unknown>>;
    try {
      saved = JSON.parse(readFileSync(this.configPath(sprintId, agentId), 'utf8')) as typeof saved;
    } catch {
      return undefined;
    }
    const { task_id, role, framework, repo, issue_number, pr_number, prompt } = saved;
    if (
      typeof task_id !== 'string' ||
      (role !== 'developer' && role !== 'reviewer') ||
      typeof repo !== 'string'
    )
      return undefined;
    return {
      sprint_id: sprintId,
      agent_id: agentId,
      task_id,
      role,
      repo,
      ...(typeof framework === 'string' ? { framework } : {}),
      ...(typeof issue_number === 'number' ? { issue_number } : {}),
      ...(typeof pr_number === 'number' ? { pr_number } : {}),
      ...(typeof prompt === 'string' ? { prompt } : {}),
    };
  }

  private configPath(sprintId: string, agentId: string): string {
    return join(this.options.worktrees.runFolder(sprintId, agentId), 'harness.json');
  }

  /** Stops the agent's group: the live child of this shell, or a recorded pid from an earlier one. */
  private async stop(sprintId: string, agentId: string): Promise<void> {
    const live = this.live.get(key(sprintId, agentId));
    if (live !== undefined) {
      live.stopping = true;
      await stopGroup(live.pid, live.start, this.options.killGraceMs);
      await live.exited;
      return;
    }
    const record = this.options.store.read(sprintId)[agentId];
    if (record !== undefined && record.pid !== null && record.process_start !== null)
      await stopGroup(record.pid, record.process_start, this.options.killGraceMs);
  }

  private async start(context: SpawnContext): Promise<AgentRecord> {
    const { options } = this;
    const client = openForgeClient(
      { repo: context.repo, host: options.forge.host, token_env: options.forge.token_env },
      { env: options.env },
    );
    const repo = await client.getRepo();
    const tree = await options.worktrees.prepare({
      ...context,
      clone_url: repo.clone_url,
      default_branch: repo.default_branch,
    });
    const config = this.configPath(context.sprint_id, context.agent_id);
    const runDir = dirname(config);
    await writeFileAtomic(
      config,
      `${JSON.stringify(
        {
          sprint_id: context.sprint_id,
          task_id: context.task_id,
          agent_id: context.agent_id,
          role: context.role,
          framework: context.framework ?? 'stub',
          repo: context.repo,
          host: options.forge.host,
          token_env: options.forge.token_env,
          issue_number: context.issue_number ?? null,
          pr_number: context.pr_number ?? null,
          prompt: context.prompt ?? null,
          worktree: tree.path,
          branch: tree.branch,
          base_branch: tree.base_branch,
          shell_url: options.shellUrl(),
          heartbeat_interval_ms: options.heartbeatIntervalMs,
          ...(options.stub === undefined ? {} : { stub: options.stub }),
        },
        null,
        2,
      )}\n`,
    );
    const [file, ...args] = options.harnessCommand;
    if (file === undefined) throw new NoetherError('NOE_INTERNAL', 'the shell has an empty harness command');
    const executable = findExecutable(file, this.options.env.PATH);
    if (executable === undefined)
      throw new NoetherError(
        'NOE_SHELL_FAILED',
        `the harness cannot be started: ${file} is not an executable file${file.includes('/') ? '' : ' on PATH'}`,
      );
    // The OS appends the harness's output to the log itself (sh redirects, then execs the
    // harness under the same pid): no pipe through the shell that could fill up or break.
    const log = join(runDir, 'harness.log');
    const child = execa(
      '/bin/sh',
      [
        '-c',
        'log=$1; shift; exec "$@" >>"$log" 2>&1 </dev/null',
        'caloron-harness',
        log,
        file,
        ...args,
        '--config',
        config,
      ],
      {
        cwd: tree.path,
        detached: true,
        stdio: 'ignore',
        env: this.harnessEnv(),
        extendEnv: false,
        reject: false,
        cleanup: false,
      },
    );
    const pid = child.pid;
    if (pid === undefined) {
      const result = await child;
      const reason = 'shortMessage' in result ? result.shortMessage : 'it got no pid';
      throw new NoetherError('NOE_SHELL_FAILED', `the harness ${file} could not be started: ${reason}`);
    }
    const start = processStart(pid) ?? null;
    const started: AgentRecord = {
      agent_id: context.agent_id,
      sprint_id: context.sprint_id,
      task_id: context.task_id,
      role: context.role,
      pid,
      process_start: start,
      started_at: now(),
      last_beat_at: null,
      status: 'running',
      exit_code: null,
      ended_at: null,
    };
    const id = key(context.sprint_id, context.agent_id);
    const live: Live = { pid, start, context, stopping: false, exited: Promise.resolve() };
    live.exited = child.then((result) => this.recordExit(live, result.exitCode ?? null));
    this.live.set(id, live);
    this.contexts.set(id, context);
    await options.store.update(context.sprint_id, (agents) => {
      agents[context.agent_id] = started;
    });
    return started;
  }

  private async recordExit(live: Live, exitCode: number | null): Promise<void> {
    const { sprint_id: sprintId, agent_id: agentId } = live.context;
    const id = key(sprintId, agentId);
    await this.options.store
      .patch(sprintId, agentId, (record) => {
        if (record.pid !== live.pid) return undefined; // a successor owns the record now
        const ended = { ...record, exit_code: exitCode, ended_at: record.ended_at ?? now() };
        if (record.status !== 'running') return ended;
        return { ...ended, status: live.stopping ? 'killed' : 'exited' };
      })
      .catch(() => undefined);
    if (this.live.get(id) === live) this.live.delete(id);
  }

  private harnessEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.options.env)) {
      if (value === undefined) continue;
      if (
        ['PATH', 'HOME', 'TMPDIR', 'LANG', this.options.forge.token_env, ...FRAMEWORK_CREDENTIALS].includes(
          name,
        ) ||
        name.startsWith('CALORON_')
      )
        env[name] = value;
    }
    if (this.options.shellToken !== undefined) env.CALORON_SHELL_TOKEN = this.options.shellToken;
    return env;
  }

  private serialised<T>(
    context: { sprint_id: string; agent_id: string },
    work: () => Promise<T>,
  ): Promise<T> {
    const id = key(context.sprint_id, context.agent_id);
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.queues.set(id, next);
    void next
      .finally(() => {
        if (this.queues.get(id) === next) this.queues.delete(id);
      })
      .catch(() => undefined);
    return next;
  }
}

/** `file` itself when it holds a slash, else its first executable match on PATH. */
function findExecutable(file: string, path: string | undefined): string | undefined {
  const candidates = file.includes('/')
    ? [resolve(file)]
    : (path ?? '')
        .split(delimiter)
        .filter((dir) => dir !== '')
        .map((dir) => join(dir, file));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

function key(sprintId: string, agentId: string): string {
  return `${sprintId}/${agentId}`;
}

function now(): string {
  return new Date().toISOString();
}
