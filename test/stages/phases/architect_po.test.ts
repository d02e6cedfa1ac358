import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../../engine/errors.js';
import type { ArchitectPoOutput } from '../../../schemas/generated/types.js';
import { architectPo } from '../../../stages/phases/index.js';
import { tempProject } from '../../temp-project.js';
import { callStage } from '../call-stage.js';
import { proseWrappedAnswers, providerEnv, recordingLog, type FakeProvider } from './fake-provider.js';

const brief = { goal: 'Build a NoteStore and a NoteApi for the notes app', constraints: 'Node 20 only' };

async function template(input: unknown = brief): Promise<ArchitectPoOutput> {
  return (await callStage(architectPo, input, { env: {} })) as ArchitectPoOutput;
}

describe('architect_po without a provider (the template)', () => {
  it('says it used the template, and why', async () => {
    const { lines, log } = recordingLog();
    const output = (await callStage(architectPo, brief, { env: {}, log })) as ArchitectPoOutput;
    expect(output.source).toBe('template');
    expect(lines.join('\n')).toMatch(/template, because no LLM provider configured \(CALORON_LLM_COMMAND/);
  });

  it('takes the components from the names in the goal, not from a word that opens a sentence', async () => {
    const output = await template({
      goal: 'Build a TodoStore. Expose it through an API for the Mobile client.',
    });
    expect(output.components.map((component) => component.name)).toEqual(['TodoStore', 'API', 'Mobile']);
  });

  it('keeps one component per name whatever its case, and at most five', async () => {
    const output = await template({ goal: 'use Alpha, ALPHA, Beta, Gamma, Delta, Epsilon and Zeta' });
    expect(output.components.map((component) => component.name)).toEqual([
      'Alpha',
      'Beta',
      'Gamma',
      'Delta',
      'Epsilon',
    ]);
  });

  it('falls back to one Core component, with a risk saying so, when the goal names nothing', async () => {
    const output = await template({ goal: 'make the tests faster' });
    expect(output.components).toEqual([
      {
        name: 'Core',
        purpose: "Implements the 'Core' responsibility derived from the goal.",
        interface: 'Public surface for Core; see design_doc for contract.',
      },
    ]);
    expect(output.risks).toEqual([expect.stringMatching(/^Only one component/)]);
  });

  it('warns about security when the goal mentions auth as a word', async () => {
    const output = await template({ goal: 'add auth to the LoginPage and the UserApi' });
    expect(output.risks).toEqual([expect.stringMatching(/authentication but states no security/)]);
  });

  it('does not take "author" for auth', async () => {
    const output = await template({ goal: 'show the author on the PostPage and the FeedPage' });
    expect(output.risks).toEqual([]);
  });

  it('does not warn about security when the goal speaks of it', async () => {
    const output = await template({
      goal: 'add authentication with security reviews to the UserApi and WebApp',
    });
    expect(output.risks).toEqual([]);
  });

  it('writes a design doc titled by the goal, with its constraints and components', async () => {
    const output = await template();
    expect(output.design_doc).toBe(
      [
        '# Design — Build a NoteStore and a NoteApi for the notes app',
        '',
        '## Goal',
        '',
        'Build a NoteStore and a NoteApi for the notes app',
        '',
        '## Constraints',
        '',
        'Node 20 only',
        '',
        '## Components',
        '',
        "- **NoteStore** — Implements the 'NoteStore' responsibility derived from the goal.",
        "- **NoteApi** — Implements the 'NoteApi' responsibility derived from the goal.",
        '',
      ].join('\n'),
    );
  });

  it('leaves the constraints section out when there are none', async () => {
    const output = await template({ goal: 'Build a NoteStore', constraints: '  ' });
    expect(output.design_doc).not.toContain('## Constraints');
  });

  it('cuts a long first line of the goal to 80 characters in the title', async () => {
    const output = await template({ goal: `${'x'.repeat(100)}\nsecond line` });
    expect(output.design_doc.split('\n')[0]).toBe(`# Design — ${'x'.repeat(79)}…`);
  });

  it('rejects a blank goal, naming the field', async () => {
    const error: unknown = await callStage(architectPo, { goal: ' \n ' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoetherError);
    expect(error).toMatchObject({ code: 'NOE_STAGE_INPUT_VIOLATION', place: { pointer: '/goal' } });
  });
});

describe('architect_po with a provider', () => {
  it('uses a valid answer verbatim, even wrapped in prose and a code fence', async () => {
    const output = await callStage(architectPo, brief, { env: providerEnv('prose-wrapped') });
    expect(output).toEqual({ ...proseWrappedAnswers.architect, source: 'llm' });
  });

  it('hands the goal and the constraints to the provider on stdin', async () => {
    const record = join(tempProject(), 'record.json');
    await callStage(architectPo, brief, { env: providerEnv('recorder', { FAKE_LLM_RECORD_FILE: record }) });
    const { stdin } = JSON.parse(readFileSync(record, 'utf8')) as { stdin: string };
    expect(stdin).toContain(`<goal>\n${brief.goal}\n</goal>`);
    expect(stdin).toContain(`<constraints>\n${brief.constraints}\n</constraints>`);
  });

  const failures: [FakeProvider, RegExp][] = [
    ['garbage', /holds no JSON object/],
    ['exit-1', /exited with 1: fake provider: quota exceeded/],
    ['schema-breaking', /the LLM answer is invalid: \/components must NOT have fewer than 1 items/],
    ['recorder', /answered nothing/],
    ['flood', /wrote more than 1000000 characters/],
  ];
  for (const [provider, reason] of failures)
    it(`falls back to the same template when the provider is ${provider}, and logs why`, async () => {
      const { lines, log } = recordingLog();
      const env = providerEnv(provider, { FAKE_LLM_RECORD_FILE: join(tempProject(), 'record.json') });
      const output = await callStage(architectPo, brief, { env, log });
      expect(output).toEqual(await template());
      expect(lines.join('\n')).toMatch(reason);
    });

  it('falls back when two components share a name', async () => {
    const answer = {
      design_doc: '# D',
      components: [
        { name: 'Store', purpose: 'p', interface: 'i' },
        { name: 'store', purpose: 'p', interface: 'i' },
      ],
    };
    const { lines, log } = recordingLog();
    const env = providerEnv('echo-answer', { FAKE_LLM_ANSWER: JSON.stringify(answer) });
    const output = await callStage(architectPo, brief, { env, log });
    expect(output).toEqual(await template());
    expect(lines.join('\n')).toMatch(/\/components\/1\/name "store" repeats \/components\/0\/name/);
  });

  it('accepts an answer without risks as having none', async () => {
    const answer = { design_doc: '# D', components: [{ name: 'Store', purpose: 'p', interface: 'i' }] };
    const env = providerEnv('echo-answer', { FAKE_LLM_ANSWER: JSON.stringify(answer) });
    expect(await callStage(architectPo, brief, { env })).toEqual({ ...answer, risks: [], source: 'llm' });
  });

  it('falls back when the answer has fields the output does not', async () => {
    const answer = {
      design_doc: '# D',
      components: [{ name: 'Store', purpose: 'p', interface: 'i' }],
      notes: 'x',
    };
    const env = providerEnv('echo-answer', { FAKE_LLM_ANSWER: JSON.stringify(answer) });
    expect(await callStage(architectPo, brief, { env })).toEqual(await template());
  });
});

describe('architect_po template names', () => {
  it('skips words too long to be a component name', async () => {
    const output = await template({ goal: `use the ${'Long'.repeat(30)} and the NoteStore` });
    expect(output.components.map((component) => component.name)).toEqual(['NoteStore']);
  });
});

describe('architect_po prompt', () => {
  it('shows the provider the design brief and the existing components design_po passed on', async () => {
    const record = join(tempProject(), 'record.json');
    const inventory = [{ name: 'Logger', purpose: 'Logs lines.', interface: 'log(line)' }];
    const input = { ...brief, design_brief: 'calm UI', components_inventory: inventory };
    await callStage(architectPo, input, { env: providerEnv('recorder', { FAKE_LLM_RECORD_FILE: record }) });
    const { stdin } = JSON.parse(readFileSync(record, 'utf8')) as { stdin: string };
    expect(stdin).toContain('<design_brief>\ncalm UI\n</design_brief>');
    expect(stdin).toContain('"name": "Logger"');
  });
});
