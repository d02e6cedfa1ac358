// Stage content ids (ENGINE §1): the JCS + SHA-256 scheme reproduces Noether's golden
// vectors, and an id follows exactly what it covers: name, schemas, effects and the
// implementation, never key order or effect order.
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../engine/json/jcs.js';
import { defineStage, stageIds, type StageIdentity } from '../../engine/stage/index.js';

const identity: StageIdentity = {
  name: 'word_count',
  input: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  output: { type: 'object', properties: { words: { type: 'integer' } }, required: ['words'] },
  effects: ['Pure', 'Fallible'],
  implementationHash: sha256Hex('the source'),
};

describe('the hash scheme', () => {
  // noether-engine.md §3.2: Noether's stage ids for these exact objects (NType schemas,
  // EffectSet of Pure), recomputed there as 980de483c894…8ce3 and 9ff5f0c6…dbbc.
  it('reproduces Noether’s golden vector for test: Text → Number, Pure, abc123', () => {
    const signature = {
      name: 'test',
      input: { kind: 'Text' },
      output: { kind: 'Number' },
      effects: { effects: [{ effect: 'Pure' }] },
      implementation_hash: 'abc123',
    };
    expect(sha256Hex(canonicalJson(signature))).toBe(
      '980de483c8940ece66165badd67c41a7f82aa286d1b170da5c12b149049e8ce3',
    );
  });

  it('reproduces Noether’s golden vector for test: Bool → Bool, Pure, identity', () => {
    const signature = {
      implementation_hash: 'identity',
      output: { kind: 'Bool' },
      name: 'test',
      input: { kind: 'Bool' },
      effects: { effects: [{ effect: 'Pure' }] },
    };
    expect(sha256Hex(canonicalJson(signature))).toBe(
      '9ff5f0c6927b8f2eb767e5ed2288dc07f192b2e8c6e78246fdd452a54296dbbc',
    );
  });

  it('hashes {name, input, output, effects sorted alphabetically, implementation_hash}', () => {
    const { name, input, output, implementationHash } = identity;
    const expected = sha256Hex(
      canonicalJson({
        name,
        input,
        output,
        effects: ['Fallible', 'Pure'],
        implementation_hash: implementationHash,
      }),
    );
    expect(stageIds(identity).id).toBe(expected);
  });

  it('leaves implementation_hash out of the signature id', () => {
    const { name, input, output } = identity;
    const expected = sha256Hex(canonicalJson({ name, input, output, effects: ['Fallible', 'Pure'] }));
    expect(stageIds(identity).signatureId).toBe(expected);
  });
});

describe('stage ids', () => {
  it('do not depend on the key order of the schemas', () => {
    const reordered = {
      ...identity,
      input: { required: ['text'], properties: { text: { type: 'string' } }, type: 'object' },
    };
    expect(stageIds(reordered)).toEqual(stageIds(identity));
  });

  it('do not depend on the order effects are declared in', () => {
    expect(stageIds({ ...identity, effects: ['Fallible', 'Pure'] })).toEqual(stageIds(identity));
  });

  it('change with the input schema', () => {
    const changed = {
      ...identity,
      input: { type: 'object', properties: { text: { type: 'string', minLength: 1 } } },
    };
    expect(stageIds(changed).id).not.toBe(stageIds(identity).id);
    expect(stageIds(changed).signatureId).not.toBe(stageIds(identity).signatureId);
  });

  it('change with the output schema', () => {
    expect(stageIds({ ...identity, output: { type: 'object' } }).id).not.toBe(stageIds(identity).id);
  });

  it('change with the effects', () => {
    const changed = stageIds({ ...identity, effects: ['Pure'] });
    expect(changed.id).not.toBe(stageIds(identity).id);
    expect(changed.signatureId).not.toBe(stageIds(identity).signatureId);
  });

  it('change with the name', () => {
    expect(stageIds({ ...identity, name: 'words_of' }).id).not.toBe(stageIds(identity).id);
  });

  it('change with the implementation while the signature id stays', () => {
    const changed = stageIds({ ...identity, implementationHash: sha256Hex('edited source') });
    expect(changed.id).not.toBe(stageIds(identity).id);
    expect(changed.signatureId).toBe(stageIds(identity).signatureId);
  });

  it('of a built-in do not cover the description, which is not part of a stage’s identity', () => {
    const define = (description: string) =>
      defineStage({ name: 'same', description, input: true, output: true, effects: ['Pure'], run: (x) => x });
    // Both definitions live in this file, so they share an implementation hash.
    expect(define('One sentence.').id).toBe(define('Another sentence.').id);
  });
});
