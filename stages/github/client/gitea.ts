// The Gitea adapter (API v1): global fetch on the shared request policy. Where Gitea
// differs from GitHub it says so here: merge is POST …/merge {"Do":"merge"}; labels are
// attached by id (looked up or created by name, cached per client); lists page with
// `page`/`limit` and end on a short page; pull request sorting is named
// recentupdate/leastupdate; issue events come from the timeline; review events are
// APPROVED/REQUEST_CHANGES/COMMENT; the token goes as `Authorization: token X`.
import { NoetherError, isNoetherError } from '../../../engine/errors.js';
import { ensureLabels, labelCache, type LabelRef } from './labels.js';
import {
  asArray,
  asObject,
  isPullRequestIssue,
  readComment,
  readCommit,
  readIssue,
  readLanguages,
  readPull,
  readRepo,
  readReview,
  readTimelineEvent,
} from './normalise.js';
import {
  attemptSignal,
  forgeRefused,
  isRetryableStatus,
  pause,
  pauseBeforeResend,
  refusalMessage,
  retryDelayMs,
  type RequestPlace,
  type RequestPolicy,
} from './policy.js';
import type { CreateReviewOptions, ForgeClient, ForgeIssueEvent } from './types.js';

/** Gitea's default MAX_RESPONSE_ITEMS is 50: asking for more still yields 50 a page. */
const PAGE_SIZE = 50;

type Query = Record<string, string | number | undefined>;

const REVIEW_EVENTS: Record<CreateReviewOptions['event'], string> = {
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'REQUEST_CHANGES',
  COMMENT: 'COMMENT',
};

export function giteaClient(
  repo: string,
  baseUrl: string,
  policy: RequestPolicy,
  token: () => string | undefined,
): ForgeClient {
  const repoPath = `/repos/${repo}`;
  const labels = labelCache();

  async function send(
    method: string,
    path: string,
    query: Query = {},
    body?: unknown,
  ): Promise<{ data: unknown; headers: Headers }> {
    const place: RequestPlace = { method, path };
    const url = new URL(`${baseUrl}${path}`);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const secret = token();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (secret !== undefined && secret !== '') headers.authorization = `token ${secret}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      let raw: string;
      try {
        response = await fetch(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: attemptSignal(policy),
        });
        raw = await response.text();
      } catch (error) {
        await pauseBeforeResend(place, policy, attempt, error);
        continue;
      }
      if (response.ok) return { data: raw === '' ? null : parse(raw), headers: response.headers };
      const wait = isRetryableStatus(response.status)
        ? retryDelayMs(policy, attempt, response.headers.get('retry-after'))
        : undefined;
      if (wait === undefined) throw forgeRefused(place, response.status, refusalMessage(parse(raw)));
      await pause(place, policy, wait);
    }
  }

  /**
   * Every page: stops on a short page, when x-total-count says all were read, or after a
   * page for which `last` says no later page is needed.
   */
  async function all(
    path: string,
    query: Query = {},
    last: (page: unknown[]) => boolean = () => false,
  ): Promise<unknown[]> {
    const items: unknown[] = [];
    for (let page = 1; ; page += 1) {
      const { data, headers } = await send('GET', path, { ...query, page, limit: PAGE_SIZE });
      const batch = asArray(data, path);
      items.push(...batch);
      const total = Number(headers.get('x-total-count') ?? Number.NaN);
      if (batch.length < PAGE_SIZE || items.length >= total || last(batch)) return items;
    }
  }

  const labelApi = {
    list: async (): Promise<LabelRef[]> => (await all(`${repoPath}/labels`)).map(readLabel),
    create: async (name: string): Promise<LabelRef> =>
      readLabel((await send('POST', `${repoPath}/labels`, {}, { name, color: '#ededed' })).data),
  };
  const labelIds = async (names: readonly string[]): Promise<number[]> =>
    (await ensureLabels(labels, labelApi, names)).map((label) => label.id);

  const since = (at: Date | undefined): string | undefined => at?.toISOString();

  return {
    kind: 'gitea',
    baseUrl,
    repo,
    getRepo: async () => readRepo((await send('GET', repoPath)).data),
    listCommits: async ({ limit = 30 } = {}) =>
      asArray(
        (await send('GET', `${repoPath}/commits`, { page: 1, limit, stat: 'false' })).data,
        'commit',
      ).map(readCommit),
    getLanguages: async () => readLanguages((await send('GET', `${repoPath}/languages`)).data ?? {}),
    listIssues: async ({ state = 'open', since: at, labels: only = [] } = {}) => {
      const found = await all(`${repoPath}/issues`, {
        state,
        type: 'issues',
        since: since(at),
        labels: only.length === 0 ? undefined : only.join(','),
      });
      // Gitea's labels filter matches any of the labels; the contract is all of them.
      return found
        .filter((issue) => !isPullRequestIssue(issue))
        .map(readIssue)
        .filter((issue) => only.every((name) => issue.labels.includes(name)));
    },
    getIssue: async (number) => readIssue((await send('GET', `${repoPath}/issues/${number}`)).data),
    createIssue: async ({ title, body, labels: names = [] }) =>
      readIssue(
        (
          await send(
            'POST',
            `${repoPath}/issues`,
            {},
            { title, ...(body === undefined ? {} : { body }), labels: await labelIds(names) },
          )
        ).data,
      ),
    updateIssue: async (number, changes) =>
      readIssue((await send('PATCH', `${repoPath}/issues/${number}`, {}, changes)).data),
    addLabels: async (number, names) => {
      const { data } = await send(
        'POST',
        `${repoPath}/issues/${number}/labels`,
        {},
        { labels: await labelIds(names) },
      );
      return asArray(data, 'label').map((label) => readLabel(label).name);
    },
    listIssueComments: async (number) =>
      asArray((await send('GET', `${repoPath}/issues/${number}/comments`)).data, 'comment').map((c) =>
        readComment(c, number),
      ),
    listRepoComments: async ({ since: at } = {}) =>
      (await all(`${repoPath}/issues/comments`, { since: since(at) })).map((c) => readComment(c)),
    createComment: async (number, body) =>
      readComment((await send('POST', `${repoPath}/issues/${number}/comments`, {}, { body })).data, number),
    listIssueEvents: async (number) =>
      (await all(`${repoPath}/issues/${number}/timeline`)).map((entry) => readTimelineEvent(entry, number)),
    listRepoIssueEvents: async ({ since: at } = {}) => {
      // Gitea has no repository-wide issue events. Every timeline entry (a label added, a
      // close, a comment) is written through CreateComment, which bumps its issue's updated
      // time, so the issues and pull requests updated since the cursor are the only ones
      // with new entries: one timeline listing each (every one on the first poll, without
      // a cursor), read in turn to keep the load on the forge to one request at a time.
      const touched = (await all(`${repoPath}/issues`, { state: 'all', since: since(at) })).map(readIssue);
      const events: ForgeIssueEvent[] = [];
      for (const { number } of touched) {
        const entries = await all(`${repoPath}/issues/${number}/timeline`, { since: since(at) });
        events.push(...entries.map((entry) => readTimelineEvent(entry, number)));
      }
      // The timeline's `since` filters on update time; the contract is creation time.
      return at === undefined ? events : events.filter((e) => e.created_at >= at);
    },
    listPulls: async ({ state = 'all', direction = 'desc', updatedSince } = {}) => {
      const sort = direction === 'asc' && updatedSince === undefined ? 'leastupdate' : 'recentupdate';
      const reached = (page: unknown[]) =>
        updatedSince !== undefined && page.some((p) => readPull(p).updated_at < updatedSince);
      const pulls = (await all(`${repoPath}/pulls`, { state, sort }, reached)).map(readPull);
      return updatedSince === undefined ? pulls : pulls.filter((p) => p.updated_at >= updatedSince);
    },
    getPull: async (number) => readPull((await send('GET', `${repoPath}/pulls/${number}`)).data),
    createPull: async ({ draft: _draft, ...options }) =>
      readPull((await send('POST', `${repoPath}/pulls`, {}, options)).data),
    updatePull: async (number, changes) =>
      readPull((await send('PATCH', `${repoPath}/pulls/${number}`, {}, changes)).data),
    mergePull: async (number) => {
      try {
        await send('POST', `${repoPath}/pulls/${number}/merge`, {}, { Do: 'merge' });
      } catch (error) {
        throw notMergeable(error);
      }
      return { merged: true, sha: null };
    },
    listReviews: async (number) => (await all(`${repoPath}/pulls/${number}/reviews`)).map(readReview),
    createReview: async (number, { event, body }) =>
      readReview(
        (
          await send(
            'POST',
            `${repoPath}/pulls/${number}/reviews`,
            {},
            { event: REVIEW_EVENTS[event], ...(body === undefined ? {} : { body }) },
          )
        ).data,
      ),
  };
}

function readLabel(value: unknown): LabelRef {
  const o = asObject(value, 'label');
  if (typeof o.id !== 'number' || typeof o.name !== 'string') {
    throw new NoetherError(
      'NOE_FORGE_FAILED',
      `the forge answered a label without id or name: ${JSON.stringify(o)}`,
    );
  }
  return { id: o.id, name: o.name };
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Gitea answers 409 for a merge conflict where GitHub answers 405: one status for stages. */
function notMergeable(error: unknown): unknown {
  const details = isNoetherError(error) ? error.details : undefined;
  if (details?.status === 409 && typeof details.method === 'string' && typeof details.path === 'string') {
    const message = typeof details.message === 'string' ? details.message : '';
    return forgeRefused({ method: details.method, path: details.path }, 405, message);
  }
  return error;
}
