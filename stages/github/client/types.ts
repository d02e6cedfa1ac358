// The forge client seam (CALORON §3–§4): every forge stage talks to GitHub, Gitea or the
// embedded forge through this one interface, so per-forge differences (merge verb, labels
// by id, pagination, field names) live in one adapter each and never leak into stages.
// Results are normalised: dates are Date, numbers are numbers, labels are their names,
// absent text is '' and absent users are null.

export type ForgeKind = 'github' | 'gitea';

export interface ForgeRepo {
  full_name: string;
  default_branch: string;
  description: string;
  private: boolean;
  html_url: string;
  clone_url: string;
}

export interface ForgeCommit {
  sha: string;
  message: string;
  author: string | null;
  date: Date | null;
}

export interface ForgeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  user: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  html_url: string;
}

export interface ForgeComment {
  id: number;
  /** The issue or pull request the comment is on (parsed from its issue URL on repo-wide lists). */
  issue_number: number;
  body: string;
  user: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ForgeIssueEvent {
  id: number;
  /** The issue or pull request the event happened on. */
  issue_number: number;
  /** GitHub's event names (labeled, closed, reopened, merged, …); Gitea's timeline types mapped onto them. */
  event: string;
  actor: string | null;
  created_at: Date;
  /** The label's name on labeled/unlabeled events. */
  label: string | null;
}

export interface ForgePull {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged: boolean;
  merged_at: Date | null;
  merge_commit_sha: string | null;
  /** null while the forge is still computing it. */
  mergeable: boolean | null;
  draft: boolean;
  head: { ref: string; sha: string };
  base: { ref: string };
  labels: string[];
  user: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  html_url: string;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface ForgeReview {
  id: number;
  user: string | null;
  state: ReviewState;
  body: string;
  commit_id: string | null;
  submitted_at: Date | null;
}

export interface ForgeMergeResult {
  merged: true;
  /** The merge commit when the forge reports it (Gitea does not). */
  sha: string | null;
}

export type IssueState = 'open' | 'closed' | 'all';

export interface ListIssuesOptions {
  state?: IssueState;
  since?: Date;
  /** Only issues carrying every one of these labels. */
  labels?: string[];
}

export interface CreateIssueOptions {
  title: string;
  body?: string;
  labels?: string[];
}

export interface UpdateIssueOptions {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
}

export interface ListPullsOptions {
  state?: IssueState;
  direction?: 'asc' | 'desc';
  /**
   * Only pull requests updated at or after this instant. Listed most recently updated
   * first, the listing stops at the first page that reaches before it, so a quiet
   * repository costs one page, not all of them (direction is then always desc).
   */
  updatedSince?: Date;
}

export interface CreatePullOptions {
  title: string;
  body?: string;
  head: string;
  base: string;
  draft?: boolean;
}

export interface UpdatePullOptions {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
  base?: string;
}

export interface CreateReviewOptions {
  event: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT';
  body?: string;
}

/**
 * One forge, one repository. Every method throws a NoetherError: NOE_FORGE_FAILED for an
 * answer that is not 2xx or an unreachable forge (details {status, method, path, message},
 * path without query or token), NOE_TIMEOUT when a request outlives its timeout,
 * NOE_CANCELLED when the stage's signal aborts. List methods read every page unless
 * their comment says otherwise.
 */
export interface ForgeClient {
  readonly kind: ForgeKind;
  /** The API base URL requests go to, without a trailing slash. */
  readonly baseUrl: string;
  readonly repo: string;
  getRepo(): Promise<ForgeRepo>;
  /** The newest commits of the default branch, first page only (at most `limit`, default 30). */
  listCommits(options?: { limit?: number }): Promise<ForgeCommit[]>;
  /** Bytes of code per language. */
  getLanguages(): Promise<Record<string, number>>;
  /** Issues only: pull requests, which GitHub lists among issues, are left out. */
  listIssues(options?: ListIssuesOptions): Promise<ForgeIssue[]>;
  getIssue(number: number): Promise<ForgeIssue>;
  createIssue(options: CreateIssueOptions): Promise<ForgeIssue>;
  updateIssue(number: number, options: UpdateIssueOptions): Promise<ForgeIssue>;
  /** Adds labels to an issue or pull request, creating missing ones; returns the labels it now has. */
  addLabels(number: number, names: string[]): Promise<string[]>;
  listIssueComments(number: number): Promise<ForgeComment[]>;
  /** Comments on every issue and pull request of the repository, updated at or after `since`. */
  listRepoComments(options?: { since?: Date }): Promise<ForgeComment[]>;
  createComment(number: number, body: string): Promise<ForgeComment>;
  listIssueEvents(number: number): Promise<ForgeIssueEvent[]>;
  /**
   * Events on every issue and pull request of the repository created at or after `since`,
   * in no particular order. GitHub has a repository-wide listing (newest first, no `since`
   * parameter: it pages until it passes the cursor); Gitea has none, so its adapter reads
   * the timeline of each issue and pull request updated since the cursor.
   */
  listRepoIssueEvents(options?: { since?: Date }): Promise<ForgeIssueEvent[]>;
  /** Pull requests sorted by last update (state 'all' by default, newest first by default). */
  listPulls(options?: ListPullsOptions): Promise<ForgePull[]>;
  getPull(number: number): Promise<ForgePull>;
  createPull(options: CreatePullOptions): Promise<ForgePull>;
  updatePull(number: number, options: UpdatePullOptions): Promise<ForgePull>;
  /** Throws NOE_FORGE_FAILED with details.status 405 when the pull request cannot be merged. */
  mergePull(number: number): Promise<ForgeMergeResult>;
  listReviews(number: number): Promise<ForgeReview[]>;
  createReview(number: number, options: CreateReviewOptions): Promise<ForgeReview>;
}

export interface ForgeClientOptions {
  /** The environment the engine hands the stage (ctx.env): the token is read from it per call. */
  env: Readonly<Record<string, string | undefined>>;
  /** The stage's signal: aborting it cancels the request in flight. */
  signal?: AbortSignal;
  /** Per attempt: each retry gets the full budget again. Default 30 s. */
  timeoutMs?: number;
  /** Attempts after the first for 5xx and 429 answers. Default 3. */
  retries?: number;
  /** The first backoff wait when the forge gives no Retry-After; it grows per attempt. Default 1 s. */
  backoffBaseMs?: number;
  /** Upper bound of one backoff wait, Retry-After included. Default 30 s. */
  maxRetryWaitMs?: number;
}
