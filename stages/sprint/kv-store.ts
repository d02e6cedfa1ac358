// The sprint KV directory (CALORON §1): where it is, the one function that turns a sprint id
// into a path inside it, and the one reader and the one writer of each file format. Kickoff,
// load_tick_state and save_tick_state all go through here, so the format has one writer.
//
// Must never: build a path from an id it has not checked (the schema checks ids at the stage
// boundary; sprintPath checks again, since plain callers such as kickoff skip that boundary),
// let a path escape the directory, or hand back `{}` for a file it could not read.
import { mkdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { NoetherError } from '../../engine/errors.js';
import { writeFileAtomic } from '../../engine/fs/atomic.js';
import { parseJsonDocument } from '../../engine/json/parse.js';
import { checkProven, proofOf } from '../../engine/run/proof.js';
import { deepFreeze, frozenCopy } from '../../engine/json/value.js';
import { readJsonText } from '../../engine/json/text.js';
import { validateValue } from '../../engine/schema/index.js';
import type { AgentsFile, TickState } from '../../schemas/generated/types.js';
import { domainSchema, ID_PATTERN } from '../../schemas/index.js';

/** The files a sprint has in the KV directory, by what they hold. */
const SUFFIXES = {
  state: '.json',
  agents: '.agents.json',
  lock: '.lock',
  journal: '.journal.jsonl',
} as const;
export type SprintFile = keyof typeof SUFFIXES;

/** Caloron's folders: where each is configured, and its place under `~/.caloron`. */
const FOLDERS = {
  kv: { variable: 'CALORON_KV_DIR', holds: 'the sprint state lives' },
  reports: { variable: 'CALORON_REPORTS_DIR', holds: 'retro reports go' },
} as const;

/**
 * `$CALORON_KV_DIR` (or `$CALORON_REPORTS_DIR`), else `$HOME/.caloron/kv` (`reports`), read
 * from the environment the engine hands the stage (never process.env, so a run's
 * environment is the only input).
 */
export function caloronFolder(
  env: Readonly<Record<string, string | undefined>>,
  folder: keyof typeof FOLDERS,
): string {
  const { variable, holds } = FOLDERS[folder];
  const configured = env[variable];
  if (configured !== undefined && configured !== '') return resolve(configured);
  const home = env.HOME;
  if (home !== undefined && home !== '' && isAbsolute(home)) return join(home, '.caloron', folder);
  throw new NoetherError(
    'NOE_USAGE',
    `cannot tell where ${holds}: set ${variable} (or HOME, for ~/.caloron/${folder})`,
  );
}

/** The sprint KV directory (CALORON §1). */
export function kvDirectory(env: Readonly<Record<string, string | undefined>>): string {
  return caloronFolder(env, 'kv');
}

/** The path of one of a sprint's files; refuses any id outside the id rule before building it. */
export function sprintPath(kvDir: string, sprintId: string, file: SprintFile): string {
  if (typeof sprintId !== 'string' || !ID_PATTERN.test(sprintId))
    throw new NoetherError(
      'NOE_STAGE_INPUT_VIOLATION',
      `sprint_id ${JSON.stringify(sprintId)} breaks the id rule ${ID_PATTERN.source}: ` +
        'use lowercase letters, digits, "-" and "_" only',
      { place: { pointer: '/sprint_id' } },
    );
  const dir = resolve(kvDir);
  const path = join(dir, sprintId + SUFFIXES[file]);
  // The rule above already forbids separators and dots; this keeps the promise if it ever changes.
  if (dirname(path) !== dir || basename(path) !== sprintId + SUFFIXES[file])
    throw new NoetherError('NOE_INTERNAL', `sprint file ${path} would fall outside ${dir}`);
  return path;
}

/**
 * The tick state as this process last wrote or read it, by path: its exact text and its
 * value, deep-frozen. A long-lived process (the scheduler) reads back at one tick the file
 * it wrote at the last; handing back the same frozen value lets the engine keep what it
 * proved and hashed of it (engine/run/proof.ts, digest.ts) instead of parsing, validating
 * and hashing the whole state again. The text is still read and compared every time, so
 * whatever another process wrote is seen. One entry per sprint file.
 */
const lastTickStates = new Map<string, { text: string; value: TickState }>();

/**
 * Reads and checks `<sprint_id>.json`; the value is deep-frozen (it may be shared, see
 * lastTickStates). Missing: the sprint was never kicked off. Corrupt or off-schema: an
 * error naming the file and the pointer, never a silent empty state.
 */
export function readTickState(kvDir: string, sprintId: string): TickState {
  const path = sprintPath(kvDir, sprintId, 'state');
  const text = readTextIfAny(path, 'sprint state');
  const last = lastTickStates.get(path);
  if (text !== undefined && last?.text === text) return last.value;
  const value = text === undefined ? undefined : checkedJson(path, text, 'tick-state', 'sprint state');
  if (value === undefined)
    throw new NoetherError(
      'NOE_SPRINT_NOT_FOUND',
      `sprint "${sprintId}" was never kicked off: ${path} does not exist`,
      { place: { file: path } },
    );
  const state = value as TickState;
  if (state.state.sprint_id !== sprintId)
    throw stateInvalid(
      path,
      '/state/sprint_id',
      `holds sprint "${state.state.sprint_id}", not "${sprintId}"`,
    );
  lastTickStates.set(path, { text: text!, value: deepFreeze(state) });
  return state;
}

/** The shell's agent records of a sprint, by agent id; none when the shell has written none. */
export function readAgents(kvDir: string, sprintId: string): AgentsFile['agents'] {
  const path = sprintPath(kvDir, sprintId, 'agents');
  const text = readTextIfAny(path, 'agents file');
  if (text === undefined) return {};
  const value = checkedJson(path, text, 'agents-file', 'agents file');
  const file = value as AgentsFile;
  if (file.sprint_id !== sprintId)
    throw stateInvalid(path, '/sprint_id', `holds sprint "${file.sprint_id}", not "${sprintId}"`);
  for (const [agentId, record] of Object.entries(file.agents)) {
    if (record === undefined) continue;
    if (record.agent_id !== agentId)
      throw stateInvalid(
        path,
        `/agents/${agentId}/agent_id`,
        `says "${record.agent_id}" under key "${agentId}"`,
      );
    if (record.sprint_id !== sprintId)
      throw stateInvalid(path, `/agents/${agentId}/sprint_id`, `holds sprint "${record.sprint_id}"`);
  }
  return file.agents;
}

/**
 * Writes `<sprint_id>.json` atomically and durably (creating the KV directory if need be)
 * and returns its path. The one writer of the format: save_tick_state and kickoff call it.
 * The value is checked against the schema first, so no caller can persist a file the reader
 * would then refuse.
 */
export async function writeTickState(kvDir: string, sprintId: string, tickState: TickState): Promise<string> {
  const path = sprintPath(kvDir, sprintId, 'state');
  // Frozen (sharing what the tick already froze), so the check below does not look again
  // into the state the engine proved at the stage boundary, and lastTickStates may keep it.
  const value: TickState = frozenCopy({
    schema_version: 1,
    state: tickState.state,
    interventions: tickState.interventions,
    since: tickState.since,
    seen: tickState.seen,
  });
  const schema = domainSchema('tick-state');
  const violation = checkProven(proofOf(schema), value) ? undefined : validateValue(schema, value)[0];
  if (violation !== undefined)
    throw new NoetherError(
      'NOE_STAGE_INPUT_VIOLATION',
      `refusing to write ${path}: the state at ${violation.valuePointer || '/'} ${violation.message}`,
      { place: { file: path, pointer: violation.valuePointer } },
    );
  if (value.state.sprint_id !== sprintId)
    throw new NoetherError(
      'NOE_STAGE_INPUT_VIOLATION',
      `refusing to write the state of sprint "${value.state.sprint_id}" as sprint "${sprintId}"`,
      { place: { pointer: '/state/sprint_id' } },
    );
  const text = `${JSON.stringify(value, null, 2)}\n`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, text);
    lastTickStates.set(path, { text, value });
  } catch (error) {
    throw new NoetherError('NOE_FILE_WRITE', `cannot write ${path}: ${(error as Error).message}`, {
      place: { file: path },
      cause: error,
    });
  }
  return path;
}

/** The file's text; undefined when the file does not exist. */
function readTextIfAny(path: string, what: string): string | undefined {
  try {
    return readJsonText(path, what);
  } catch (error) {
    const cause = error instanceof NoetherError ? error.cause : undefined;
    if ((cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The file's value, parsed and checked against a domain schema. */
function checkedJson(path: string, text: string, schema: string, what: string): unknown {
  let value: unknown;
  try {
    value = parseJsonDocument(text, path).value;
  } catch (error) {
    if (!(error instanceof NoetherError)) throw error;
    throw new NoetherError('NOE_STATE_INVALID', `${what} is not valid JSON: ${error.message}`, {
      place: error.place,
      cause: error,
    });
  }
  const violation = validateValue(domainSchema(schema), value)[0];
  if (violation !== undefined) throw stateInvalid(path, violation.valuePointer, violation.message);
  return value;
}

function stateInvalid(path: string, pointer: string, message: string): NoetherError {
  return new NoetherError('NOE_STATE_INVALID', `${path}: at ${pointer || '/'}: ${message}`, {
    place: { file: path, pointer },
  });
}
