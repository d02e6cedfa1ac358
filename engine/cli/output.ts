// How the CLI speaks: human lines on stdout/stderr, or one JSON envelope per command
// with --json (ENGINE §5): {"ok":true,"command","data"} / {"ok":false,"command","error"}.
import { exitCodeOf, formatPlace, type Diagnostic, type ExitCode } from '../errors.js';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  stdin: NodeJS.ReadableStream;
}

export function envelopeOk(io: CliIO, command: string, data: unknown): void {
  io.stdout(JSON.stringify({ ok: true, command, data }) + '\n');
}

export function envelopeError(
  io: CliIO,
  command: string,
  error: { code: string; message: string; details?: unknown },
): void {
  io.stdout(JSON.stringify({ ok: false, command, error }) + '\n');
}

/** The exit code of a set of errors: the most fundamental class wins (1 before 2 before 3). */
export function exitCodeFor(errors: readonly Diagnostic[]): ExitCode {
  // A fold, not Math.min(...codes): spreading a huge list of errors overflows the stack.
  return errors.reduce<ExitCode>((lowest, e) => {
    const exit = exitCodeOf(e.code);
    return lowest === 0 || exit < lowest ? exit : lowest;
  }, 0);
}

/** `file:line:col: error NOE_X at /pointer` then the message, the witness and the fix. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = formatPlace(d) || '<input>';
  const at = d.pointer === undefined ? '' : ` at ${d.pointer === '' ? '/' : d.pointer}`;
  const lines = [`${where}: ${d.severity} ${d.code}${at}`, `  ${d.message}`];
  if (d.witness !== undefined) lines.push(`  witness: ${JSON.stringify(d.witness.value)}`);
  lines.push(`  fix: ${d.hint}`);
  return lines.join('\n') + '\n';
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
