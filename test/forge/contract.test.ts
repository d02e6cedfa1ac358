// The forge's answers against GitHub's OpenAPI document: a scripted session calls every
// endpoint the forge serves (successes and the documented failures), and each answer's
// body must validate against the document's response schema for that operation and
// status. The list of served operations is explicit, so a new route without a contract
// check fails the coverage test.
import { describe, expect, it } from 'vitest';
import { testForge, type Answer } from './forge-harness.js';
import { pushBranch } from './git-work.js';
import { responseValidator, templateOf } from './openapi.js';

const SERVED = [
  'POST /user/repos 201',
  'POST /orgs/{org}/repos 201',
  'GET /repos/{owner}/{repo} 200',
  'GET /repos/{owner}/{repo}/commits 200',
  'GET /repos/{owner}/{repo}/languages 200',
  'POST /repos/{owner}/{repo}/issues 201',
  'GET /repos/{owner}/{repo}/issues 200',
  'GET /repos/{owner}/{repo}/issues/{issue_number} 200',
  'PATCH /repos/{owner}/{repo}/issues/{issue_number} 200',
  'POST /repos/{owner}/{repo}/labels 201',
  'GET /repos/{owner}/{repo}/labels 200',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels 200',
  'GET /repos/{owner}/{repo}/issues/{issue_number}/labels 200',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments 201',
  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments 200',
  'GET /repos/{owner}/{repo}/issues/comments 200',
  'GET /repos/{owner}/{repo}/issues/{issue_number}/events 200',
  'GET /repos/{owner}/{repo}/issues/events 200',
  'POST /repos/{owner}/{repo}/pulls 201',
  'GET /repos/{owner}/{repo}/pulls 200',
  'GET /repos/{owner}/{repo}/pulls/{pull_number} 200',
  'PATCH /repos/{owner}/{repo}/pulls/{pull_number} 200',
  'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge 200',
  'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge 405',
  'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews 200',
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews 200',
  'GET /repos/{owner}/{repo} 404',
  'POST /repos/{owner}/{repo}/issues 422',
  'POST /repos/{owner}/{repo}/pulls 422',
];

interface Recorded {
  operation: string;
  answer: Answer;
}

async function scriptedSession(): Promise<Recorded[]> {
  const forge = await testForge();
  const recorded: Recorded[] = [];
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const answer = await forge.call(method, path, body);
    const template = templateOf(path.split('?')[0] ?? '');
    recorded.push({ operation: `${method} ${template ?? path} ${answer.status}`, answer });
    return answer;
  };
  const created = await call('POST', '/user/repos', { name: 'demo', description: 'contract' });
  const remote = (created.body as { clone_url: string }).clone_url;
  await call('POST', '/orgs/acme/repos', { name: 'widgets' });
  await call('GET', '/repos/nobody/nothing');
  await call('POST', '/repos/caloron/demo/labels', {
    name: 'caloron:task',
    color: '0e8a16',
    description: 'a task',
  });
  await call('POST', '/repos/caloron/demo/issues', {
    title: 'Task A',
    body: 'marker',
    labels: ['caloron:task'],
  });
  await call('POST', '/repos/caloron/demo/issues', { body: 'no title' });
  await call('POST', '/repos/caloron/demo/issues/1/labels', { labels: ['caloron:assigned'] });
  await call('POST', '/repos/caloron/demo/issues/1/comments', { body: 'probe' });
  await call('PATCH', '/repos/caloron/demo/issues/1', { title: 'Task A!', labels: ['caloron:task'] });
  await pushBranch(remote, 'caloron/s1/a', { 'a.ts': 'export const a = 1;\n' });
  await pushBranch(remote, 'left', { 'README.md': 'left\n' });
  await call('POST', '/repos/caloron/demo/pulls', {
    title: 'A',
    head: 'caloron/s1/a',
    base: 'main',
    body: 'Closes #1',
  });
  await call('POST', '/repos/caloron/demo/pulls', { title: 'nothing', head: 'missing', base: 'main' });
  await call('POST', '/repos/caloron/demo/pulls', { title: 'Left', head: 'left', base: 'main' });
  await call('POST', '/repos/caloron/demo/pulls/2/reviews', { event: 'REQUEST_CHANGES', body: 'again' });
  await call('POST', '/repos/caloron/demo/pulls/2/reviews', { event: 'APPROVE' });
  await call('PATCH', '/repos/caloron/demo/pulls/2', { body: 'Closes #1 (updated)' });
  await call('GET', '/repos/caloron/demo/pulls/2');
  await call('GET', '/repos/caloron/demo/pulls?state=all');
  await call('PUT', '/repos/caloron/demo/pulls/2/merge');
  await pushBranch(remote, 'right', { 'README.md': 'right\n' });
  await call('PUT', '/repos/caloron/demo/pulls/3/merge');
  await call('POST', '/repos/caloron/demo/pulls', { title: 'Right', head: 'right', base: 'main' });
  await call('PUT', '/repos/caloron/demo/pulls/4/merge');
  await call('GET', '/repos/caloron/demo/pulls/2');
  await call('GET', '/repos/caloron/demo/pulls/4');
  await call('GET', '/repos/caloron/demo/pulls/2/reviews');
  await call('GET', '/repos/caloron/demo');
  await call('GET', '/repos/caloron/demo/commits?per_page=2');
  await call('GET', '/repos/caloron/demo/languages');
  await call('GET', '/repos/caloron/demo/labels');
  await call('GET', '/repos/caloron/demo/issues?state=all&since=2020-01-01T00:00:00Z');
  await call('GET', '/repos/caloron/demo/issues/1');
  await call('GET', '/repos/caloron/demo/issues/1/labels');
  await call('GET', '/repos/caloron/demo/issues/1/comments');
  await call('GET', '/repos/caloron/demo/issues/comments');
  await call('GET', '/repos/caloron/demo/issues/1/events');
  await call('GET', '/repos/caloron/demo/issues/2/events');
  await call('GET', '/repos/caloron/demo/issues/events');
  return recorded;
}

let session: Promise<Recorded[]> | undefined;
const recorded = (): Promise<Recorded[]> => (session ??= scriptedSession());

describe('contract with GitHub’s OpenAPI document', () => {
  it('covers every served operation and status in the scripted session', async () => {
    const operations = new Set((await recorded()).map((entry) => entry.operation));
    expect(SERVED.filter((operation) => !operations.has(operation))).toEqual([]);
    expect([...operations].filter((operation) => !SERVED.includes(operation))).toEqual([]);
  });

  it.each(SERVED)('answers %s with a body valid for the documented schema', async (operation) => {
    const [method = '', template = '', status = ''] = operation.split(' ');
    const validate = responseValidator(method, template, Number(status));
    expect(validate, `${operation} is documented with a JSON body`).toBeDefined();
    const answers = (await recorded()).filter((entry) => entry.operation === operation);
    for (const { answer } of answers) {
      const valid = validate?.(answer.body);
      expect(valid ? [] : validate?.errors?.slice(0, 5)).toEqual([]);
    }
  });
});

describe('the OpenAPI adapter', () => {
  const labels = () => responseValidator('GET', '/repos/{owner}/{repo}/labels', 200);
  const label = {
    id: 1,
    node_id: 'LA_1',
    url: 'http://127.0.0.1/l',
    name: 'a',
    description: null,
    color: 'fff',
    default: false,
  };

  it('rejects a body missing a required property', () => {
    const { id: _id, ...withoutId } = label;
    expect(labels()?.([withoutId])).toBe(false);
  });

  it('accepts null where the document says nullable, and only there', () => {
    expect(labels()?.([label])).toBe(true);
    expect(labels()?.([{ ...label, color: null }])).toBe(false);
  });

  it('resolves $ref to components (a user inside an issue is checked)', async () => {
    const template = '/repos/{owner}/{repo}/issues/{issue_number}';
    const issue = responseValidator('GET', template, 200);
    const served = (await recorded()).find((entry) => entry.operation === `GET ${template} 200`);
    const body = served?.answer.body as Record<string, unknown>;
    expect(issue?.(body)).toBe(true);
    expect(issue?.({ ...body, user: { login: 'x' } })).toBe(false);
    expect(issue?.errors?.every((error) => error.instancePath.startsWith('/user'))).toBe(true);
  });

  it('maps a concrete path to its template, static segments first', () => {
    expect(templateOf('/repos/o/r/issues/comments')).toBe('/repos/{owner}/{repo}/issues/comments');
    expect(templateOf('/repos/o/r/issues/12')).toBe('/repos/{owner}/{repo}/issues/{issue_number}');
  });
});
