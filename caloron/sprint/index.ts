// `caloron sprint`: a sprint on a real forge from a goal — the module's face.
export {
  DEFAULT_SHELL_URL,
  readSprintOptions,
  SPRINT_USAGE,
  sprintIdOf,
  type SprintOptions,
} from './options.js';
export { sprintTickJob, TICK_GRAPH_IN_PROJECT, tickJobName, type TickJob } from './job.js';
export { runSprint, type KickoffOutput, type SprintReporter, type SprintResult } from './run.js';
