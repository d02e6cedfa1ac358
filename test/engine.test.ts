import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../engine/index.js';

const repo = new URL('../', import.meta.url).pathname;
const fixtures = join(repo, 'test/fixtures/checker/stages.ts');
const TEXT = {
  type: 'object',
  properties: { text: { type: 'string' } },
  required: ['text'],
  additionalProperties: false,
};

describe('the library API (ENGINE §8)', () => {
  it('exports loadEngine, defineStage and isSubschema as the main export', () => {
    expect(typeof api.loadEngine).toBe('function');
    expect(typeof api.defineStage).toBe('function');
    expect(api.isSubschema({ type: 'integer' }, { type: 'number' }).verdict).toBe('yes');
  });

  it("loads the stages of the project's noether.config.json and checks a composition by path", async () => {
    const engine = await api.loadEngine({ root: repo });
    expect(engine.registry.get('word_count')).toBeDefined();
    const report = await engine.check(join(repo, 'examples/compositions/shout_and_count.json'));
    expect(report).toMatchObject({
      ok: true,
      errors: [],
      warnings: [],
      effects: ['Pure'],
      inputInferred: false,
    });
    expect(report.compositionId).toMatch(/^[0-9a-f]{64}$/);
    expect(report.output).toMatchObject({ required: ['loud', 'size'] });
  });

  it('finds the project root from a folder below it', async () => {
    const engine = await api.loadEngine({ cwd: join(repo, 'examples/compositions') });
    expect(engine.root).toBe(repo.replace(/\/$/, ''));
    expect(engine.registry.get('shout')).toBeDefined();
  });

  it('takes a noether.config.json that is a broken symbolic link as the project root, not one above it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'noether-engine-'));
    mkdirSync(join(dir, 'project'));
    symlinkSync(join(dir, 'missing.json'), join(dir, 'project', 'noether.config.json'));
    expect(api.findProjectRoot(join(dir, 'project'))).toBe(join(dir, 'project'));
  });

  it('adds --stages libraries from any working directory, without a project', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'noether-engine-'));
    const engine = await api.loadEngine({ cwd, stages: [fixtures] });
    expect(engine.root).toBeUndefined();
    expect(engine.registry.get('upper')).toBeDefined();
    expect(engine.registry.get('shout')).toBeUndefined();
  });

  it('checks a parsed composition object, and from a given input schema', async () => {
    const engine = await api.loadEngine({ cwd: tmpdir(), stages: [fixtures] });
    const graph = { description: 'x', version: '1', root: { op: 'Stage', id: 'upper' } };
    expect((await engine.check(graph)).inputInferred).toBe(true);
    const report = await engine.check(graph, { input: { type: 'number' } });
    expect(report.errors.map((e) => [e.code, e.pointer])).toEqual([['NOE_TYPE_MISMATCH', '/root']]);
    expect((await engine.check(graph, { input: TEXT })).ok).toBe(true);
  });

  it('reports a broken input schema given to check without placing it in the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'noether-engine-'));
    const file = join(dir, 'ok.json');
    writeFileSync(
      file,
      JSON.stringify({ description: 'x', version: '1', root: { op: 'Stage', id: 'upper' } }),
    );
    const engine = await api.loadEngine({ cwd: dir, stages: [fixtures] });
    const report = await engine.check(file, { input: { properties: { a: { $ref: '#/$defs/gone' } } } });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({
      code: 'NOE_SCHEMA_INVALID',
      details: { schemaPointer: '/properties/a/$ref' },
    });
    expect(report.errors[0]!.pointer).toBeUndefined();
    expect(report.errors[0]!.line).toBeUndefined();
  });

  it('places every diagnostic of a file at its line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'noether-engine-'));
    mkdirSync(join(dir, 'g'));
    const file = join(dir, 'g', 'bad.json');
    writeFileSync(
      file,
      `{\n  "description": "x",\n  "version": "1",\n  "input": {"type": "number"},\n  "root": {"op": "Stage", "id": "upper"}\n}\n`,
    );
    const engine = await api.loadEngine({ cwd: dir, stages: [fixtures] });
    const report = await engine.check(file);
    expect(report.errors).toMatchObject([
      { code: 'NOE_TYPE_MISMATCH', file, pointer: '/root', line: 5, column: 11 },
    ]);
    writeFileSync(file, '{"description": "x",\n "root": [');
    expect((await engine.check(file)).errors).toMatchObject([{ code: 'NOE_JSON_SYNTAX', file, line: 2 }]);
  });
});
