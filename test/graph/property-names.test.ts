// Names of Parallel branches and Let bindings are data, not JavaScript: "toString",
// "constructor" and "__proto__" are ordinary property names for the checker (inference and
// forward checking) and for the executor, which must agree on them.
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../../engine/index.js';
import { repo } from '../cli/in-process.js';

const engine = await loadEngine({ root: repo });
const text = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] };

describe.each(['toString', 'constructor', '__proto__'])('a branch or binding named %s', (name) => {
  const parallel = {
    description: `A Parallel with a branch named ${name}.`,
    version: '1',
    root: JSON.parse(`{"op":"Parallel","branches":{"${name}":{"op":"Stage","id":"word_count"}}}`) as unknown,
  };

  it('is inferred as a required input property and checked forward', async () => {
    const report = await engine.check(parallel);
    expect(report.errors).toEqual([]);
    expect(Object.keys((report.input as { properties: object }).properties)).toEqual([name]);
    expect(Object.keys((report.output as { properties: object }).properties)).toEqual([name]);
  });

  it('runs to the output the checker computed', async () => {
    const input = JSON.parse(`{"${name}":{"text":"a b c"}}`) as unknown;
    const { output } = await engine.run(parallel, input, { cache: false });
    expect(JSON.stringify(output)).toBe(`{"${name}":{"words":3}}`);
  });

  it('is a property of the Let scope, which a closed body input does not accept', async () => {
    const letGraph = {
      description: `A Let binding named ${name}.`,
      version: '1',
      input: { ...text, additionalProperties: false },
      root: JSON.parse(
        `{"op":"Let","bindings":{"${name}":{"op":"Stage","id":"word_count"}},"body":{"op":"Stage","id":"shout"}}`,
      ) as unknown,
    };
    // shout's input is closed: the binding must reach its edge as an extra property (an
    // error, or for "__proto__", which ajv cannot tell from an inherited name, a warning).
    const report = await engine.check(letGraph);
    const findings = [...report.errors, ...report.warnings].map((d) => d.message);
    expect(findings.some((message) => message.includes(name))).toBe(true);
  });
});
