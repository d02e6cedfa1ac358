// Issues, labels, issue comments and issue events. Pull requests are issues too (one
// number sequence) and appear in the issue listing with a `pull_request` key, as on
// GitHub; the issue endpoints accept a PR's number.
import type { FastifyInstance } from 'fastify';
import { invalid, isObject, paginate, queryOf, sinceOf, sortBy, stringField } from '../http.js';
import { issueLabels, renderComment, renderEvent, renderIssue, renderLabel } from '../render.js';
import type { CommentRecord, IssueRecord } from '../state.js';
import { addLabels, findLabel, openIssue, rename, setLabels, setState } from '../tracker.js';
import { findIssue, findRepo, type RepoParams, type RouteContext } from './context.js';

type IssueParams = RepoParams & { number: string };

export function issueRoutes(app: FastifyInstance, context: RouteContext): void {
  const { store, site } = context;

  app.post<{ Params: RepoParams }>('/repos/:owner/:repo/issues', async (request, reply) => {
    const repo = findRepo(context, request.params);
    const login = context.loginOf(request);
    const title = stringField(request.body, 'Issue', 'title', true) ?? '';
    const body = stringField(request.body, 'Issue', 'body', false) ?? null;
    const labels = labelNames(request.body);
    const issue = await store.change(() => {
      const created = openIssue(store, repo, { title, body, user: login });
      addLabels(store, repo, created, labels, login);
      return created;
    });
    return reply.code(201).send(renderIssue(site, repo, issue));
  });

  app.get<{ Params: RepoParams }>('/repos/:owner/:repo/issues', async (request, reply) => {
    const repo = findRepo(context, request.params);
    const query = queryOf(request);
    const state = query.state ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) throw invalid('Issue', 'state', 'invalid');
    const since = sinceOf(query);
    const wanted = (query.labels ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean);
    const matching = repo.issues.filter(
      (issue) =>
        (state === 'all' || issue.state === state) &&
        (since === undefined || Date.parse(issue.updated_at) >= since) &&
        wanted.every((name) => issue.labels.some((label) => label.toLowerCase() === name)),
    );
    const sort = query.sort ?? 'created';
    const commentCount = (issue: IssueRecord): number =>
      repo.comments.filter((comment) => comment.issue_number === issue.number).length;
    const key =
      sort === 'updated'
        ? (issue: IssueRecord) => issue.updated_at
        : sort === 'comments'
          ? commentCount
          : (issue: IssueRecord) => issue.created_at;
    const ordered = sortBy(matching, key, (query.direction ?? 'desc') !== 'asc');
    return paginate(request, reply, ordered).map((issue) => renderIssue(site, repo, issue));
  });

  app.get<{ Params: IssueParams }>('/repos/:owner/:repo/issues/:number', (request) => {
    const repo = findRepo(context, request.params);
    return renderIssue(site, repo, findIssue(repo, request.params.number));
  });

  app.patch<{ Params: IssueParams }>('/repos/:owner/:repo/issues/:number', async (request) => {
    const repo = findRepo(context, request.params);
    const login = context.loginOf(request);
    const issue = findIssue(repo, request.params.number);
    const title = stringField(request.body, 'Issue', 'title', false);
    const body = stringField(request.body, 'Issue', 'body', false);
    const state = stringField(request.body, 'Issue', 'state', false);
    if (state !== undefined && state !== 'open' && state !== 'closed')
      throw invalid('Issue', 'state', 'invalid');
    if (state === 'open' && issue.pull?.merged === true) {
      throw invalid('Issue', 'state', 'custom', 'merged pull requests cannot be reopened');
    }
    const labels =
      isObject(request.body) && request.body.labels !== undefined ? labelNames(request.body) : undefined;
    await store.change(() => {
      if (title !== undefined) rename(store, repo, issue, title, login);
      if (body !== undefined && body !== issue.body) {
        issue.body = body;
        issue.updated_at = store.now();
      }
      if (labels !== undefined) setLabels(store, repo, issue, labels, login);
      if (state !== undefined) setState(store, repo, issue, state, login);
    });
    return renderIssue(site, repo, issue);
  });

  app.post<{ Params: RepoParams }>('/repos/:owner/:repo/labels', async (request, reply) => {
    const repo = findRepo(context, request.params);
    const name = stringField(request.body, 'Label', 'name', true) ?? '';
    const color = (stringField(request.body, 'Label', 'color', false) ?? 'ededed').replace(/^#/, '');
    if (!/^[0-9a-fA-F]{6}$/.test(color)) throw invalid('Label', 'color', 'invalid');
    const description = stringField(request.body, 'Label', 'description', false) ?? null;
    const label = await store.change(() => {
      if (findLabel(repo, name) !== undefined) throw invalid('Label', 'name', 'already_exists');
      const created = { id: store.nextId(), name, color, description };
      repo.labels.push(created);
      return created;
    });
    return reply.code(201).send(renderLabel(site, repo, label));
  });

  app.get<{ Params: RepoParams }>('/repos/:owner/:repo/labels', async (request, reply) => {
    const repo = findRepo(context, request.params);
    return paginate(request, reply, repo.labels).map((label) => renderLabel(site, repo, label));
  });

  app.post<{ Params: IssueParams }>('/repos/:owner/:repo/issues/:number/labels', async (request) => {
    const repo = findRepo(context, request.params);
    const login = context.loginOf(request);
    const issue = findIssue(repo, request.params.number);
    const names = Array.isArray(request.body)
      ? labelNames({ labels: request.body })
      : labelNames(request.body);
    await store.change(() => addLabels(store, repo, issue, names, login));
    return issueLabels(site, repo, issue);
  });

  app.get<{ Params: IssueParams }>('/repos/:owner/:repo/issues/:number/labels', async (request, reply) => {
    const repo = findRepo(context, request.params);
    const issue = findIssue(repo, request.params.number);
    return paginate(request, reply, issueLabels(site, repo, issue));
  });

  app.post<{ Params: IssueParams }>('/repos/:owner/:repo/issues/:number/comments', async (request, reply) => {
    const repo = findRepo(context, request.params);
    const login = context.loginOf(request);
    const issue = findIssue(repo, request.params.number);
    const body = stringField(request.body, 'IssueComment', 'body', true) ?? '';
    const comment = await store.change(() => {
      const now = store.now();
      const created = {
        id: store.nextId(),
        issue_number: issue.number,
        body,
        user: login,
        created_at: now,
        updated_at: now,
      };
      repo.comments.push(created);
      issue.updated_at = now;
      return created;
    });
    return reply.code(201).send(renderComment(site, repo, comment));
  });

  app.get<{ Params: IssueParams }>('/repos/:owner/:repo/issues/:number/comments', async (request, reply) => {
    const repo = findRepo(context, request.params);
    const issue = findIssue(repo, request.params.number);
    const since = sinceOf(queryOf(request));
    const comments = repo.comments.filter(
      (comment) =>
        comment.issue_number === issue.number &&
        (since === undefined || Date.parse(comment.updated_at) >= since),
    );
    return paginate(request, reply, comments).map((comment) => renderComment(site, repo, comment));
  });

  app.get<{ Params: RepoParams }>('/repos/:owner/:repo/issues/comments', async (request, reply) => {
    const repo = findRepo(context, request.params);
    const query = queryOf(request);
    const since = sinceOf(query);
    const matching = repo.comments.filter(
      (comment) => since === undefined || Date.parse(comment.updated_at) >= since,
    );
    const key = (comment: CommentRecord): string =>
      query.sort === 'updated' ? comment.updated_at : comment.created_at;
    const ordered = sortBy(matching, key, query.direction === 'desc');
    return paginate(request, reply, ordered).map((comment) => renderComment(site, repo, comment));
  });

  app.get<{ Params: IssueParams }>('/repos/:owner/:repo/issues/:number/events', async (request, reply) => {
    const repo = findRepo(context, request.params);
    const issue = findIssue(repo, request.params.number);
    const events = repo.events.filter((event) => event.issue_number === issue.number);
    return paginate(request, reply, events).map((event) => renderEvent(site, repo, event, false));
  });

  // GitHub lists repository-wide issue events newest first.
  app.get<{ Params: RepoParams }>('/repos/:owner/:repo/issues/events', async (request, reply) => {
    const repo = findRepo(context, request.params);
    const ordered = sortBy(repo.events, (event) => event.created_at, true);
    return paginate(request, reply, ordered).map((event) => renderEvent(site, repo, event, true));
  });
}

/** `labels`: names, or objects with a `name` (GitHub takes both). */
function labelNames(body: unknown): string[] {
  const raw = isObject(body) ? body.labels : undefined;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid('Issue', 'labels', 'invalid', 'labels must be an array');
  return raw.map((item) => {
    const name =
      typeof item === 'string'
        ? item
        : isObject(item) && typeof item.name === 'string'
          ? item.name
          : undefined;
    if (name === undefined || name.trim() === '') throw invalid('Label', 'name', 'invalid');
    return name;
  });
}
