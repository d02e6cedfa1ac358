// The issue tracker's state changes, as GitHub makes them: each change touches
// `updated_at` and leaves the issue event GitHub would record (labeled, unlabeled,
// closed, reopened, merged, renamed), so the event listings tell the same story as the
// issues. Callers run these inside ForgeStore.change.
import type { EventKind, EventRecord, ForgeStore, IssueRecord, LabelRecord, RepoRecord } from './state.js';

/** GitHub's colour for labels created implicitly (by adding them to an issue). */
const DEFAULT_COLOR = 'ededed';

export function recordEvent(
  store: ForgeStore,
  repo: RepoRecord,
  issue: IssueRecord,
  event: EventKind,
  actor: string,
  extra: Partial<Pick<EventRecord, 'commit_id' | 'label' | 'rename'>> = {},
): void {
  repo.events.push({
    id: store.nextId(),
    issue_number: issue.number,
    event,
    actor,
    created_at: store.now(),
    commit_id: extra.commit_id ?? null,
    ...(extra.label === undefined ? {} : { label: extra.label }),
    ...(extra.rename === undefined ? {} : { rename: extra.rename }),
  });
}

/** A new open issue on the repo's one number sequence (pull requests are issues too). */
export function openIssue(
  store: ForgeStore,
  repo: RepoRecord,
  fields: Pick<IssueRecord, 'title' | 'body' | 'user'>,
): IssueRecord {
  const now = store.now();
  const issue: IssueRecord = {
    id: store.nextId(),
    number: repo.next_number++,
    ...fields,
    state: 'open',
    state_reason: null,
    labels: [],
    created_at: now,
    updated_at: now,
    closed_at: null,
  };
  repo.issues.push(issue);
  return issue;
}

export function findLabel(repo: RepoRecord, name: string): LabelRecord | undefined {
  const wanted = name.toLowerCase();
  return repo.labels.find((label) => label.name.toLowerCase() === wanted);
}

/** GitHub creates a label that does not exist yet when it is added to an issue. */
function ensureLabel(store: ForgeStore, repo: RepoRecord, name: string): LabelRecord {
  const existing = findLabel(repo, name);
  if (existing !== undefined) return existing;
  const label = { id: store.nextId(), name, color: DEFAULT_COLOR, description: null };
  repo.labels.push(label);
  return label;
}

export function addLabels(
  store: ForgeStore,
  repo: RepoRecord,
  issue: IssueRecord,
  names: string[],
  actor: string,
): void {
  for (const name of names) {
    const label = ensureLabel(store, repo, name);
    if (issue.labels.includes(label.name)) continue;
    issue.labels.push(label.name);
    issue.updated_at = store.now();
    recordEvent(store, repo, issue, 'labeled', actor, { label: { name: label.name, color: label.color } });
  }
}

/** PATCH `labels`: the new set replaces the old one. */
export function setLabels(
  store: ForgeStore,
  repo: RepoRecord,
  issue: IssueRecord,
  names: string[],
  actor: string,
): void {
  const wanted = names.map((name) => ensureLabel(store, repo, name).name);
  for (const name of issue.labels.filter((current) => !wanted.includes(current))) {
    const label = findLabel(repo, name);
    issue.labels = issue.labels.filter((current) => current !== name);
    issue.updated_at = store.now();
    recordEvent(store, repo, issue, 'unlabeled', actor, {
      label: { name, color: label?.color ?? DEFAULT_COLOR },
    });
  }
  addLabels(store, repo, issue, wanted, actor);
}

export function setState(
  store: ForgeStore,
  repo: RepoRecord,
  issue: IssueRecord,
  state: 'open' | 'closed',
  actor: string,
  commitId: string | null = null,
): void {
  if (issue.state === state) return;
  const now = store.now();
  issue.state = state;
  issue.updated_at = now;
  issue.closed_at = state === 'closed' ? now : null;
  issue.state_reason = state === 'closed' ? 'completed' : 'reopened';
  recordEvent(store, repo, issue, state === 'closed' ? 'closed' : 'reopened', actor, { commit_id: commitId });
}

export function rename(
  store: ForgeStore,
  repo: RepoRecord,
  issue: IssueRecord,
  title: string,
  actor: string,
): void {
  if (issue.title === title) return;
  recordEvent(store, repo, issue, 'renamed', actor, { rename: { from: issue.title, to: title } });
  issue.title = title;
  issue.updated_at = store.now();
}

const CLOSING = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)\b/gi;

/** The issue numbers a PR body closes with GitHub's keywords (`Closes #4`, `fixes #7`, …). */
export function closingReferences(text: string | null): number[] {
  const numbers = new Set<number>();
  for (const match of (text ?? '').matchAll(CLOSING)) numbers.add(Number(match[1]));
  return [...numbers];
}
