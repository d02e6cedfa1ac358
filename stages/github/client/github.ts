// The GitHub adapter (and the embedded forge, which speaks GitHub's dialect): octokit, plus
// the throttling plugin (GitHub's rate-limit protocol and write pacing) on api.github.com.
// One plugin of ours sits innermost, around every single attempt: it reads the token from
// the stage's environment at call time, gives the attempt its own timeout joined with the
// stage's signal, resends what is safe to resend, and waits and retries what the policy
// says to (5xx, 429 with its Retry-After, and elsewhere than api.github.com a rate-limit
// answer too). It replaced @octokit/plugin-retry: that plugin and the throttling plugin
// schedule every request through Bottleneck, which cost ~7 and ~15 ms of waiting per
// request against a local forge, more than the request itself.
import type { Octokit as CoreOctokit } from '@octokit/core';
import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { RequestError } from '@octokit/request-error';
import { isNoetherError } from '../../../engine/errors.js';
import { ensureLabels, labelCache } from './labels.js';
import {
  asArray,
  isPullRequestIssue,
  readComment,
  readCommit,
  readIssue,
  readIssueEvent,
  readLanguages,
  readPull,
  readRepoIssueEvent,
  readRepo,
  readReview,
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
import type { ForgeClient, ForgeIssueEvent, ForgeMergeResult } from './types.js';

export const GITHUB_API = 'https://api.github.com';

interface ForgeAttempt {
  policy: RequestPolicy;
  token: () => string | undefined;
  baseUrl: string;
  /** The throttling plugin (outside this one) handles GitHub's rate-limit answers. */
  throttled: boolean;
}

function isForgeAttempt(value: unknown): value is ForgeAttempt {
  return typeof value === 'object' && value !== null && 'policy' in value && 'token' in value;
}

function placeOf(baseUrl: string, method: string, url: string): RequestPlace {
  const path = new URL(url, `${baseUrl}/`).pathname;
  const basePath = new URL(`${baseUrl}/`).pathname.replace(/\/$/, '');
  return { method, path: path.startsWith(basePath) ? path.slice(basePath.length) : path };
}

function isGitHubRateLimit(error: RequestError): boolean {
  return (
    /\bsecondary rate\b/i.test(error.message) || error.response?.headers['x-ratelimit-remaining'] === '0'
  );
}

function forgeAttempts(octokit: CoreOctokit, octokitOptions: Record<string, unknown>): void {
  const attempt = octokitOptions.forgeAttempt;
  if (!isForgeAttempt(attempt)) return;
  const { policy, token, baseUrl, throttled } = attempt;
  octokit.hook.wrap('request', async (request, options) => {
    const { method, url } = octokit.request.endpoint.parse(options);
    const place = placeOf(baseUrl, method, url);
    // Hooks share one options object (before-after-hook binds it to every layer), so the
    // attempt's token and signal are set on it in place: a copy would not reach the
    // layers below this one.
    const secret = token();
    if (secret === undefined || secret === '') delete options.headers.authorization;
    else options.headers.authorization = `token ${secret}`;
    for (let attempt = 0; ; attempt += 1) {
      options.request = {
        ...options.request,
        signal: attemptSignal(policy),
        parseSuccessResponseBody: false,
      };
      try {
        return await parsed(await request(options));
      } catch (error) {
        if (!(error instanceof RequestError) || error.response === undefined) {
          // No answer: resent only when that is safe.
          await pauseBeforeResend(place, policy, attempt, error);
          continue;
        }
        // Our policy decides every retry (Retry-After honoured, bounded backoff); GitHub's own
        // rate-limit answers on api.github.com are left to the throttling plugin.
        const limited = isGitHubRateLimit(error);
        const retryable = limited ? !throttled : isRetryableStatus(error.status);
        const retryAfter = error.response.headers['retry-after'];
        const wait = retryable ? retryDelayMs(policy, attempt, retryAfter?.toString()) : undefined;
        if (wait === undefined) throw error;
        await pause(place, policy, wait);
      }
    }
  });
}

/**
 * A success's body, parsed with the native JSON.parse. Octokit's own parser (json-with-bigint,
 * a parser written in JavaScript) cost most of a request's time against a local forge: a
 * listing of pull requests took tens of milliseconds to parse. GitHub's numbers (ids, counts)
 * are all below 2^53, so nothing needs bigints. As octokit does: JSON when the content type
 * says so and the text parses, the text otherwise.
 */
async function parsed<T extends { data: unknown; headers: Record<string, unknown> }>(
  response: T,
): Promise<T> {
  const body = response.data;
  if (!(body instanceof ReadableStream)) return response;
  const text = await new Response(body).text();
  const header = response.headers['content-type'];
  const type = typeof header === 'string' ? header : '';
  let data: unknown = text;
  if (/^application\/(scim\+)?json\b/i.test(type) && text !== '') {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  return { ...response, data };
}

const ForgeOctokit = Octokit.plugin(forgeAttempts);
const ThrottledOctokit = Octokit.plugin(forgeAttempts, throttling);

export function githubClient(
  repo: string,
  baseUrl: string,
  policy: RequestPolicy,
  token: () => string | undefined,
): ForgeClient {
  const [owner = '', name = ''] = repo.split('/');
  const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const canRetry = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number): boolean =>
    retryDelayMs(policy, retryCount, String(retryAfter)) !== undefined;
  const throttled = baseUrl === GITHUB_API;
  const forgeAttempt = { policy, token, baseUrl, throttled } satisfies ForgeAttempt;
  const octokit = throttled
    ? new ThrottledOctokit({
        baseUrl,
        forgeAttempt,
        log,
        throttle: { onRateLimit: canRetry, onSecondaryRateLimit: canRetry },
      })
    : new ForgeOctokit({ baseUrl, forgeAttempt, log });
  const r = { owner, repo: name };
  const labels = labelCache();

  async function call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isNoetherError(error)) throw error;
      if (error instanceof RequestError) {
        const method = error.request.method;
        throw forgeRefused(
          placeOf(baseUrl, method, error.request.url),
          error.status,
          refusalMessage(error.response?.data),
        );
      }
      throw error;
    }
  }

  const labelApi = {
    list: () =>
      call(async () =>
        (await octokit.paginate(octokit.rest.issues.listLabelsForRepo, { ...r, per_page: 100 })).map((l) => ({
          id: l.id,
          name: l.name,
        })),
      ),
    create: (labelName: string) =>
      call(async () => {
        const { data } = await octokit.rest.issues.createLabel({ ...r, name: labelName, color: 'ededed' });
        return { id: data.id, name: data.name };
      }),
  };

  return {
    kind: 'github',
    baseUrl,
    repo,
    getRepo: () => call(async () => readRepo((await octokit.rest.repos.get(r)).data)),
    listCommits: ({ limit = 30 } = {}) =>
      call(async () =>
        asArray((await octokit.rest.repos.listCommits({ ...r, per_page: limit })).data, 'commit').map(
          readCommit,
        ),
      ),
    getLanguages: () => call(async () => readLanguages((await octokit.rest.repos.listLanguages(r)).data)),
    listIssues: ({ state = 'open', since, labels: only } = {}) =>
      call(async () => {
        const all = await octokit.paginate(octokit.rest.issues.listForRepo, {
          ...r,
          state,
          sort: 'updated',
          direction: 'asc',
          per_page: 100,
          ...(since === undefined ? {} : { since: since.toISOString() }),
          ...(only === undefined || only.length === 0 ? {} : { labels: only.join(',') }),
        });
        return all.filter((issue) => !isPullRequestIssue(issue)).map(readIssue);
      }),
    getIssue: (number) =>
      call(async () => readIssue((await octokit.rest.issues.get({ ...r, issue_number: number })).data)),
    createIssue: ({ title, body, labels: names = [] }) =>
      call(async () => {
        if (names.length > 0) await ensureLabels(labels, labelApi, names);
        const { data } = await octokit.rest.issues.create({
          ...r,
          title,
          ...(body === undefined ? {} : { body }),
          labels: names,
        });
        return readIssue(data);
      }),
    updateIssue: (number, changes) =>
      call(async () =>
        readIssue((await octokit.rest.issues.update({ ...r, issue_number: number, ...changes })).data),
      ),
    addLabels: (number, names) =>
      call(async () => {
        await ensureLabels(labels, labelApi, names);
        const { data } = await octokit.rest.issues.addLabels({ ...r, issue_number: number, labels: names });
        return data.map((label) => label.name);
      }),
    listIssueComments: (number) =>
      call(async () =>
        (
          await octokit.paginate(octokit.rest.issues.listComments, {
            ...r,
            issue_number: number,
            per_page: 100,
          })
        ).map((c) => readComment(c, number)),
      ),
    listRepoComments: ({ since } = {}) =>
      call(async () =>
        (
          await octokit.paginate(octokit.rest.issues.listCommentsForRepo, {
            ...r,
            sort: 'updated',
            direction: 'asc',
            per_page: 100,
            ...(since === undefined ? {} : { since: since.toISOString() }),
          })
        ).map((c) => readComment(c)),
      ),
    createComment: (number, body) =>
      call(async () =>
        readComment(
          (await octokit.rest.issues.createComment({ ...r, issue_number: number, body })).data,
          number,
        ),
      ),
    listIssueEvents: (number) =>
      call(async () =>
        (
          await octokit.paginate(octokit.rest.issues.listEvents, {
            ...r,
            issue_number: number,
            per_page: 100,
          })
        ).map((event) => readIssueEvent(event, number)),
      ),
    listRepoIssueEvents: ({ since } = {}) =>
      call(async () => {
        // GitHub takes no `since` here and lists newest first: the page that reaches before
        // the cursor is the last one needed, and what it holds before the cursor is dropped.
        const events = await octokit.paginate(
          octokit.rest.issues.listEventsForRepo,
          { ...r, per_page: 100 },
          (response, done) => {
            const page = response.data.map(readRepoIssueEvent);
            if (since !== undefined && page.some((e) => e !== null && e.created_at < since)) done();
            return page;
          },
        );
        return events.filter(
          (e): e is ForgeIssueEvent => e !== null && (since === undefined || e.created_at >= since),
        );
      }),
    listPulls: ({ state = 'all', direction = 'desc', updatedSince } = {}) =>
      call(async () => {
        const pulls = await octokit.paginate(
          octokit.rest.pulls.list,
          {
            ...r,
            state,
            sort: 'updated',
            direction: updatedSince === undefined ? direction : 'desc',
            per_page: 100,
          },
          (response, done) => {
            const page = response.data.map(readPull);
            if (updatedSince !== undefined && page.some((p) => p.updated_at < updatedSince)) done();
            return page;
          },
        );
        return updatedSince === undefined ? pulls : pulls.filter((p) => p.updated_at >= updatedSince);
      }),
    getPull: (number) =>
      call(async () => readPull((await octokit.rest.pulls.get({ ...r, pull_number: number })).data)),
    createPull: (options) =>
      call(async () => readPull((await octokit.rest.pulls.create({ ...r, ...options })).data)),
    updatePull: (number, changes) =>
      call(async () =>
        readPull((await octokit.rest.pulls.update({ ...r, pull_number: number, ...changes })).data),
      ),
    mergePull: (number) =>
      call(async (): Promise<ForgeMergeResult> => {
        const { data } = await octokit.rest.pulls.merge({ ...r, pull_number: number, merge_method: 'merge' });
        return { merged: true, sha: data.sha || null };
      }),
    listReviews: (number) =>
      call(async () =>
        (
          await octokit.paginate(octokit.rest.pulls.listReviews, { ...r, pull_number: number, per_page: 100 })
        ).map(readReview),
      ),
    createReview: (number, { event, body }) =>
      call(async () =>
        readReview(
          (
            await octokit.rest.pulls.createReview({
              ...r,
              pull_number: number,
              event,
              ...(body === undefined ? {} : { body }),
            })
          ).data,
        ),
      ),
  };
}
