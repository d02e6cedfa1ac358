// The engine's error catalogue: every error the engine can raise, with a stable code,
// the exit-code class it belongs to (ENGINE §3: 1 usage/parse/resolution, 2 type or
// policy, 3 execution) and the fix to suggest. Tests assert on codes; users grep for them.
// Nothing else in the engine invents a code: add it here first.

export const catalogue = {
  // 1: usage, parse and resolution errors
  NOE_USAGE: { exit: 1, hint: 'run the command with --help to see its arguments' },
  NOE_FILE_READ: { exit: 1, hint: 'check that the path exists and is readable' },
  NOE_JSON_SYNTAX: { exit: 1, hint: 'fix the JSON syntax at the given line:column' },
  NOE_GRAPH_INVALID: { exit: 1, hint: 'fix the node at the given pointer (see ENGINE.md §2 for each op)' },
  NOE_UNKNOWN_OP: {
    exit: 1,
    hint: 'use one of Stage, Const, Sequential, Parallel, Branch, Fanout, Merge, Retry, Let, Map, RemoteStage',
  },
  NOE_UNKNOWN_KEY: { exit: 1, hint: 'remove the key or fix its spelling ("$comment" is allowed anywhere)' },
  NOE_SCHEMA_INVALID: { exit: 1, hint: 'fix the JSON Schema (draft 2020-12) at the given pointer' },
  NOE_STAGE_NOT_FOUND: { exit: 1, hint: 'check the name, or load the library that defines it with --stages' },
  NOE_STAGE_AMBIGUOUS: { exit: 1, hint: 'use a longer id prefix or the stage name' },
  NOE_PIN_MISMATCH: { exit: 1, hint: 'the pinned stage changed: review the change, then update the pin' },
  NOE_STAGE_INVALID: { exit: 1, hint: 'fix the stage definition as the message says' },
  NOE_STAGE_DUPLICATE: { exit: 1, hint: 'give each stage a unique name within the registry' },
  NOE_CONFIG_INVALID: { exit: 1, hint: 'fix noether.config.json (see ENGINE.md §6)' },
  NOE_MODULE_LOAD: {
    exit: 1,
    hint: 'check the module path and that it exports stages made with defineStage',
  },
  // 2: type and policy errors
  NOE_TYPE_MISMATCH: {
    exit: 2,
    hint: 'make the upstream output fit the downstream input, or adapt it with a stage',
  },
  NOE_TYPE_UNKNOWN: {
    exit: 2,
    hint: 'the checker could not decide this edge; simplify the schemas or drop --strict',
  },
  NOE_CONFIG_TYPE: { exit: 2, hint: 'make the config values fit the stage input schema' },
  NOE_DAG_INVALID: {
    exit: 2,
    hint: 'fix the plan as each listed error says (ids, dependencies, cycles), then kick the sprint off again',
  },
  NOE_SPRINT_EXISTS: {
    exit: 2,
    hint: 'this sprint id was kicked off with another plan: pick a new sprint id, or remove its state from CALORON_KV_DIR',
  },
  NOE_BRANCH_PREDICATE: { exit: 2, hint: 'the predicate must output a boolean' },
  NOE_EFFECT_DENIED: {
    exit: 2,
    hint: 'allow the effect with --allow-effects, or remove the stage that has it',
  },
  NOE_TRACE_NOT_FOUND: { exit: 1, hint: 'list .noether/traces/ for the ids of recorded runs, or use --last' },
  NOE_SCHEDULE_INVALID: { exit: 1, hint: 'fix the scheduler config (see ENGINE.md §7) as the message says' },
  // 2: the run input does not satisfy the graph's declared input
  NOE_INPUT_INVALID: { exit: 2, hint: "give the run an input that satisfies the graph's input schema" },
  // 3: execution failures
  NOE_STAGE_FAILED: { exit: 3, hint: 'see the error of the stage and the trace of the run' },
  NOE_STAGE_INPUT_VIOLATION: {
    exit: 3,
    hint: 'the value reaching the stage breaks its input schema at the given value pointer',
  },
  NOE_STAGE_OUTPUT_VIOLATION: {
    exit: 3,
    hint: 'the stage produced a value that breaks its own output schema: fix the stage',
  },
  NOE_RUNTIME_TYPE: {
    exit: 3,
    hint: 'the op received a value of the wrong shape (Branch needs a boolean, Let an object, Map an array)',
  },
  NOE_TIMEOUT: { exit: 3, hint: 'raise the timeout (--timeout, timeout_ms) or make the stage faster' },
  NOE_CANCELLED: { exit: 3, hint: 'the run was cancelled (a sibling failed, or the caller aborted it)' },
  NOE_COMMAND_FAILED: {
    exit: 3,
    hint: 'the command stage exited with an error: read the stderr tail in the details',
  },
  NOE_COMMAND_OUTPUT: {
    exit: 3,
    hint: 'a command stage must print one JSON value (or an envelope) on stdout, within the size cap',
  },
  NOE_REMOTE_FAILED: {
    exit: 3,
    hint: 'the remote stage did not answer {"ok":true,"data":{"output":…}}: check the URL and the server',
  },
  NOE_TRACE_WRITE: {
    exit: 3,
    hint: 'make .noether/traces/ under the project root (or the working directory) writable',
  },
  NOE_SPRINT_NOT_FOUND: {
    exit: 3,
    hint: 'kick the sprint off first, or point CALORON_KV_DIR at the folder that holds its state',
  },
  NOE_SPRINT_STUCK: {
    exit: 3,
    hint: 'a task needs a human (Escalated or Blocked): answer on its escalation issue ("resolved" or "cancel"), then tick again',
  },
  NOE_STATE_INVALID: {
    exit: 3,
    hint: 'the sprint state file is corrupt or breaks its schema at the given pointer: restore it or kick the sprint off again',
  },
  NOE_FILE_WRITE: {
    exit: 3,
    hint: 'check that the folder exists and is writable, and that the disk is not full',
  },
  NOE_SHELL_FAILED: {
    exit: 3,
    hint: 'the Caloron shell refused or did not answer: check shell_url, CALORON_SHELL_TOKEN and the shell log',
  },
  NOE_UNAUTHORIZED: {
    exit: 1,
    hint: 'send the shared token in the x-caloron-token header (CALORON_SHELL_TOKEN)',
  },
  NOE_AGENT_NOT_FOUND: {
    exit: 1,
    hint: 'spawn the agent first (POST /spawn); check sprint_id and agent_id',
  },
  NOE_FORGE_FAILED: {
    exit: 3,
    hint: 'the forge refused the request or could not be reached: read status, method, path and the forge message in the details; check repo, host and the token named by token_env',
  },
  NOE_FORGE_CONFIG: {
    exit: 3,
    hint: 'give host as an http(s) URL (empty for GitHub, ending in /api/v1 for Gitea) and repo as owner/name',
  },
  NOE_WEBHOOK_FAILED: { exit: 3, hint: 'the webhook receiver did not answer 2xx after all retries' },
  NOE_INTERNAL: { exit: 3, hint: 'this is a bug in noether-ts; please report it with the command you ran' },
} as const satisfies Record<string, { exit: 1 | 2 | 3; hint: string }>;

export type ErrorCode = keyof typeof catalogue;
export type ExitCode = 0 | 1 | 2 | 3;

/** Where a diagnostic points: a file, a JSON pointer inside it, and a position when known. */
export interface Place {
  file?: string;
  pointer?: string;
  line?: number;
  column?: number;
}

/** One finding of a check: errors stop the command, warnings are reported. */
export interface Diagnostic extends Place {
  code: ErrorCode;
  severity: 'error' | 'warning';
  message: string;
  hint: string;
  /** A JSON value the upstream may produce that the downstream rejects. */
  witness?: { value: unknown };
  details?: Record<string, unknown>;
}

/** A place as people read it: `file:line:col`, as much as is known (`<input>` for unnamed text). */
export function formatPlace(place: Place): string {
  const file = place.file ?? (place.line === undefined ? undefined : '<input>');
  const position = place.line === undefined ? [] : [place.line, place.column ?? 1];
  return [file, ...position].filter((part) => part !== undefined).join(':');
}

/** `file:line:col: ` before a message, or nothing when the place is unknown. */
export function placePrefix(place: Place): string {
  const text = formatPlace(place);
  return text === '' ? '' : `${text}: `;
}

export function exitCodeOf(code: ErrorCode): ExitCode {
  return catalogue[code].exit;
}

export function diagnostic(
  code: ErrorCode,
  message: string,
  place: Place = {},
  extra: Pick<Diagnostic, 'witness' | 'details'> & { severity?: Diagnostic['severity'] } = {},
): Diagnostic {
  const { severity = 'error', ...rest } = extra;
  return { code, severity, message, hint: catalogue[code].hint, ...place, ...rest };
}

/**
 * Marks NoetherErrors across copies of this module. A stage library written in TypeScript
 * is loaded through tsx's tsImport, which gives it its own copy of the engine's modules, so
 * a stage's NoetherError is an instance of *that* copy's class: without a shared mark the
 * executor would take it for a foreign error and report NOE_STAGE_FAILED instead of its code.
 */
const NOETHER_ERROR = Symbol.for('noether-ts.NoetherError');

/** The one error class the engine throws: a code from the catalogue, a place, and details. */
export class NoetherError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && NOETHER_ERROR in value;
  }

  readonly [NOETHER_ERROR] = true;
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly place: Place;
  readonly details: Record<string, unknown> | undefined;
  readonly diagnostics: readonly Diagnostic[];

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      place?: Place;
      details?: Record<string, unknown>;
      cause?: unknown;
      diagnostics?: Diagnostic[];
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NoetherError';
    this.code = code;
    this.exitCode = exitCodeOf(code);
    this.place = options.place ?? {};
    this.details = options.details;
    this.diagnostics = options.diagnostics ?? [diagnostic(code, message, this.place)];
  }

  get hint(): string {
    return catalogue[this.code].hint;
  }
}

export function isNoetherError(value: unknown): value is NoetherError {
  return value instanceof NoetherError;
}
