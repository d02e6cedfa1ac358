import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../../engine/errors.js';
import type { DevPoOutput } from '../../../schemas/generated/types.js';
import { devPo } from '../../../stages/phases/index.js';
import { tempProject } from '../../temp-project.js';
import { callStage } from '../call-stage.js';
import { proseWrappedAnswers, providerEnv, recordingLog, type FakeProvider } from './fake-provider.js';

const components = [
  { name: 'NoteStore', purpose: 'Keeps notes on disk.', interface: 'save(note), load(id), list()' },
  { name: 'NoteApi', purpose: 'Serves notes over HTTP.', interface: 'GET /notes, POST /notes' },
];
const input = {
  components,
  design_doc: '# Design — notes\n',
  risks: ['Concurrent writes.'],
  framework: 'stub',
};

async function template(value: unknown = input): Promise<DevPoOutput> {
  return (await callStage(devPo, value, { env: {} })) as DevPoOutput;
}

function answerEnv(answer: unknown): Record<string, string> {
  return providerEnv('echo-answer', { FAKE_LLM_ANSWER: JSON.stringify(answer) });
}

const task = (id: string, depends_on: string[] = [], component = 'NoteStore') => ({
  id,
  title: `Do ${id}`,
  depends_on,
  agent_prompt: `Write the code of ${id}.`,
  framework: 'stub',
  component,
});

describe('dev_po without a provider (the template)', () => {
  it('plans an implementation task and a tests task after it, per component, in order', async () => {
    const output = await template();
    expect(output.tasks.map((t) => [t.id, t.depends_on, t.component, t.framework])).toEqual([
      ['impl-notestore', [], 'NoteStore', 'stub'],
      ['tests-notestore', ['impl-notestore'], 'NoteStore', 'stub'],
      ['impl-noteapi', [], 'NoteApi', 'stub'],
      ['tests-noteapi', ['impl-noteapi'], 'NoteApi', 'stub'],
    ]);
    expect(output.source).toBe('template');
  });

  it('carries the design doc, the components and the risks through', async () => {
    const output = await template();
    expect(output).toMatchObject({ design_doc: input.design_doc, components, risks: input.risks });
  });

  it('puts the purpose and the interface in the implementation prompt', async () => {
    const [impl] = (await template()).tasks;
    expect(impl.agent_prompt).toContain('Purpose: Keeps notes on disk.');
    expect(impl.agent_prompt).toContain('Interface: save(note), load(id), list()');
  });

  it('defaults the framework to claude-code, the design doc to empty and the risks to none', async () => {
    const output = await template({ components });
    expect(output.tasks.every((t) => t.framework === 'claude-code')).toBe(true);
    expect(output).toMatchObject({ design_doc: '', risks: [] });
  });

  it('makes ids that keep the id rule from any name: long, punctuation-only, or slugging alike', async () => {
    const odd = [
      { name: 'A'.repeat(90), purpose: 'p', interface: 'i' },
      { name: '***', purpose: 'p', interface: 'i' },
      { name: 'Note Store', purpose: 'p', interface: 'i' },
      { name: 'note-store', purpose: 'p', interface: 'i' },
    ];
    const ids = (await template({ components: odd })).tasks.map((t) => t.id);
    expect(ids).toEqual([
      `impl-${'a'.repeat(58)}`,
      `tests-${'a'.repeat(58)}`,
      'impl-component-2',
      'tests-component-2',
      'impl-note-store',
      'tests-note-store',
      'impl-note-store-2',
      'tests-note-store-2',
    ]);
  });

  it('rejects two components with the same name, naming the second', async () => {
    const twice = [components[0], { ...components[1], name: 'notestore' }];
    const error: unknown = await callStage(devPo, { components: twice }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoetherError);
    expect(error).toMatchObject({
      code: 'NOE_STAGE_INPUT_VIOLATION',
      place: { pointer: '/components/1/name' },
    });
  });
});

describe('dev_po with a provider', () => {
  it('uses a valid answer verbatim, even wrapped in prose', async () => {
    const output = await callStage(devPo, input, { env: providerEnv('prose-wrapped') });
    expect(output).toEqual({
      design_doc: input.design_doc,
      components,
      risks: input.risks,
      tasks: proseWrappedAnswers.dev.tasks,
      source: 'llm',
    });
  });

  const failures: [FakeProvider, RegExp][] = [
    ['garbage', /holds no JSON object/],
    ['exit-1', /exited with 1/],
    ['schema-breaking', /the LLM answer is invalid: \/tasks\/0\/id must match pattern/],
  ];
  for (const [provider, reason] of failures)
    it(`falls back to the same template when the provider is ${provider}, and logs why`, async () => {
      const { lines, log } = recordingLog();
      expect(await callStage(devPo, input, { env: providerEnv(provider), log })).toEqual(await template());
      expect(lines.join('\n')).toMatch(reason);
    });

  const broken: [string, unknown, RegExp][] = [
    [
      'repeats a task id',
      { tasks: [task('impl-a'), task('impl-a')] },
      /\/tasks\/1\/id: duplicate task id "impl-a"/,
    ],
    [
      'depends on a task that does not exist',
      { tasks: [task('impl-a', ['impl-z'])] },
      /depends on "impl-z", which is not a task/,
    ],
    ['has a dependency cycle', { tasks: [task('a', ['b']), task('b', ['a'])] }, /cycle: a → b → a/],
    [
      'names a component that does not exist',
      { tasks: [task('impl-a', [], 'Ghost')] },
      /\/tasks\/0\/component: "Ghost" is not one of the components/,
    ],
    ['has no task', { tasks: [] }, /\/tasks must NOT have fewer than 1 items/],
    ['has keys beside tasks', { tasks: [task('impl-a')], plan: 'x' }, /unexpected keys plan/],
  ];
  for (const [what, answer, reason] of broken)
    it(`falls back when the answer ${what}`, async () => {
      const { lines, log } = recordingLog();
      expect(await callStage(devPo, input, { env: answerEnv(answer), log })).toEqual(await template());
      expect(lines.join('\n')).toMatch(reason);
    });

  it('hands the components, the design doc and the framework to the provider', async () => {
    const record = join(tempProject(), 'record.json');
    await callStage(devPo, input, { env: providerEnv('recorder', { FAKE_LLM_RECORD_FILE: record }) });
    const { stdin } = JSON.parse(readFileSync(record, 'utf8')) as { stdin: string };
    expect(stdin).toContain(`<design_doc>\n${input.design_doc}\n</design_doc>`);
    expect(stdin).toContain('"name": "NoteApi"');
    expect(stdin).toContain('"framework":"stub"');
  });
});
