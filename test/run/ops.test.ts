// ENGINE §2, runtime column: one behaviour per test, run by the real executor.
import { describe, expect, it } from 'vitest';
import { defineStage } from '../../engine/stage/index.js';
import { run, runFailing, stage } from './harness.js';
import { constant, double, echo, flag, length, upper } from './stages.js';

const lib = [echo, upper, length, double, flag];

describe('Stage', () => {
  it('runs the stage on its input', async () => {
    expect((await run(lib, stage('upper'), { text: 'hi' })).output).toEqual({ text: 'HI' });
  });

  it('merges config over an object input, config winning', async () => {
    const { output } = await run(lib, stage('echo', { mode: 'loud', n: 1 }), { mode: 'plain', text: 'x' });
    expect(output).toEqual({ mode: 'loud', n: 1, text: 'x' });
  });

  it('fails with NOE_RUNTIME_TYPE when config meets a non-object input', async () => {
    const { error } = await runFailing(lib, stage('echo', { mode: 'loud' }), [1, 2]);
    expect(error.code).toBe('NOE_RUNTIME_TYPE');
    expect(error.place.pointer).toBe('/root');
  });

  it('hands the stage a frozen input, so a stage that mutates it fails', async () => {
    const mutate = defineStage<{ list: number[] }, unknown>({
      name: 'mutate',
      description: 'Pushes onto its input.',
      input: { type: 'object' },
      output: true,
      effects: ['Pure'],
      run: (input) => {
        input.list.push(1);
        return input;
      },
    });
    const input = { list: [0] };
    const { error } = await runFailing([mutate], stage('mutate'), input);
    expect(error.code).toBe('NOE_STAGE_FAILED');
    expect(input.list).toEqual([0]);
  });
});

describe('Const', () => {
  it('emits its value and ignores the input', async () => {
    expect((await run(lib, { op: 'Const', value: { a: [1] } }, 'ignored')).output).toEqual({ a: [1] });
  });
});

describe('Sequential', () => {
  it('folds left: each stage gets the previous output', async () => {
    const root = { op: 'Sequential', stages: [stage('upper'), stage('length')] };
    expect((await run(lib, root, { text: 'abc' })).output).toEqual({ n: 3 });
  });
});

describe('Parallel', () => {
  const root = { op: 'Parallel', branches: { text: stage('echo'), other: stage('echo') } };

  it('gives branch k the property k when the input has it as an own key', async () => {
    expect((await run(lib, root, { text: 'a', other: 2 })).output).toEqual({ text: 'a', other: 2 });
  });

  it('gives a branch the whole input when its key is absent', async () => {
    expect((await run(lib, root, { text: 'a' })).output).toEqual({ text: 'a', other: { text: 'a' } });
  });

  it('does not take an inherited key for an own one', async () => {
    const input = { text: 'a' };
    const branches = { toString: stage('echo') };
    expect((await run(lib, { op: 'Parallel', branches }, input)).output).toEqual({ toString: input });
  });

  it('gives every branch the whole input when the input is not an object', async () => {
    expect((await run(lib, root, [1])).output).toEqual({ text: [1], other: [1] });
  });
});

describe('Branch', () => {
  const root = {
    op: 'Branch',
    predicate: stage('flag'),
    if_true: { op: 'Const', value: 'yes' },
    if_false: stage('echo'),
  };

  it('runs if_true when the predicate outputs true', async () => {
    expect((await run(lib, root, { flag: true })).output).toBe('yes');
  });

  it('gives the chosen arm the original input, not the predicate output', async () => {
    expect((await run(lib, root, { flag: false, x: 1 })).output).toEqual({ flag: false, x: 1 });
  });

  it.each([1, 'true', null, [true]])(
    'fails with NOE_RUNTIME_TYPE when the predicate outputs %j',
    async (value) => {
      const { error } = await runFailing(lib, root, { flag: value });
      expect(error.code).toBe('NOE_RUNTIME_TYPE');
      expect(error.place.pointer).toBe('/root');
    },
  );
});

describe('Fanout', () => {
  it('runs every target on the source output, in target order', async () => {
    const root = { op: 'Fanout', source: stage('upper'), targets: [stage('length'), stage('echo')] };
    expect((await run(lib, root, { text: 'ab' })).output).toEqual([{ n: 2 }, { text: 'AB' }]);
  });
});

describe('Merge', () => {
  it('gives source i the property source_i when present, else the whole input; the target gets {source_i}', async () => {
    const root = { op: 'Merge', sources: [stage('echo'), stage('echo')], target: stage('echo') };
    const { output } = await run(lib, root, { source_1: 5, z: 0 });
    expect(output).toEqual({ source_0: { source_1: 5, z: 0 }, source_1: 5 });
  });
});

describe('Let', () => {
  it('gives the body the input with the binding outputs added', async () => {
    const root = { op: 'Let', bindings: { loud: stage('upper') }, body: stage('echo') };
    expect((await run(lib, root, { text: 'a' })).output).toEqual({ text: 'a', loud: { text: 'A' } });
  });

  it('shadows an input field with a binding of the same name', async () => {
    const root = { op: 'Let', bindings: { text: { op: 'Const', value: 'bound' } }, body: stage('echo') };
    expect((await run(lib, root, { text: 'input', k: 1 })).output).toEqual({ text: 'bound', k: 1 });
  });

  it('fails with NOE_RUNTIME_TYPE on a non-object input', async () => {
    const root = { op: 'Let', bindings: { a: stage('echo') }, body: stage('echo') };
    const { error } = await runFailing(lib, root, 'text');
    expect(error.code).toBe('NOE_RUNTIME_TYPE');
  });

  it('runs the bindings concurrently', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = defineStage({
      name: 'slow',
      description: 'Waits a little.',
      input: true,
      output: true,
      effects: ['Pure'],
      run: async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return 1;
      },
    });
    const root = {
      op: 'Let',
      bindings: { a: stage('slow'), b: stage('slow'), c: stage('slow') },
      body: stage('echo'),
    };
    await run([slow, echo], root, {}, { cache: undefined });
    expect(most).toBe(3);
  });
});

describe('Map', () => {
  it('applies the child to every element, keeping their order', async () => {
    const root = { op: 'Map', stage: stage('double') };
    expect((await run(lib, root, [1, 2, 3, 4])).output).toEqual([2, 4, 6, 8]);
  });

  it('keeps the order when later elements finish first', async () => {
    const delayed = defineStage<number, number>({
      name: 'delayed',
      description: 'Answers after n ms.',
      input: { type: 'integer' },
      output: { type: 'integer' },
      effects: ['Pure'],
      run: (n) => new Promise((r) => setTimeout(() => r(n), n)),
    });
    expect((await run([delayed], { op: 'Map', stage: stage('delayed') }, [30, 1, 15, 0])).output).toEqual([
      30, 1, 15, 0,
    ]);
  });

  it('runs at most `concurrency` elements at once', async () => {
    let inFlight = 0;
    let most = 0;
    const counted = defineStage<number, number>({
      name: 'counted',
      description: 'Counts how many run at once.',
      input: { type: 'integer' },
      output: { type: 'integer' },
      effects: ['Pure'],
      run: async (n) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return n;
      },
    });
    const items = Array.from({ length: 20 }, (_, i) => i);
    const { output } = await run([counted], { op: 'Map', stage: stage('counted'), concurrency: 3 }, items);
    expect(output).toEqual(items);
    expect(most).toBe(3);
  });

  it('records the element index of each call in the trace', async () => {
    const { trace } = await run(lib, { op: 'Map', stage: stage('double') }, [1, 2]);
    expect(trace.calls.map((c) => c.item)).toEqual([[0], [1]]);
  });

  it('fails with NOE_RUNTIME_TYPE on a non-array input', async () => {
    const { error } = await runFailing(lib, { op: 'Map', stage: stage('double') }, { 0: 1 });
    expect(error.code).toBe('NOE_RUNTIME_TYPE');
  });

  it('outputs [] for an empty array without calling the child', async () => {
    const { output, trace } = await run(lib, { op: 'Map', stage: stage('double') }, []);
    expect(output).toEqual([]);
    expect(trace.calls).toEqual([]);
  });
});

describe('values', () => {
  it('passes a key named __proto__ through as an own property', async () => {
    const root = { op: 'Parallel', branches: { ['__proto__']: { op: 'Const', value: 1 } } };
    const { output } = await run([constant('c', 1)], root, null);
    expect(Object.hasOwn(output as object, '__proto__')).toBe(true);
  });
});
