// Repositories: created for the user or an organisation (always with an initial commit
// on `main`, GitHub's auto_init, so branches have a base to start from), read back,
// their commits and languages read from the bare repository.
import type { FastifyInstance } from 'fastify';
import { branchSha, initBareRepository, languageBytes, listCommits } from '../git.js';
import { ForgeHttpError, invalid, isObject, paginate, stringField } from '../http.js';
import { renderRepo, repoUrl } from '../render.js';
import { repoKey, type RepoRecord } from '../state.js';
import { findRepo, type RepoParams, type RouteContext } from './context.js';

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export function repoRoutes(app: FastifyInstance, context: RouteContext): void {
  const { store, site } = context;

  const create = async (owner: string, body: unknown): Promise<RepoRecord> => {
    const name = stringField(body, 'Repository', 'name', true) ?? '';
    if (!NAME.test(name) || name === '.' || name === '..') throw invalid('Repository', 'name', 'invalid');
    const description = stringField(body, 'Repository', 'description', false) ?? null;
    const isPrivate = isObject(body) && body.private === true;
    return store.change(async () => {
      if (store.repo(owner, name) !== undefined) {
        throw invalid('Repository', 'name', 'custom', 'name already exists on this account');
      }
      const now = store.now();
      const repo: RepoRecord = {
        id: store.nextId(),
        owner,
        name,
        description,
        private: isPrivate,
        default_branch: 'main',
        created_at: now,
        updated_at: now,
        next_number: 1,
        labels: [],
        issues: [],
        comments: [],
        events: [],
        reviews: [],
      };
      await initBareRepository(site.gitPath(repo), repo.default_branch, `# ${name}\n${description ?? ''}\n`);
      store.state.repos[repoKey(owner, name)] = repo;
      return repo;
    });
  };

  const show = async (repo: RepoRecord): Promise<Record<string, unknown>> => {
    const languages = await languageBytes(site.gitPath(repo), repo.default_branch);
    const top = Object.entries(languages).sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
    return renderRepo(site, repo, top, repo.updated_at);
  };

  app.post('/user/repos', async (request, reply) => {
    const repo = await create(context.login, request.body);
    return reply.code(201).send(await show(repo));
  });

  app.post<{ Params: { org: string } }>('/orgs/:org/repos', async (request, reply) => {
    if (!NAME.test(request.params.org)) throw new ForgeHttpError(404, 'Not Found');
    const repo = await create(request.params.org, request.body);
    return reply.code(201).send(await show(repo));
  });

  app.get<{ Params: RepoParams }>('/repos/:owner/:repo', async (request) =>
    show(findRepo(context, request.params)),
  );

  app.get<{ Params: RepoParams; Querystring: { sha?: string } }>(
    '/repos/:owner/:repo/commits',
    async (request, reply) => {
      const repo = findRepo(context, request.params);
      const branch = request.query.sha ?? repo.default_branch;
      if ((await branchSha(site.gitPath(repo), branch)) === null) {
        throw new ForgeHttpError(404, `No commit found for SHA: ${branch}`);
      }
      const commits = await listCommits(site.gitPath(repo), branch);
      const base = repoUrl(site, repo);
      return paginate(request, reply, commits).map((commit) => ({
        url: `${base}/commits/${commit.sha}`,
        sha: commit.sha,
        node_id: `C_${commit.sha}`,
        html_url: `${site.api}/${repo.owner}/${repo.name}/commit/${commit.sha}`,
        comments_url: `${base}/commits/${commit.sha}/comments`,
        commit: {
          url: `${base}/git/commits/${commit.sha}`,
          author: commit.author,
          committer: commit.committer,
          message: commit.message,
          comment_count: 0,
          tree: { sha: commit.tree, url: `${base}/git/trees/${commit.tree}` },
        },
        author: null,
        committer: null,
        parents: commit.parents.map((sha) => ({
          sha,
          url: `${base}/commits/${sha}`,
          html_url: `${site.api}/${repo.owner}/${repo.name}/commit/${sha}`,
        })),
      }));
    },
  );

  app.get<{ Params: RepoParams }>('/repos/:owner/:repo/languages', async (request) => {
    const repo = findRepo(context, request.params);
    return languageBytes(site.gitPath(repo), repo.default_branch);
  });
}
