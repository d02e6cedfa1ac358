// The public face of engine/stage: defining stages, reading command specs, content ids,
// the registry and its one resolver, and loading libraries. Everything else in this
// folder is private to it.
export { defineStage, type StageSpec } from './define.js';
export { isStage } from './brand.js';
export { stageIds, type StageIdentity } from './ids.js';
export { parseCommandStageSpec, readCommandStageSpec } from './command-spec.js';
export { StageRegistry } from './registry.js';
export type { Pinning, ResolveResult } from './resolve.js';
export {
  loadProjectConfig,
  loadStages,
  loadStagesInto,
  PROJECT_CONFIG_FILE,
  type ProjectConfig,
} from './load.js';
export {
  EFFECTS,
  type Effect,
  type Stage,
  type StageContext,
  type StageExample,
  type StageImplementation,
} from './types.js';
