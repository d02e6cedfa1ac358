// `noether-ts graph check FILE…` and `noether-ts graph id FILE` (ENGINE §3, §6).
import { NoetherError } from '../errors.js';
import { readCompositionFile, type CheckReport, type Engine } from '../engine.js';
import { compositionId } from '../graph/canonical.js';
import { parseEffectList } from '../graph/effects.js';
import { shortForm } from '../schema/index.js';
import type { Effect } from '../stage/types.js';
import { envelopeError, envelopeOk, exitCodeFor, formatDiagnostic, plural, type CliIO } from './output.js';

export interface GraphCheckFlags {
  json: boolean;
  strict: boolean;
  printInput: boolean;
  allowEffects?: string;
  denyEffects?: string;
}

export async function graphCheck(
  engine: Engine,
  files: string[],
  flags: GraphCheckFlags,
  io: CliIO,
): Promise<number> {
  if (files.length === 0)
    throw new NoetherError('NOE_USAGE', 'graph check needs at least one composition file');
  const policy = {
    strict: flags.strict,
    ...effectFlag('--allow-effects', flags.allowEffects, 'allowEffects'),
    ...effectFlag('--deny-effects', flags.denyEffects, 'denyEffects'),
  };
  const reports: CheckReport[] = [];
  for (const file of files) reports.push(await engine.check(file, policy));
  const errors = reports.flatMap((r) => r.errors);
  const warnings = reports.flatMap((r) => r.warnings);
  const exit = exitCodeFor(errors);

  if (flags.json) {
    const data = { files: reports.map(reportJson) };
    if (exit === 0) envelopeOk(io, 'graph check', data);
    else
      envelopeError(io, 'graph check', { code: errors[0]!.code, message: summary(reports), details: data });
    return exit;
  }
  for (const d of [...errors, ...warnings]) io.stderr(formatDiagnostic(d));
  if (flags.printInput) {
    const inputs = reports.filter((r) => r.input !== undefined);
    const printed: unknown =
      inputs.length === 1 ? inputs[0]!.input : Object.fromEntries(inputs.map((r) => [r.file ?? '', r.input]));
    io.stdout(JSON.stringify(printed, null, 2) + '\n');
  } else {
    for (const r of reports) io.stdout(reportLine(r) + '\n');
  }
  io.stderr(summary(reports) + '\n');
  return exit;
}

export function graphId(files: string[], json: boolean, io: CliIO): number {
  if (files.length !== 1) throw new NoetherError('NOE_USAGE', 'graph id takes exactly one composition file');
  const file = files[0]!;
  const id = compositionId(readCompositionFile(file).composition.root);
  if (json) envelopeOk(io, 'graph id', { file, compositionId: id });
  else io.stdout(id + '\n');
  return 0;
}

export function effectFlag<K extends 'allowEffects' | 'denyEffects'>(
  flag: string,
  value: string | undefined,
  key: K,
): Partial<Record<K, Effect[]>> {
  if (value === undefined) return {};
  const { effects, unknown } = parseEffectList(value);
  if (unknown.length > 0) {
    throw new NoetherError(
      'NOE_USAGE',
      `${flag}: unknown effect ${unknown.map((u) => JSON.stringify(u)).join(', ')}`,
    );
  }
  return { [key]: effects } as Partial<Record<K, Effect[]>>;
}

function reportLine(r: CheckReport): string {
  const name = r.file ?? '<composition>';
  if (!r.ok) return `${name}: ${plural(r.errors.length, 'error')}`;
  const input = r.input === undefined ? '?' : shortForm(r.input);
  const output = r.output === undefined ? '?' : shortForm(r.output);
  const inferred = r.inputInferred ? ' (inferred)' : '';
  const warned = r.warnings.length > 0 ? `, ${plural(r.warnings.length, 'warning')}` : '';
  return `${name}: ok${warned} — input${inferred} ${input} → output ${output}; effects ${r.effects.join(', ') || 'none'}`;
}

function summary(reports: CheckReport[]): string {
  const failed = reports.filter((r) => !r.ok).length;
  const errors = reports.reduce((n, r) => n + r.errors.length, 0);
  const warnings = reports.reduce((n, r) => n + r.warnings.length, 0);
  return `${plural(reports.length, 'file')} checked: ${reports.length - failed} ok, ${failed} failed (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
}

function reportJson(r: CheckReport): Record<string, unknown> {
  const stages = Object.fromEntries([...r.stages].map(([ptr, s]) => [ptr, { name: s.name, id: s.id }]));
  return {
    file: r.file,
    ok: r.ok,
    compositionId: r.compositionId,
    input: r.input,
    inputInferred: r.inputInferred,
    output: r.output,
    effects: r.effects,
    stages,
    errors: r.errors,
    warnings: r.warnings,
  };
}
