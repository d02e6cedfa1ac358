// The engine as a library (ENGINE §8): the stages of a project plus extra libraries, and
// `check` over compositions given as a path or a parsed object. The CLI is a thin shell
// over exactly this object, so library users get the same answers as `noether-ts`.
import { lstatSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isNoetherError, type Diagnostic } from './errors.js';
import type { Composition } from './graph/ast.js';
import { checkComposition, type CheckOptions } from './graph/check.js';
import { compositionId } from './graph/canonical.js';
import { parseComposition, parseCompositionValue, type ParsedComposition } from './graph/parse.js';
import { positionNear } from './json/parse.js';
import { readJsonText } from './json/text.js';
import type { JsonSchema } from './schema/index.js';
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
}

export async function loadEngine(options: LoadEngineOptions = {}): Promise<Engine> {
  const cwd = options.cwd ?? process.cwd();
  const root = options.root === undefined ? findProjectRoot(cwd) : resolve(cwd, options.root);
  const projectStages = root === undefined ? [] : loadProjectConfig(root).stages;
  const registry = await loadStages(projectStages, root ?? cwd);
  await loadStagesInto(registry, options.stages ?? [], cwd);
  return new LoadedEngine(root, registry);
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

class LoadedEngine implements Engine {
  constructor(
    readonly root: string | undefined,
    readonly registry: StageRegistry,
  ) {}

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
