// The public face of engine/run: plans, the executor, the pure-stage cache and traces.
export { buildPlan, DEFAULT_BACKOFF, DEFAULT_MAP_CONCURRENCY, type PlanNode } from './plan.js';
export { executePlan, type ExecuteOptions, type ExecuteResult } from './run.js';
export { retryDelay } from './executor.js';
export { checkProven, proofOf, type ProofNode } from './proof.js';
export { cacheKey, DEFAULT_CACHE_LIMITS, StageCache, type CacheLimits } from './cache.js';
export { valueHash } from './digest.js';
export {
  newExecutionId,
  TRACE_FOLDER,
  type CallStatus,
  type Trace,
  type TraceCall,
  type TraceError,
  type TraceLog,
} from './trace.js';
export { readTrace } from './trace-file.js';
