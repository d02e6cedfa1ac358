// The caloron_feedback comment a developer posts on its task's issue when it finishes
// (reference §3.15): a `---`-delimited YAML block of the AgentFeedback shape
// (schemas/domain/feedback-item.schema.json), read back by stages/github/feedback-block.ts.
import { stringify } from 'yaml';
import type { AgentFeedback } from '../../schemas/generated/types.js';

export function feedbackComment(feedback: AgentFeedback): string {
  return `Agent feedback for task ${feedback.task_id}.\n\n---\n${stringify({ caloron_feedback: feedback }).trimEnd()}\n---\n`;
}
