// `noether-ts stage list` and `noether-ts stage show REF` (ENGINE §6).
import { NoetherError } from '../errors.js';
import type { Engine } from '../engine.js';
import type { Stage } from '../stage/types.js';
import { envelopeOk, type CliIO } from './output.js';

export function stageList(engine: Engine, json: boolean, io: CliIO): number {
  const stages = engine.registry.list();
  if (json) {
    envelopeOk(io, 'stage list', { stages: stages.map(summaryJson) });
    return 0;
  }
  if (stages.length === 0) {
    io.stderr('no stages: name libraries in noether.config.json or with --stages\n');
    return 0;
  }
  const width = Math.max(...stages.map((s) => s.name.length));
  for (const s of stages) {
    io.stdout(
      `${s.name.padEnd(width)}  ${s.id.slice(0, 12)}  ${s.effects.join(',').padEnd(16)}  ${s.description}\n`,
    );
  }
  return 0;
}

export function stageShow(engine: Engine, refs: string[], json: boolean, io: CliIO): number {
  if (refs.length !== 1 || refs[0] === '')
    throw new NoetherError('NOE_USAGE', 'stage show takes exactly one stage name or id');
  const result = engine.registry.resolve(refs[0]!);
  if (!result.ok)
    throw new NoetherError(result.code, result.message, { details: { suggestions: result.suggestions } });
  const s = result.stage;
  if (json) {
    envelopeOk(io, 'stage show', {
      ...summaryJson(s),
      input: s.input,
      output: s.output,
      examples: s.examples,
      implementation: implementationJson(s),
    });
    return 0;
  }
  const impl = implementationJson(s);
  io.stdout(
    [
      `${s.name}: ${s.description}`,
      `  id:           ${s.id}`,
      `  signature id: ${s.signatureId}`,
      `  effects:      ${s.effects.join(', ')}`,
      `  implemented:  ${impl.kind === 'builtin' ? `built-in (${impl.source ?? 'unknown file'})` : `command ${JSON.stringify(impl.command)}`}`,
      ...(s.timeoutMs === undefined ? [] : [`  timeout:      ${s.timeoutMs} ms`]),
      `  examples:     ${s.examples.length}`,
      `  input:  ${JSON.stringify(s.input, null, 2).replace(/\n/g, '\n  ')}`,
      `  output: ${JSON.stringify(s.output, null, 2).replace(/\n/g, '\n  ')}`,
    ].join('\n') + '\n',
  );
  return 0;
}

function summaryJson(s: Stage): Record<string, unknown> {
  return {
    name: s.name,
    id: s.id,
    signatureId: s.signatureId,
    effects: s.effects,
    description: s.description,
  };
}

function implementationJson(s: Stage): { kind: string; source?: string; command?: string[] } {
  const impl = s.implementation;
  if (impl.kind === 'builtin')
    return impl.sourceFile === undefined ? { kind: impl.kind } : { kind: impl.kind, source: impl.sourceFile };
  return { kind: impl.kind, command: impl.command, source: impl.specFile };
}
