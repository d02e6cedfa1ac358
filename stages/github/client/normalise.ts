// Forge JSON → the client's normalised records. Gitea's API copies GitHub's field names
// for these resources, so one reader serves both adapters; the few real differences
// (review states, timeline events) are mapped where they are read. A field of the wrong
// type is a forge answer we cannot trust: it fails loudly instead of becoming undefined.
import { NoetherError } from '../../../engine/errors.js';
import type {
  ForgeComment,
  ForgeCommit,
  ForgeIssue,
  ForgeIssueEvent,
  ForgePull,
  ForgeRepo,
  ForgeReview,
  ReviewState,
} from './types.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unreadable(what: string, field: string, value: unknown): NoetherError {
  return new NoetherError(
    'NOE_FORGE_FAILED',
    `the forge answered a ${what} whose ${field} is ${JSON.stringify(value) ?? 'missing'}`,
    { details: { status: 200, field, what } },
  );
}

export function asObject(value: unknown, what: string): Json {
  if (!isObject(value)) throw unreadable(what, 'body', value);
  return value;
}

export function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw unreadable(`${what} list`, 'body', value);
  return value;
}

function text(o: Json, key: string, what: string): string {
  const value = o[key];
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') throw unreadable(what, key, value);
  return value;
}

function integer(o: Json, key: string, what: string): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw unreadable(what, key, value);
  return value;
}

function date(o: Json, key: string, what: string): Date {
  const value = dateOrNull(o, key, what);
  if (value === null) throw unreadable(what, key, o[key]);
  return value;
}

function dateOrNull(o: Json, key: string, what: string): Date | null {
  const value = o[key];
  if (value === null || value === undefined) return null;
  const parsed = typeof value === 'string' ? new Date(value) : undefined;
  // Gitea answers 0001-01-01T00:00:00Z for "never" in some fields.
  if (parsed === undefined || Number.isNaN(parsed.getTime())) throw unreadable(what, key, value);
  return parsed.getUTCFullYear() <= 1 ? null : parsed;
}

function login(o: Json, key: string): string | null {
  const user = o[key];
  return isObject(user) && typeof user.login === 'string' ? user.login : null;
}

function labelNames(o: Json, what: string): string[] {
  const labels = o.labels ?? [];
  if (!Array.isArray(labels)) throw unreadable(what, 'labels', labels);
  return labels.map((label: unknown) => {
    if (typeof label === 'string') return label;
    if (isObject(label) && typeof label.name === 'string') return label.name;
    throw unreadable(what, 'labels', label);
  });
}

function state(o: Json, what: string): 'open' | 'closed' {
  const value = o.state;
  if (value !== 'open' && value !== 'closed') throw unreadable(what, 'state', value);
  return value;
}

export function readRepo(value: unknown): ForgeRepo {
  const o = asObject(value, 'repository');
  return {
    full_name: text(o, 'full_name', 'repository'),
    default_branch: text(o, 'default_branch', 'repository'),
    description: text(o, 'description', 'repository'),
    private: o.private === true,
    html_url: text(o, 'html_url', 'repository'),
    clone_url: text(o, 'clone_url', 'repository'),
  };
}

export function readCommit(value: unknown): ForgeCommit {
  const o = asObject(value, 'commit');
  const inner = isObject(o.commit) ? o.commit : {};
  const author = isObject(inner.author) ? inner.author : {};
  return {
    sha: text(o, 'sha', 'commit'),
    message: text(inner, 'message', 'commit'),
    author: login(o, 'author') ?? (typeof author.name === 'string' ? author.name : null),
    date: dateOrNull(author, 'date', 'commit'),
  };
}

/** Bytes of code per language; entries that are no number are left out. */
export function readLanguages(value: unknown): Record<string, number> {
  return Object.fromEntries(
    Object.entries(asObject(value, 'languages')).filter(
      (e): e is [string, number] => typeof e[1] === 'number',
    ),
  );
}

/** True for the pull requests that GitHub's and Gitea's issue lists include. */
export function isPullRequestIssue(value: unknown): boolean {
  return isObject(value) && isObject(value.pull_request);
}

export function readIssue(value: unknown): ForgeIssue {
  const o = asObject(value, 'issue');
  return {
    number: integer(o, 'number', 'issue'),
    title: text(o, 'title', 'issue'),
    body: text(o, 'body', 'issue'),
    state: state(o, 'issue'),
    labels: labelNames(o, 'issue'),
    user: login(o, 'user'),
    created_at: date(o, 'created_at', 'issue'),
    updated_at: date(o, 'updated_at', 'issue'),
    closed_at: dateOrNull(o, 'closed_at', 'issue'),
    html_url: text(o, 'html_url', 'issue'),
  };
}

/** The issue number at the end of a comment's issue_url (or Gitea's pull_request_url). */
function commentIssueNumber(o: Json): number {
  for (const key of ['issue_url', 'pull_request_url']) {
    const match = /\/(\d+)\/?$/.exec(text(o, key, 'comment'));
    if (match !== null) return Number(match[1]);
  }
  throw unreadable('comment', 'issue_url', o.issue_url);
}

export function readComment(value: unknown, issueNumber?: number): ForgeComment {
  const o = asObject(value, 'comment');
  return {
    id: integer(o, 'id', 'comment'),
    issue_number: issueNumber ?? commentIssueNumber(o),
    body: text(o, 'body', 'comment'),
    user: login(o, 'user'),
    created_at: date(o, 'created_at', 'comment'),
    updated_at: date(o, 'updated_at', 'comment'),
  };
}

export function readPull(value: unknown): ForgePull {
  const o = asObject(value, 'pull request');
  const head = asObject(o.head, 'pull request head');
  const base = asObject(o.base, 'pull request base');
  const mergedAt = dateOrNull(o, 'merged_at', 'pull request');
  return {
    number: integer(o, 'number', 'pull request'),
    title: text(o, 'title', 'pull request'),
    body: text(o, 'body', 'pull request'),
    state: state(o, 'pull request'),
    merged: o.merged === true || mergedAt !== null,
    merged_at: mergedAt,
    merge_commit_sha: text(o, 'merge_commit_sha', 'pull request') || null,
    mergeable: typeof o.mergeable === 'boolean' ? o.mergeable : null,
    draft: o.draft === true,
    head: { ref: text(head, 'ref', 'pull request head'), sha: text(head, 'sha', 'pull request head') },
    base: { ref: text(base, 'ref', 'pull request base') },
    labels: labelNames(o, 'pull request'),
    user: login(o, 'user'),
    created_at: date(o, 'created_at', 'pull request'),
    updated_at: date(o, 'updated_at', 'pull request'),
    closed_at: dateOrNull(o, 'closed_at', 'pull request'),
    html_url: text(o, 'html_url', 'pull request'),
  };
}

// Gitea names review states after the verbs; GitHub after the outcome.
const REVIEW_STATES: Record<string, ReviewState> = {
  APPROVED: 'APPROVED',
  CHANGES_REQUESTED: 'CHANGES_REQUESTED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENTED: 'COMMENTED',
  COMMENT: 'COMMENTED',
  DISMISSED: 'DISMISSED',
  PENDING: 'PENDING',
  REQUEST_REVIEW: 'PENDING',
};

export function readReview(value: unknown): ForgeReview {
  const o = asObject(value, 'review');
  const raw = text(o, 'state', 'review');
  const reviewState = REVIEW_STATES[raw.toUpperCase()];
  if (reviewState === undefined) throw unreadable('review', 'state', raw);
  return {
    id: integer(o, 'id', 'review'),
    user: login(o, 'user'),
    state: reviewState,
    body: text(o, 'body', 'review'),
    commit_id: text(o, 'commit_id', 'review') || null,
    submitted_at: dateOrNull(o, 'submitted_at', 'review'),
  };
}

export function readIssueEvent(value: unknown, issueNumber: number): ForgeIssueEvent {
  const o = asObject(value, 'issue event');
  const label = isObject(o.label) && typeof o.label.name === 'string' ? o.label.name : null;
  return {
    id: integer(o, 'id', 'issue event'),
    issue_number: issueNumber,
    event: text(o, 'event', 'issue event'),
    actor: login(o, 'actor'),
    created_at: date(o, 'created_at', 'issue event'),
    label,
  };
}

/**
 * An event of the repository-wide listing, which names its issue in `issue`; null for an
 * event whose issue is gone (GitHub answers `issue: null` then): there is nothing to report.
 */
export function readRepoIssueEvent(value: unknown): ForgeIssueEvent | null {
  const o = asObject(value, 'issue event');
  if (o.issue === null || o.issue === undefined) return null;
  return readIssueEvent(o, integer(asObject(o.issue, 'issue event issue'), 'number', 'issue event issue'));
}

// Gitea's timeline types onto GitHub's issue event names; a label entry's body is "1"
// when the label was added.
const TIMELINE_EVENTS: Record<string, string> = {
  close: 'closed',
  reopen: 'reopened',
  merge_pull: 'merged',
  comment: 'commented',
  assignees: 'assigned',
  change_title: 'renamed',
  pull_push: 'committed',
  review: 'reviewed',
};

export function readTimelineEvent(value: unknown, issueNumber: number): ForgeIssueEvent {
  const o = asObject(value, 'timeline entry');
  const type = text(o, 'type', 'timeline entry');
  const label = isObject(o.label) && typeof o.label.name === 'string' ? o.label.name : null;
  const event =
    type === 'label'
      ? text(o, 'body', 'timeline entry') === '1'
        ? 'labeled'
        : 'unlabeled'
      : (TIMELINE_EVENTS[type] ?? type);
  return {
    id: integer(o, 'id', 'timeline entry'),
    issue_number: issueNumber,
    event,
    actor: login(o, 'user'),
    created_at: date(o, 'created_at', 'timeline entry'),
    label,
  };
}
