// The identity markers Caloron writes into issue bodies (CALORON §2): kickoff puts
// `<!-- caloron:task sprint=<sprint_id> task=<task_id> -->` into each task's issue, the
// escalation step `<!-- caloron:escalation sprint=<sprint_id> task=<task_id> -->` into the
// escalation issue. The poller reads them back to name the task an issue belongs to, so a
// task is found by identity, never by position (reference §12.10). The writer (the actions
// stages) and the reader (the poller) share this one module so the format cannot drift.

export type MarkerKind = 'task' | 'escalation';

export interface Marker {
  kind: MarkerKind;
  sprint_id: string;
  task_id: string;
}

// The id rule of CALORON §1 (schemas/domain/id.schema.json).
const ID = '[a-z0-9][a-z0-9_-]{0,63}';
const ID_RE = new RegExp(`^${ID}$`);
// Attribute order is fixed by the writer; whitespace inside the comment is tolerated because
// a human (or a forge's editor) may reflow it.
const MARKER_RE = new RegExp(`<!--\\s*caloron:(task|escalation)\\s+sprint=(${ID})\\s+task=(${ID})\\s*-->`);

/** The HTML comment naming a task; invisible when the forge renders the body. */
export function writeMarker(marker: Marker): string {
  for (const field of ['sprint_id', 'task_id'] as const)
    if (!ID_RE.test(marker[field]))
      throw new RangeError(`marker ${field} "${marker[field]}" breaks the id rule ${ID_RE.source}`);
  return `<!-- caloron:${marker.kind} sprint=${marker.sprint_id} task=${marker.task_id} -->`;
}

/** The first marker in an issue body, or null when it has none (or a malformed one). */
export function readMarker(body: string | null | undefined): Marker | null {
  const match = MARKER_RE.exec(body ?? '');
  if (match === null) return null;
  const [, kind, sprint, task] = match as unknown as [string, MarkerKind, string, string];
  return { kind, sprint_id: sprint, task_id: task };
}
