// `caloron demo` and the sprint environment the end-to-end tests share: the module's face.
export {
  DEMO_OWNER,
  FORGE_TOKEN_ENV,
  startSprintEnvironment,
  type SprintEnvironment,
  type SprintEnvironmentOptions,
} from './environment.js';
export { COMPOSITIONS, DIAMOND_PLAN, PROJECT_ROOT } from './paths.js';
export { readPlan } from './plan.js';
export {
  DEMO_SPRINT,
  runDemo,
  type DemoOptions,
  type DemoOutcome,
  type DemoPlaces,
  type DemoReporter,
  type DemoResult,
} from './run.js';
export {
  jsonTickReporter,
  tickUntilSettled,
  type SprintTick,
  type TickLoopOptions,
  type TickOutcome,
  type TickReporter,
} from './tick-loop.js';
export { demoScheduleConfig, tickCron, TICK_JOB, writeDemoSchedule } from './schedule.js';
export { endingLines, renderTaskTable, renderTickLine, statusSummary, type TickOutput } from './table.js';
