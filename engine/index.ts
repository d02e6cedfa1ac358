// The package's main export (ENGINE §8): the same engine the CLI uses.
export {
  loadEngine,
  findProjectRoot,
  type Engine,
  type CheckReport,
  type LoadEngineOptions,
  type RunOptions,
  type RunResult,
} from './engine.js';
export {
  StageCache,
  valueHash,
  type CacheLimits,
  type Trace,
  type TraceCall,
  type TraceError,
  type TraceLog,
} from './run/index.js';
export { defineStage, isStage, StageRegistry } from './stage/index.js';
export type { Effect, Stage, StageContext, StageExample } from './stage/types.js';
export { isSubschema, type SubschemaResult, type JsonSchema } from './schema/index.js';
export { NoetherError, catalogue as errorCatalogue, type Diagnostic, type ErrorCode } from './errors.js';
export type { Composition, Node } from './graph/ast.js';
export { compositionId, canonicalise } from './graph/canonical.js';
export type { CheckOptions } from './graph/check.js';
