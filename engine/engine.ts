// The engine as a library (ENGINE §8): the stages of a project plus extra libraries, and
// `check` over compositions given as a path or a parsed object. The CLI is a thin shell
// over exactly this object, so library users get the same answers as `noether-ts`.
import { lstatSync, statSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import { dirname, join, resolve } from 'node:path';
import { exitCodeOf, isNoetherError, NoetherError, type Diagnostic } from './errors.js';
import type { Composition } from './graph/ast.js';
import { checkComposition, type CheckOptions } from './graph/check.js';
import { compositionId } from './graph/canonical.js';
import { parseComposition, parseCompositionValue, type ParsedComposition } from './graph/parse.js';
import { canonicalJson } from './json/jcs.js';
import { positionNear } from './json/parse.js';
import { readJsonText } from './json/text.js';
import { firstNonJson, frozenCopy } from './json/value.js';
import {
  buildPlan,
  checkProven,
  executePlan,
  proofOf,
  StageCache,
  type CacheLimits,
  type PlanNode,
} from './run/index.js';
import { compileSchema, validateValue, type JsonSchema } from './schema/index.js';
import {
  loadProjectConfig,
  loadStages,
  loadStagesInto,
  PROJECT_CONFIG_FILE,
  type StageRegistry,
} from './stage/index.js';
import type { Effect, Stage } from './stage/types.js';

export interface LoadEngineOptions {
  /** The project root holding noether.config.json; by default the nearest one above the working directory. */
  root?: string;
  /** More stage libraries: modules or folders of `*.stage.json`, relative to `cwd`. */
  stages?: string[];
  /** The working directory (default: the process's). */
  cwd?: string;
  /** Bounds of the in-memory pure-stage cache shared by this engine's runs. */
  cache?: CacheLimits;
}

export interface RunOptions {
  /** Aborts the run (NOE_CANCELLED). */
  signal?: AbortSignal;
  /** Use the pure-stage cache (default true). */
  cache?: boolean;
  /** A folder backing the cache across processes. */
  cacheDir?: string;
  /** Record stage input and output values in the trace, not only their hashes. */
  traceValues?: boolean;
  /** Bounds the whole run (NOE_TIMEOUT). */
  timeoutMs?: number;
  /** Validate every stage input and output with ajv (default true). */
  validate?: boolean;
  /** Deep-freeze the values passed between stages (default true). */
  freeze?: boolean;
  allowEffects?: readonly Effect[];
  denyEffects?: readonly Effect[];
  /** Undecided edges are type errors. */
  strict?: boolean;
  /** What stages see as the environment (default: the process's). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface RunResult {
  output: unknown;
  executionId: string;
  compositionId: string;
}

export interface CheckReport {
  ok: boolean;
  file?: string;
  compositionId?: string;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  input?: JsonSchema;
  inputInferred?: boolean;
  output?: JsonSchema;
  effects: Effect[];
  /** The stage each Stage node resolved to, by node pointer. */
  stages: Map<string, Stage>;
}

export interface Engine {
  readonly root: string | undefined;
  readonly registry: StageRegistry;
  check(graph: string | Composition | Record<string, unknown>, options?: CheckOptions): Promise<CheckReport>;
  /**
   * Resolves, checks (once per graph and policy for the life of the engine), validates
   * `input` against the graph's input schema, then executes. Failures throw a
   * NoetherError; those of the execution carry `details.execution_id`.
   */
  run(
    graph: string | Composition | Record<string, unknown>,
    input: unknown,
    options?: RunOptions,
  ): Promise<RunResult>;
}

export async function loadEngine(options: LoadEngineOptions = {}): Promise<Engine> {
  const cwd = options.cwd ?? process.cwd();
  const root = options.root === undefined ? findProjectRoot(cwd) : resolve(cwd, options.root);
  const projectStages = root === undefined ? [] : loadProjectConfig(root).stages;
  const registry = await loadStages(projectStages, root ?? cwd);
  await loadStagesInto(registry, options.stages ?? [], cwd);
  return new LoadedEngine(root, registry, cwd, new StageCache(options.cache));
}

/**
 * The nearest folder at or above `from` that holds noether.config.json. A config that is
 * a broken symbolic link still counts (lstat, not exists), so that loading it reports
 * the problem instead of silently taking a config further up, or none.
 */
export function findProjectRoot(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (hasEntry(join(dir, PROJECT_CONFIG_FILE))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function hasEntry(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    // Not even lstat can look (a folder above that cannot be searched): as if absent.
    return false;
  }
}

/** A checked graph, ready to run: what `run` memoises per graph and policy. */
interface Prepared {
  compositionId: string;
  plan: PlanNode;
  input: JsonSchema;
}

/** How many checked graphs an engine remembers (a scheduler runs a handful, many times). */
const PREPARED_GRAPHS = 256;

class LoadedEngine implements Engine {
  readonly #prepared = new LRUCache<string, Prepared>({ max: PREPARED_GRAPHS });
  /** Graph files as last parsed, by absolute path, with the stat they were read at. */
  readonly #files = new LRUCache<string, { stamp: string; parsed: ParsedComposition }>({
    max: PREPARED_GRAPHS,
  });
  /** The #prepared key of each parsed composition (serialising its schemas is not free). */
  readonly #keys = new WeakMap<Composition, Map<string, string>>();

  constructor(
    readonly root: string | undefined,
    readonly registry: StageRegistry,
    private readonly cwd: string,
    private readonly cache: StageCache,
  ) {}

  async run(
    graph: string | Composition | Record<string, unknown>,
    input: unknown,
    options: RunOptions = {},
  ): Promise<RunResult> {
    const parsed = typeof graph === 'string' ? this.readGraphFile(graph) : parseCompositionValue(graph);
    const prepared = this.prepare(parsed, options);
    const value = runInput(prepared.input, input, options.freeze ?? true);
    const { output, executionId } = await executePlan(prepared.plan, value, {
      compositionId: prepared.compositionId,
      traceRoot: this.root ?? this.cwd,
      cache: options.cache === false ? undefined : this.cache,
      signal: options.signal,
      cacheDir: options.cacheDir,
      traceValues: options.traceValues,
      timeoutMs: options.timeoutMs,
      validate: options.validate,
      freeze: options.freeze,
      env: options.env,
    });
    return { output, executionId, compositionId: prepared.compositionId };
  }

  /** Checks a graph once per graph and policy; a graph that does not check throws its errors. */
  private prepare(parsed: ParsedComposition, options: RunOptions): Prepared {
    const { composition } = parsed;
    const policy = {
      strict: options.strict ?? false,
      ...(options.allowEffects === undefined ? {} : { allowEffects: options.allowEffects }),
      ...(options.denyEffects === undefined ? {} : { denyEffects: options.denyEffects }),
    };
    // The id covers the root only: the declared contract and the policy are part of the key.
    const policyKey = canonicalJson(policy);
    let keys = this.#keys.get(composition);
    if (keys === undefined) this.#keys.set(composition, (keys = new Map<string, string>()));
    let key = keys.get(policyKey);
    if (key === undefined) {
      key = `${compositionId(composition.root)} ${canonicalJson({ input: composition.input, output: composition.output, policy })}`;
      keys.set(policyKey, key);
    }
    const known = this.#prepared.get(key);
    if (known !== undefined) return known;
    const report = this.checkParsed(parsed, policy);
    if (!report.ok) throw checkFailure(report);
    const prepared = {
      compositionId: report.compositionId!,
      plan: buildPlan(composition.root, report.stages),
      input: report.input!,
    };
    this.#prepared.set(key, prepared);
    return prepared;
  }

  /**
   * A graph file, parsed once while it stays the same file: a scheduler fires the same graph
   * every minute, and re-reading a large declared input schema cost more than a small run.
   * An edit (new mtime, size or inode) is read again.
   */
  private readGraphFile(path: string): ParsedComposition {
    // As readCompositionFile reads it: relative to the process's working directory.
    const absolute = resolve(path);
    let stamp: string | undefined;
    try {
      const stats = statSync(absolute);
      stamp = `${String(stats.ino)}:${String(stats.size)}:${String(stats.mtimeMs)}`;
    } catch {
      // Unreadable: readCompositionFile reports it with its own code and place.
    }
    const known = this.#files.get(absolute);
    if (stamp !== undefined && known?.stamp === stamp) return known.parsed;
    const parsed = readCompositionFile(path);
    if (stamp !== undefined) this.#files.set(absolute, { stamp, parsed });
    return parsed;
  }

  // Async by contract (ENGINE §8), though checking itself is synchronous today: callers
  // await it, so it may read files or load stages asynchronously later without a break.
  // eslint-disable-next-line @typescript-eslint/require-await
  async check(
    graph: string | Composition | Record<string, unknown>,
    options: CheckOptions = {},
  ): Promise<CheckReport> {
    const file = typeof graph === 'string' ? graph : undefined;
    let parsed: ParsedComposition;
    try {
      parsed = typeof graph === 'string' ? readCompositionFile(graph) : parseCompositionValue(graph);
    } catch (error) {
      return failed(file, error);
    }
    return this.checkParsed(parsed, options);
  }

  private checkParsed(parsed: ParsedComposition, options: CheckOptions): CheckReport {
    const file = parsed.file;
    const result = checkComposition(parsed.composition, this.registry, options);
    const place = (d: Diagnostic) => locate(d, parsed);
    return {
      ok: result.ok,
      ...(file === undefined ? {} : { file }),
      compositionId: compositionId(parsed.composition.root),
      errors: result.errors.map(place),
      warnings: result.warnings.map(place),
      input: result.input,
      inputInferred: result.inputInferred,
      ...(result.output === undefined ? {} : { output: result.output }),
      effects: result.effects,
      stages: result.stages,
    };
  }
}

/** The error of a graph that does not check: the most fundamental error's code, every diagnostic. */
function checkFailure(report: CheckReport): NoetherError {
  const first = report.errors.reduce((a, b) => (exitCodeOf(b.code) < exitCodeOf(a.code) ? b : a));
  const more = report.errors.length > 1 ? ` (and ${report.errors.length - 1} more)` : '';
  return new NoetherError(first.code, `the graph does not check: ${first.message}${more}`, {
    place: first,
    diagnostics: report.errors,
    details: { compositionId: report.compositionId },
  });
}

/** The run input, checked to be JSON and to satisfy the graph's input schema (NOE_INPUT_INVALID). */
function runInput(schema: JsonSchema, input: unknown, freeze: boolean): unknown {
  const notJson = firstNonJson(input);
  if (notJson !== undefined) {
    const at = notJson.tokens.map((t) => `/${t}`).join('');
    throw new NoetherError(
      'NOE_INPUT_INVALID',
      `the run input is not JSON at "${at}": found ${notJson.found}`,
      {
        details: { value_pointer: at },
      },
    );
  }
  // A frozen copy: the caller's value stays theirs to change, the stages' is immutable.
  // Subtrees the caller already froze all the way down are shared, not copied (a root
  // frozen over members that are not is copied). Checked once frozen, through its proof
  // (run/proof.ts): stages handed parts of it find them proven instead of validating them
  // again, and so does the next run handed the same frozen parts.
  const value = freeze ? frozenCopy(input) : input;
  if (!(freeze ? checkProven(proofOf(schema), value) : compileSchema(schema)(input))) {
    const violation = validateValue(schema, input)[0];
    const at = violation?.valuePointer ?? '';
    throw new NoetherError(
      'NOE_INPUT_INVALID',
      `the run input breaks the graph's input schema at value pointer "${at}": ${violation?.message ?? 'invalid'} (rule "${violation?.keyword}" at #${violation?.schemaPointer})`,
      {
        details: { value_pointer: at, keyword: violation?.keyword, schema_pointer: violation?.schemaPointer },
      },
    );
  }
  return value;
}

/** Reads and parses a composition file (NOE_FILE_READ, NOE_JSON_SYNTAX or the structural errors). */
export function readCompositionFile(path: string): ParsedComposition {
  return parseComposition(readJsonText(path, 'composition'), path);
}

function failed(file: string | undefined, error: unknown): CheckReport {
  const place = file === undefined ? {} : { file };
  if (!isNoetherError(error)) throw error;
  const errors = error.diagnostics.map((d) => ({ ...place, ...d }));
  return { ok: false, ...place, errors, warnings: [], effects: [], stages: new Map() };
}

/** Adds the file and the line:column of the nearest located ancestor of the pointer. */
function locate(d: Diagnostic, parsed: ParsedComposition): Diagnostic {
  const out: Diagnostic = parsed.file === undefined ? d : { ...d, file: parsed.file };
  if (d.pointer === undefined || d.line !== undefined) return out;
  const position = positionNear(parsed.positions, d.pointer);
  return position === undefined ? out : { ...out, line: position.line, column: position.column };
}
