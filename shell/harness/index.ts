// The agent harness (CALORON §6), started by the shell as `caloron harness --config FILE`.
export { readHarnessConfig, resolveHarnessConfig, type ResolvedHarnessConfig } from './config.js';
export { feedbackComment } from './feedback.js';
export { credentialEnv } from './git.js';
export { postBeat, startHeartbeats, type Heartbeats, type HeartbeatOptions } from './heartbeat.js';
export { reportUnusableConfig, runHarness, type HarnessOutcome, type HarnessRunOptions } from './run.js';
