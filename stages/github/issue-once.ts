// Opening an issue exactly once (CALORON §2, reference §12.4): a task's issue and a task's
// escalation issue each carry a marker naming the sprint and the task (marker.ts). Before
// creating one, every issue of any state carrying the kind's label is read, every page, and
// an issue whose marker names the same sprint and task is returned instead. Re-running
// kickoff, or retrying an escalation after a crash, therefore never opens a second issue.
//
// The labels go with the create request itself, never in a second call: an issue created
// and then left unlabelled by a crash would be invisible to the label-filtered search and
// be created again. Labels the forge did not attach (Gitea drops unknown names) are added
// afterwards through addLabels, which creates them.
import type { ForgeClient, ForgeIssue } from './client/types.js';
import { readMarker, writeMarker, type Marker } from './marker.js';

export const TASK_LABEL = 'caloron:task';
export const ESCALATED_LABEL = 'caloron:escalated';

/** The label every issue of a marker kind carries: the search key of openIssueOnce. */
const KIND_LABEL: Record<Marker['kind'], string> = { task: TASK_LABEL, escalation: ESCALATED_LABEL };

export interface IssueDraft {
  title: string;
  /** The text of the issue; the marker is appended to it. */
  body: string;
  /** Labels besides the kind's own, which is always added. */
  labels: readonly string[];
}

export interface OpenedIssue {
  issue_number: number;
  created: boolean;
  /** The issue as found or created. */
  issue: ForgeIssue;
}

export async function openIssueOnce(
  client: ForgeClient,
  marker: Marker,
  draft: IssueDraft,
): Promise<OpenedIssue> {
  const kindLabel = KIND_LABEL[marker.kind];
  const existing = await findMarkedIssue(client, marker, kindLabel);
  if (existing !== undefined) return { issue_number: existing.number, created: false, issue: existing };
  const labels = [...new Set([kindLabel, ...draft.labels])];
  const issue = await client.createIssue({
    title: draft.title,
    body: withMarker(draft.body, marker),
    labels,
  });
  const missing = labels.filter((label) => !issue.labels.includes(label));
  if (missing.length > 0) await client.addLabels(issue.number, missing);
  return { issue_number: issue.number, created: true, issue };
}

/** The body with the marker on its own last line (a body already carrying it is kept). */
export function withMarker(body: string, marker: Marker): string {
  const found = readMarker(body);
  if (found !== null && sameMarker(found, marker)) return body;
  const text = body.trimEnd();
  return `${text}${text === '' ? '' : '\n\n'}${writeMarker(marker)}\n`;
}

async function findMarkedIssue(
  client: ForgeClient,
  marker: Marker,
  label: string,
): Promise<ForgeIssue | undefined> {
  const issues = await client.listIssues({ state: 'all', labels: [label] });
  // The oldest one wins, so two issues left by an earlier defect resolve the same way each time.
  return issues
    .filter((issue) => {
      const found = readMarker(issue.body);
      return found !== null && sameMarker(found, marker);
    })
    .sort((a, b) => a.number - b.number)[0];
}

function sameMarker(a: Marker, b: Marker): boolean {
  return a.kind === b.kind && a.sprint_id === b.sprint_id && a.task_id === b.task_id;
}
