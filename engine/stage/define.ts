// defineStage: how stage authors write a built-in stage (ENGINE §1, §8). Everything is
// checked when the stage is defined, so a broken stage fails at import with the stage
// and the field named, never later in the middle of a run.
//
// A built-in's implementation hash covers the file that called defineStage. That file is
// found from V8's structured call sites: the first frame outside this module. Call sites
// name files differently by runtime (a plain path under vitest, a file:// URL with a
// `?tsx-namespace=` query under tsx and from dist/, a `data:` URL carrying `filePath=`
// for TypeScript that tsx compiles as CommonJS), so each form is read back to a path.
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonSchema } from '../schema/types.js';
import { brandStage } from './brand.js';
import { builtinImplementationHash } from './ids.js';
import type { Effect, Stage, StageContext, StageImplementation } from './types.js';
import { checkStageFields, stageInvalid, type Locate } from './validate.js';

/**
 * What a stage author writes. `In` and `Out` type `run` (and the examples); the schemas
 * stay the source of truth, and the executor validates values against them around `run`.
 */
export interface StageSpec<In, Out> {
  name: string;
  description: string;
  input: JsonSchema;
  output: JsonSchema;
  effects: readonly Effect[];
  run: (input: In, ctx: StageContext) => Out | Promise<Out>;
  timeout_ms?: number;
  examples?: readonly { input: In; output: Out }[];
}

export function defineStage<In = unknown, Out = unknown>(spec: StageSpec<In, Out>): Stage {
  const sourceFile = callerSourceFile();
  const locate: Locate = (pointer) =>
    sourceFile === undefined ? { pointer } : { file: sourceFile, pointer };
  if (typeof spec !== 'object' || spec === null)
    throw stageInvalid(undefined, 'spec', '', 'defineStage takes an object {name, description, …}', locate);
  const raw = spec as unknown as Record<string, unknown>;
  const fields = checkStageFields(raw, ['run'], locate);
  if (typeof raw.run !== 'function')
    throw stageInvalid(fields.name, 'run', '/run', 'must be a function (input, ctx) => output', locate);
  // Sound because the executor validates every input against `input` before calling run:
  // the engine only ever hands run values of its declared type.
  const run = spec.run as unknown as Extract<StageImplementation, { kind: 'builtin' }>['run'];
  return brandStage(fields, { kind: 'builtin', run, sourceFile }, builtinImplementationHash(sourceFile, run));
}

/** The file of the first call site outside this module, or undefined when none has one. */
function callerSourceFile(): string | undefined {
  const holder: { stack?: unknown } = {};
  // Saved to be put back as it was, never called here.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const { prepareStackTrace, stackTraceLimit } = Error;
  let stack: unknown;
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    Error.stackTraceLimit = Math.max(stackTraceLimit, 20);
    Error.captureStackTrace(holder);
    // V8 formats the stack lazily, on first read: read it while the override is in place.
    stack = holder.stack;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
  const callSites = Array.isArray(stack) ? (stack as NodeJS.CallSite[]) : [];
  for (const callSite of callSites) {
    const raw = callSite.getFileName();
    const file = raw === undefined || raw === null ? undefined : callSiteFile(raw);
    if (file !== undefined && file !== THIS_FILE) return file;
  }
  return undefined;
}

/** This module's own path, in the form its call sites take once read back (see above). */
const THIS_FILE = callSiteFile(import.meta.url);

/** Reads a call site's file name back to an existing path; undefined for node: internals and eval. */
function callSiteFile(name: string): string | undefined {
  let path: string | undefined;
  if (name.startsWith('file:')) path = fileURLToPath(name.replace(/[?#].*$/s, ''));
  else if (name.startsWith('data:')) {
    const carried = /[?&]filePath=([^&#]*)$/.exec(name)?.[1];
    path = carried === undefined ? undefined : decodeURIComponent(carried).replace(/\?.*$/s, '');
  } else if (isAbsolute(name)) path = existsSync(name) ? name : name.replace(/\?.*$/s, '');
  return path !== undefined && existsSync(path) ? path : undefined;
}
