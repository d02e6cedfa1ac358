// `noether-ts trace [ID | --last]` (ENGINE §5): a recorded run as a tree of the nodes that
// made stage calls, each call with its duration, attempt, cache use, status and error,
// and the messages the stage logged. With --json, the trace file itself in an envelope.
import { findProjectRoot } from '../engine.js';
import { NoetherError } from '../errors.js';
import { pointerTokens } from '../json/pointer.js';
import { readTrace, type Trace, type TraceCall } from '../run/index.js';
import { envelopeOk, type CliIO } from './output.js';

export async function showTrace(
  ids: string[],
  flags: { json: boolean; last: boolean },
  io: CliIO,
): Promise<number> {
  if (ids.length > 1 || (ids.length === 1 && flags.last))
    throw new NoetherError('NOE_USAGE', 'trace takes one execution id, or --last (the default)');
  const { trace } = await readTrace(findProjectRoot(io.cwd) ?? io.cwd, ids[0]);
  if (flags.json) envelopeOk(io, 'trace', trace);
  else io.stdout(formatTrace(trace));
  return 0;
}

/** Fields whose next token names a child (an index or a key); the others name one child. */
const KEYED = new Set(['stages', 'branches', 'targets', 'sources', 'bindings']);

interface Step {
  label: string;
  calls: TraceCall[];
  children: Map<string, Step>;
}

export function formatTrace(trace: Trace): string {
  const outcome = trace.ok ? 'ok' : `failed ${trace.error?.code ?? ''}`;
  const lines = [
    `execution ${trace.execution_id}: ${outcome} in ${ms(trace.duration_ms)}`,
    `composition ${trace.composition_id}, started ${trace.started_at}`,
  ];
  if (trace.error !== undefined)
    lines.push(
      `error ${trace.error.code}${trace.error.pointer === undefined ? '' : ` at ${trace.error.pointer}`}: ${trace.error.message}`,
    );
  const root = tree(trace.calls);
  lines.push(root.label);
  render(root, '', lines);
  for (const hook of trace.hook_errors ?? [])
    lines.push(`onRunEnd hook failed: ${hook.code}: ${hook.message}`);
  return lines.join('\n') + '\n';
}

function tree(calls: readonly TraceCall[]): Step {
  const root: Step = { label: '/root', calls: [], children: new Map() };
  for (const call of calls) {
    const tokens = pointerTokens(call.pointer).slice(1);
    let step = root;
    for (let i = 0; i < tokens.length; i++) {
      const label =
        KEYED.has(tokens[i]!) && i + 1 < tokens.length ? `${tokens[i]}/${tokens[++i]}` : tokens[i]!;
      let next = step.children.get(label);
      if (next === undefined) {
        next = { label, calls: [], children: new Map() };
        step.children.set(label, next);
      }
      step = next;
    }
    step.calls.push(call);
  }
  return root;
}

function render(step: Step, indent: string, lines: string[]): void {
  const entries: Array<{ text: string; step?: Step; logs?: TraceCall['logs'] }> = [
    ...step.calls.map((call) => ({ text: callLine(call), logs: call.logs })),
    ...[...step.children.values()].map((child) => {
      const single = child.children.size === 0 && child.calls.length === 1 ? child.calls[0] : undefined;
      return single === undefined
        ? { text: child.label, step: child }
        : { text: `${child.label}  ${callLine(single)}`, logs: single.logs };
    }),
  ];
  entries.forEach((entry, i) => {
    const last = i === entries.length - 1;
    lines.push(`${indent}${last ? '└─ ' : '├─ '}${entry.text}`);
    const below = indent + (last ? '   ' : '│  ');
    for (const log of entry.logs ?? [])
      lines.push(
        `${below}log ${ms(log.at_ms)}: ${log.message}${log.data === undefined ? '' : ` ${JSON.stringify(log.data)}`}`,
      );
    if (entry.step !== undefined) render(entry.step, below, lines);
  });
}

function callLine(call: TraceCall): string {
  const parts = [call.url === undefined ? call.stage : `${call.stage} ${call.url}`];
  if (call.item !== undefined) parts.push(`[${call.item.join('][')}]`);
  if (call.attempt > 1) parts.push(`attempt ${call.attempt}`);
  parts.push(call.duration_ms === undefined ? '-' : ms(call.duration_ms));
  if (call.cache !== 'off') parts.push(`cache ${call.cache}`);
  parts.push(call.status);
  const line = parts.join('  ');
  return call.error === undefined ? line : `${line}: ${call.error.code}: ${call.error.message}`;
}

function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}
