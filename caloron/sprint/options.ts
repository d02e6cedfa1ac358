// `caloron sprint`'s flags, read and checked before anything starts: a bad flag, a plan
// file that is not a plan, or a forge token variable that is unset stops the command
// here with a NoetherError naming the flag (or the file), and nothing has touched the
// forge, the KV folder or the scheduler.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NoetherError } from '../../engine/errors.js';
import type { PlanTask } from '../../schemas/generated/types.js';
import { forgeEndpoint } from '../../stages/github/client/index.js';
import { ID_PATTERN } from '../../schemas/index.js';
import { slugOf } from '../../stages/phases/task-ids.js';
import { readPlan, tickCron } from '../demo/index.js';

export const SPRINT_USAGE = `usage: caloron sprint "<goal>" --repo OWNER/NAME [options]

Plans a sprint from the goal (compositions/full_cycle.json; an LLM when CALORON_LLM_COMMAND
is set, else template answers), kicks it off on the forge (compositions/kickoff.json: one
issue per task, the state in $CALORON_KV_DIR), then prints the scheduler job that ticks it;
with --run, ticks it through the scheduler here until it is complete or stuck, then runs
compositions/retro.json.
  --repo OWNER/NAME     the forge repository (required)
  --host URL            the forge's API base URL (default: GitHub; ending in /api/v1: Gitea)
  --token-env VAR       the variable holding the forge token (default GITHUB_TOKEN)
  --shell-url URL       the Caloron shell that runs the agents (default http://127.0.0.1:7710)
  --sprint-id ID        ^[a-z0-9][a-z0-9_-]{0,63}$ (default: derived from the goal)
  --plan FILE           skip planning: a JSON list of tasks {id, title, depends_on[], agent_prompt?}
  --constraints TEXT    constraints for planning
  --framework NAME      the agent framework for tasks that name none (the shell's default otherwise)
  --run                 tick the sprint here through the scheduler, then run the retro
  --ticks-every SECONDS with --run: seconds between ticks, 1 to 59 or whole minutes (default 60)
  --timeout SECONDS     with --run: give up after this long (default 3600)
  --json                one JSON object per line instead of text
The environment: the forge token in $VAR, CALORON_SHELL_TOKEN, CALORON_KV_DIR (default
~/.caloron/kv) and CALORON_REPORTS_DIR (default ~/.caloron/reports).
Exit 0 when the sprint is kicked off (with --run: complete); non-zero otherwise.
`;

export const DEFAULT_SHELL_URL = 'http://127.0.0.1:7710';

export interface SprintOptions {
  goal: string;
  sprintId: string;
  repo: string;
  /** '' for GitHub. */
  host: string;
  tokenEnv: string;
  shellUrl: string;
  /** The plan file's tasks (planning skipped), with the file to name in errors. */
  plan?: { file: string; tasks: PlanTask[] };
  constraints?: string;
  framework?: string;
  /** Present with --run. */
  run?: { ticksEverySeconds: number; timeoutMs: number };
  json: boolean;
}

/** The options, or undefined for --help; throws NOE_USAGE (or the plan reader's code). */
export function readSprintOptions(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SprintOptions | undefined {
  const { values, positionals } = parse(args);
  if (values.help === true) return undefined;
  if (positionals.length !== 1)
    throw usage(
      positionals.length === 0
        ? 'give the sprint\'s goal, e.g. caloron sprint "Add a health endpoint" --repo OWNER/NAME'
        : `give the goal as one argument (quote it); got ${String(positionals.length)}: ${positionals.map((p) => JSON.stringify(p)).join(' ')}`,
    );
  const goal = positionals[0]!.trim();
  if (goal === '') throw usage('the goal is blank: say what the sprint must achieve');

  const repo = required(values.repo, '--repo', 'OWNER/NAME, e.g. --repo acme/shop');
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo))
    throw usage(`--repo ${JSON.stringify(repo)}: give the repository as OWNER/NAME`);
  const host = values.host ?? '';
  checkUrl(host, '--host', () => forgeEndpoint(host));
  const shellUrl = values['shell-url'] ?? DEFAULT_SHELL_URL;
  checkUrl(shellUrl, '--shell-url', () => httpUrl(shellUrl));
  const sprintId = values['sprint-id'] ?? sprintIdOf(goal);
  if (!ID_PATTERN.test(sprintId))
    throw usage(
      `--sprint-id ${JSON.stringify(sprintId)} breaks the id rule ^[a-z0-9][a-z0-9_-]{0,63}$: use lowercase letters, digits, "-" and "_" only`,
    );

  const ticksEvery = values['ticks-every'];
  const timeout = values.timeout;
  if (values.run !== true && (ticksEvery !== undefined || timeout !== undefined))
    throw usage(`${ticksEvery === undefined ? '--timeout' : '--ticks-every'} goes with --run`);
  const run =
    values.run === true
      ? {
          ticksEverySeconds: seconds(ticksEvery ?? '60', '--ticks-every'),
          timeoutMs: seconds(timeout ?? '3600', '--timeout') * 1000,
        }
      : undefined;
  if (run !== undefined) tickCron(run.ticksEverySeconds); // NOE_USAGE for a step cron cannot make

  const tokenEnv = values['token-env'] ?? 'GITHUB_TOKEN';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenEnv))
    throw usage(`--token-env ${JSON.stringify(tokenEnv)} is not a variable name`);
  if ((env[tokenEnv] ?? '') === '')
    throw new NoetherError(
      'NOE_USAGE',
      `the forge token variable ${tokenEnv} is unset or empty: export ${tokenEnv}=<token>, or name the variable that holds it with --token-env`,
      { details: { variable: tokenEnv } },
    );

  const framework = values.framework;
  if (framework !== undefined && framework.trim() === '') throw usage('--framework is blank');
  const constraints = values.constraints;
  if (values.plan !== undefined && constraints !== undefined)
    throw usage('--constraints is for planning, and --plan skips planning: give one of them');
  const planFile = values.plan === undefined ? undefined : resolve(values.plan);
  return {
    goal,
    sprintId,
    repo,
    host,
    tokenEnv,
    shellUrl,
    ...(planFile === undefined ? {} : { plan: { file: planFile, tasks: readPlan(planFile) } }),
    ...(constraints === undefined ? {} : { constraints }),
    ...(framework === undefined ? {} : { framework }),
    ...(run === undefined ? {} : { run }),
    json: values.json === true,
  };
}

/** The goal's slug, cut to the id length: "Add a health endpoint" → "add-a-health-endpoint". */
export function sprintIdOf(goal: string): string {
  const id = slugOf(goal)
    .slice(0, 64)
    .replace(/[-_]+$/, '');
  if (id === '')
    throw usage(`cannot derive a sprint id from the goal ${JSON.stringify(goal)}: give --sprint-id`);
  return id;
}

function required(value: string | undefined, flag: string, what: string): string {
  if (value === undefined || value.trim() === '') throw usage(`${flag} is required: ${what}`);
  return value.trim();
}

function checkUrl(value: string, flag: string, check: () => unknown): void {
  try {
    check();
  } catch (error) {
    throw usage(`${flag}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function httpUrl(text: string): URL {
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${JSON.stringify(text)} is not an http(s) URL`);
  return url;
}

function seconds(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw usage(`${flag} ${JSON.stringify(text)}: give a positive number of seconds`);
  return value;
}

function usage(message: string): NoetherError {
  return new NoetherError('NOE_USAGE', message);
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: {
        repo: { type: 'string' },
        host: { type: 'string' },
        'token-env': { type: 'string' },
        'shell-url': { type: 'string' },
        'sprint-id': { type: 'string' },
        plan: { type: 'string' },
        constraints: { type: 'string' },
        framework: { type: 'string' },
        run: { type: 'boolean' },
        'ticks-every': { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw usage(`${error instanceof Error ? error.message : String(error)}\n${SPRINT_USAGE}`);
  }
}
