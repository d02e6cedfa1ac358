// The schemas folder (CALORON §1–§2, ENGINE §1): every domain and stage schema is
// well-formed once bundled, cross-file refs resolve, and the committed generated types
// are what `npm run gen:types` would write now.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isValid, schemaProblems } from '../../engine/schema/index.js';
import { DOMAIN_DIR, domainSchema, everySchema, STAGES_DIR, stageSchemas } from '../../schemas/index.js';
import { GENERATED_TYPES, generateTypes } from '../../schemas/generate.js';

const names = (dir: string) =>
  readdirSync(dir)
    .filter((file) => file.endsWith('.schema.json'))
    .map((file) => file.slice(0, -'.schema.json'.length));

describe('domain schemas', () => {
  it.each(names(DOMAIN_DIR))('%s is well-formed once bundled', (name) => {
    expect(schemaProblems(domainSchema(name))).toEqual([]);
  });

  it('bundle every file a schema reaches, under its file name', () => {
    const state = domainSchema('dag-state');
    expect(Object.keys(state.$defs ?? {}).sort()).toEqual(['id', 'task', 'task-status', 'timestamp']);
  });

  it('accept a task as kickoff writes it and reject one with a status off the table', () => {
    const task = {
      id: 'a',
      title: 'A',
      status: 'Pending',
      depends_on: [],
      agent_id: 'dev-1',
      reviewer_id: 'rev-1',
      issue_number: null,
      pr_number: null,
      started_at: null,
      completed_at: null,
      status_changed_at: null,
      review_cycles: 0,
      intervention_count: 0,
      action_seq: 0,
    };
    const state = { sprint_id: 's1', tasks: { a: task }, processed_events: [] };
    expect(isValid(domainSchema('dag-state'), state)).toBe(true);
    expect(isValid(domainSchema('dag-state'), { ...state, tasks: { a: { ...task, status: 'Doing' } } })).toBe(
      false,
    );
    expect(isValid(domainSchema('dag-state'), { ...state, tasks: { 'A/..': task } })).toBe(false);
  });
});

describe('stage schemas', () => {
  it.each(names(STAGES_DIR))('%s has a well-formed input and output', (name) => {
    const { input, output } = stageSchemas(name);
    expect(schemaProblems(input)).toEqual([]);
    expect(schemaProblems(output)).toEqual([]);
  });
});

describe('generated types', () => {
  it('name every domain type once', () => {
    expect(Object.keys(everySchema().$defs ?? {})).toEqual(
      expect.arrayContaining(['task', 'event', 'action']),
    );
  });

  it('are up to date with the schemas (run `npm run gen:types` when this fails)', async () => {
    expect(readFileSync(GENERATED_TYPES, 'utf8')).toBe(await generateTypes());
  });
});
