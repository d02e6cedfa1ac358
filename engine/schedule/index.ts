// The scheduler (ENGINE §7), the module's one public face.
export {
  readScheduleConfig,
  parseScheduleConfig,
  type JobConfig,
  type ScheduleConfig,
  type WebhookTarget,
} from './config.js';
export { CronFireQueue, type FireQueue, type FireHandler } from './fire-queue.js';
export { JobLocks, LOCKS_FOLDER, type LockAttempt, type LockHolder } from './lock.js';
export { prepareJobs, type PreparedSchedule } from './prepare.js';
export { openSchedule, type OpenSchedule, type OpenScheduleOptions } from './open.js';
export {
  Scheduler,
  type FireResult,
  type JobRunner,
  type ScheduleEvent,
  type ScheduledJob,
  type SchedulerOptions,
} from './scheduler.js';
export {
  DEFAULT_WEBHOOK_POLICY,
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  deliverWebhook,
  signWebhookBody,
  type WebhookPayload,
  type WebhookPolicy,
} from './webhook.js';
