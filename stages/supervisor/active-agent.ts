// Which agent a task is waiting on (CALORON §2): the developer while it is InProgress, the
// reviewer while it is InReview. Those two statuses are the only ones with a live agent,
// so they are the only ones the supervisor watches; every other status waits on the
// forge, on its dependencies or on a human.
import type { HealthResult, Id, Task } from '../../schemas/generated/types.js';

export interface ActiveAgent {
  agent_id: Id;
  role: HealthResult['role'];
}

export function activeAgent(task: Task): ActiveAgent | undefined {
  switch (task.status) {
    case 'InProgress':
      return { agent_id: task.agent_id, role: 'developer' };
    case 'InReview':
      return { agent_id: task.reviewer_id, role: 'reviewer' };
    case 'Pending':
    case 'Ready':
    case 'Done':
    case 'Blocked':
    case 'Escalated':
    case 'Cancelled':
      return undefined;
    default: {
      const never: never = task.status;
      return never;
    }
  }
}
