// The one stage-reference resolver (ENGINE §2): names, pinned names, full ids, signature
// ids and id prefixes, with failures returned as values carrying a code, a message that
// says what to do, and suggestions.
import { describe, expect, it } from 'vitest';
import { passthroughStage as stage } from './passthrough-stage.js';
import { StageRegistry, type Stage } from '../../engine/stage/index.js';

/** A real stage given a chosen id, to place ids next to each other. */
function withId(name: string, id: string): Stage {
  return { ...stage(name), id };
}

const dagEvaluate = stage('dag_evaluate');
const wordCount = stage('word_count');

function registryOf(...stages: Stage[]): StageRegistry {
  const registry = new StageRegistry();
  for (const s of stages) registry.add(s);
  return registry;
}

const registry = registryOf(dagEvaluate, wordCount, stage('dag_validate'));

describe('resolving a stage reference', () => {
  it('finds a stage by its name', () => {
    expect(registry.resolve('dag_evaluate')).toEqual({ ok: true, stage: dagEvaluate });
  });

  it('prefers an exact name over an id prefix that reads the same', () => {
    const named = stage('abcdef12');
    const prefixed = withId('other', `abcdef12${'0'.repeat(56)}`);
    expect(registryOf(named, prefixed).resolve('abcdef12')).toEqual({ ok: true, stage: named });
  });

  it('finds a pinned name whose pin is a prefix of the stage id', () => {
    expect(registry.resolve(`dag_evaluate@${dagEvaluate.id.slice(0, 8)}`)).toEqual({
      ok: true,
      stage: dagEvaluate,
    });
  });

  it('reports a pin that no longer matches, saying which stage changed and both prefixes', () => {
    const stale = dagEvaluate.id.startsWith('00000000') ? '11111111' : '00000000';
    const result = registry.resolve(`dag_evaluate@${stale}`);
    expect(result).toMatchObject({ ok: false, code: 'NOE_PIN_MISMATCH' });
    if (result.ok) return;
    expect(result.message).toContain('stage "dag_evaluate" changed');
    expect(result.message).toContain(`pins ${stale}`);
    expect(result.message).toContain(`now ${dagEvaluate.id.slice(0, 8)}`);
  });

  it('rejects a pin shorter than 8 hex digits', () => {
    const result = registry.resolve(`dag_evaluate@${dagEvaluate.id.slice(0, 6)}`);
    expect(result).toMatchObject({ ok: false, code: 'NOE_STAGE_NOT_FOUND' });
  });

  it('finds a stage by its full id', () => {
    expect(registry.resolve(wordCount.id)).toEqual({ ok: true, stage: wordCount });
  });

  it('reads hex ids in any case', () => {
    expect(registry.resolve(wordCount.id.toUpperCase())).toEqual({ ok: true, stage: wordCount });
  });

  it('finds a stage by its signature id', () => {
    expect(registry.resolve(wordCount.signatureId)).toEqual({ ok: true, stage: wordCount });
  });

  it('refuses a signature id when pinning is "both", pointing at the implementation id', () => {
    const result = registry.resolve(wordCount.signatureId, 'both');
    expect(result).toMatchObject({ ok: false, code: 'NOE_STAGE_NOT_FOUND' });
    if (result.ok) return;
    expect(result.message).toContain('signature id of stage "word_count"');
  });

  it('finds a stage by a unique id prefix of 8 hex digits', () => {
    expect(registry.resolve(wordCount.id.slice(0, 8))).toEqual({ ok: true, stage: wordCount });
  });

  it('reports an id prefix shared by several stages, listing them by name and id prefix', () => {
    const left = withId('left', `deadbeef11${'0'.repeat(54)}`);
    const right = withId('right', `deadbeef22${'0'.repeat(54)}`);
    const result = registryOf(left, right).resolve('deadbeef');
    expect(result).toMatchObject({ ok: false, code: 'NOE_STAGE_AMBIGUOUS', suggestions: ['left', 'right'] });
    if (result.ok) return;
    expect(result.message).toContain('"left" (deadbeef1100…)');
    expect(result.message).toContain('"right" (deadbeef2200…)');
  });

  it('rejects an id prefix shorter than 8 hex digits', () => {
    const result = registry.resolve(wordCount.id.slice(0, 7));
    expect(result).toMatchObject({ ok: false, code: 'NOE_STAGE_NOT_FOUND' });
    if (result.ok) return;
    expect(result.message).toContain('at least 8 hex digits');
  });

  it('suggests the nearest names for a name it does not know', () => {
    expect(registry.resolve('dag_evalute')).toEqual({
      ok: false,
      code: 'NOE_STAGE_NOT_FOUND',
      message: 'stage "dag_evalute" not found; did you mean "dag_evaluate"?',
      suggestions: ['dag_evaluate'],
    });
  });

  it('suggests several names nearest first', () => {
    const result = registry.resolve('dag_valuate');
    expect(result).toMatchObject({ ok: false, suggestions: ['dag_evaluate', 'dag_validate'] });
  });

  it('suggests names that contain a partial name', () => {
    const result = registry.resolve('count');
    expect(result).toMatchObject({ ok: false, suggestions: ['word_count'] });
  });

  it('suggests the nearest names for a pinned name it does not know', () => {
    const result = registry.resolve('word_cont@12345678');
    expect(result).toMatchObject({ ok: false, code: 'NOE_STAGE_NOT_FOUND', suggestions: ['word_count'] });
  });

  it('says only "not found" when no name is close', () => {
    expect(registry.resolve('send_email')).toEqual({
      ok: false,
      code: 'NOE_STAGE_NOT_FOUND',
      message: 'stage "send_email" not found',
      suggestions: [],
    });
  });

  it('suggests the lowercase name for a name in capitals', () => {
    expect(registry.resolve('WORD_COUNT')).toEqual({
      ok: false,
      code: 'NOE_STAGE_NOT_FOUND',
      message: 'stage "WORD_COUNT" not found; did you mean "word_count"? (stage names are lowercase)',
      suggestions: ['word_count'],
    });
  });

  it.each(['@abcdef12', '@', 'word_count@xyz12345', 'word_count@@12345678', 'Word_Count@12345678'])(
    'explains the name@<hex> form for the malformed pinned reference %j',
    (ref) => {
      const result = registry.resolve(ref);
      expect(result).toMatchObject({ ok: false, code: 'NOE_STAGE_NOT_FOUND' });
      if (result.ok) return;
      expect(result.message).toContain('is malformed: a pinned reference is name@<8 to 64 hex digits');
      expect(result.suggestions).toEqual(ref.startsWith('@') ? [] : ['word_count']);
    },
  );

  it('cuts a very long reference short in its message', () => {
    const result = registry.resolve('x'.repeat(10_000));
    if (result.ok) throw new Error('resolved');
    expect(result.message.length).toBeLessThan(200);
  });

  it('reports a full id that no stage has', () => {
    expect(registry.resolve('f'.repeat(64))).toMatchObject({ ok: false, code: 'NOE_STAGE_NOT_FOUND' });
  });
});
