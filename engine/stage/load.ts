// Stage libraries (ENGINE §6): the project's `noether.config.json` names them, and every
// command's `--stages PATH` adds more. A library is a folder (every `*.stage.json` under
// it, recursively, skipping node_modules and dot-folders), one stage spec, or a module
// whose exports include stages (or arrays of them). TypeScript modules are imported
// through tsx's API so that the CLI, running as compiled JS from dist/, can still load a
// project's `.ts` stage files; their stages come from tsx's own copy of this engine,
// which is why stages are recognised by isStage's shared brand and never by instanceof.
// Every error names the path it is about.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NoetherError, isNoetherError, placePrefix } from '../errors.js';
import { parseJsonDocument } from '../json/parse.js';
import { fileErrorReason, readJsonText } from '../json/text.js';
import { isStage } from './brand.js';
import { STAGE_SPEC_SUFFIX, readCommandStageSpec } from './command-spec.js';
import { StageRegistry } from './registry.js';
import type { Stage } from './types.js';

export const PROJECT_CONFIG_FILE = 'noether.config.json';

const TYPESCRIPT_MODULES = new Set(['.ts', '.mts']);
const JAVASCRIPT_MODULES = new Set(['.js', '.mjs']);

export interface ProjectConfig {
  /** Stage libraries, as absolute paths (the file names them relative to the project root). */
  stages: string[];
}

/** Reads `<root>/noether.config.json`; a project without one has no libraries. */
export function loadProjectConfig(root: string): ProjectConfig {
  const file = join(root, PROJECT_CONFIG_FILE);
  // lstat, not exists: a config that is a dangling link is broken, not absent.
  if (lstatSync(file, { throwIfNoEntry: false }) === undefined) return { stages: [] };
  let document: ReturnType<typeof parseJsonDocument>;
  try {
    document = parseJsonDocument(readJsonText(file, 'project config'), file);
  } catch (error) {
    if (!isNoetherError(error) || error.code !== 'NOE_JSON_SYNTAX') throw error;
    throw new NoetherError('NOE_CONFIG_INVALID', error.message, { place: error.place, cause: error });
  }
  const invalid = (pointer: string, problem: string): NoetherError => {
    const position = document.positions.get(pointer);
    const place = { file, pointer, ...(position && { line: position.line, column: position.column }) };
    return new NoetherError('NOE_CONFIG_INVALID', `${placePrefix(place)}${problem}`, { place });
  };
  const { value } = document;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('', 'must be a JSON object {"stages": [paths…]}');
  const config = value as Record<string, unknown>;
  for (const key of Object.keys(config))
    if (key !== 'stages' && key !== '$comment')
      throw invalid(`/${key}`, `unknown key "${key}" (allowed: stages, $comment)`);
  const { stages } = config;
  if (!Array.isArray(stages))
    throw invalid(Object.hasOwn(config, 'stages') ? '/stages' : '', '"stages" must be an array of paths');
  return {
    stages: stages.map((path: unknown, index) => {
      if (typeof path !== 'string' || path === '')
        throw invalid(`/stages/${index}`, 'each library must be a non-empty path string');
      return resolve(root, path);
    }),
  };
}

/** Loads libraries into a new registry; relative paths resolve against `baseDir`. */
export async function loadStages(paths: readonly string[], baseDir: string): Promise<StageRegistry> {
  return loadStagesInto(new StageRegistry(), paths, baseDir);
}

/** Loads libraries into an existing registry (the project's, then `--stages` ones). */
export async function loadStagesInto(
  registry: StageRegistry,
  paths: readonly string[],
  baseDir: string,
): Promise<StageRegistry> {
  for (const path of paths) {
    const library = resolve(baseDir, path);
    for (const stage of await readLibrary(library)) registry.add(stage);
  }
  return registry;
}

async function readLibrary(library: string): Promise<Stage[]> {
  const stat = fileSystem(library, () => statSync(library, { throwIfNoEntry: false }));
  if (!stat)
    throw new NoetherError('NOE_FILE_READ', `stage library ${library} does not exist`, {
      place: { file: library },
    });
  if (stat.isDirectory()) return collectSpecFiles(library).map(readCommandStageSpec);
  if (library.endsWith(STAGE_SPEC_SUFFIX)) return [readCommandStageSpec(library)];
  const extension = extname(library);
  if (TYPESCRIPT_MODULES.has(extension) || JAVASCRIPT_MODULES.has(extension)) return importStages(library);
  throw new NoetherError(
    'NOE_MODULE_LOAD',
    `${library} is not a stage library: expected a folder of *${STAGE_SPEC_SUFFIX} files, a *${STAGE_SPEC_SUFFIX} file, or a .ts, .mts, .js or .mjs module`,
    { place: { file: library } },
  );
}

/** Spec files under a folder, depth first in name order, so that loading is deterministic. */
function collectSpecFiles(folder: string): string[] {
  const entries = fileSystem(folder, () => readdirSync(folder, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
      files.push(...collectSpecFiles(path));
    else if (entry.isFile() && entry.name.endsWith(STAGE_SPEC_SUFFIX)) files.push(path);
  }
  return files;
}

/**
 * Runs one file-system call on a library path, turning its failure (a symbolic-link loop,
 * a folder that cannot be listed, a path through a file) into an error naming the path.
 */
function fileSystem<T>(path: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    const code = codeOf(error);
    throw new NoetherError(
      'NOE_FILE_READ',
      `cannot read stage library ${path}: ${fileErrorReason(error, path)}`,
      {
        place: { file: path },
        cause: error,
        ...(code === undefined ? {} : { details: { cause: code } }),
      },
    );
  }
}

async function importStages(file: string): Promise<Stage[]> {
  const url = pathToFileURL(file).href;
  let namespace: unknown;
  try {
    if (TYPESCRIPT_MODULES.has(extname(file))) {
      // Imported lazily: tsx brings esbuild, which a project without .ts libraries never needs.
      const { tsImport } = await import('tsx/esm/api');
      namespace = await tsImport(url, import.meta.url);
    } else {
      namespace = await import(url);
    }
  } catch (error) {
    const code = codeOf(error);
    throw new NoetherError(
      'NOE_MODULE_LOAD',
      `cannot load stage module ${file}: ${code === undefined ? '' : `[${code}] `}${error instanceof Error ? error.message : String(error)}`,
      { place: { file }, cause: error, details: { cause: code } },
    );
  }
  const stages: Stage[] = [];
  for (const exported of Object.values(namespace as Record<string, unknown>)) {
    if (isStage(exported)) stages.push(exported);
    else if (Array.isArray(exported)) stages.push(...exported.filter(isStage));
  }
  if (stages.length === 0)
    throw new NoetherError(
      'NOE_MODULE_LOAD',
      `stage module ${file} exports no stage: export the values defineStage returns (or arrays of them)`,
      { place: { file } },
    );
  return stages;
}

/** The code of an error thrown on import, e.g. NOE_STAGE_INVALID from tsx's engine copy. */
function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
