// `noether-ts run GRAPH` (ENGINE §5): the input from --input, --input-file or stdin;
// the graph's output JSON on stdout, or one envelope with --json. Exit 2 for a type
// error or an invalid input, 3 for a failed execution (its message names the trace).
import { resolve } from 'node:path';
import { NoetherError } from '../errors.js';
import { untilInterrupted } from './interrupt.js';
import type { Engine, RunOptions } from '../engine.js';
import { parseJsonDocument } from '../json/parse.js';
import { readJsonText } from '../json/text.js';
import { effectFlag } from './graph.js';
import { envelopeOk, type CliIO } from './output.js';

export interface RunFlags {
  json: boolean;
  input?: string;
  inputFile?: string;
  timeout?: string;
  validate: boolean;
  cache: boolean;
  cacheDir?: string;
  traceValues: boolean;
  strict: boolean;
  allowEffects?: string;
  denyEffects?: string;
}

export async function runGraph(engine: Engine, files: string[], flags: RunFlags, io: CliIO): Promise<number> {
  if (files.length !== 1) throw new NoetherError('NOE_USAGE', 'run takes exactly one composition file');
  if (flags.input !== undefined && flags.inputFile !== undefined)
    throw new NoetherError('NOE_USAGE', 'give the input once: --input or --input-file, not both');
  const options: RunOptions = {
    validate: flags.validate,
    cache: flags.cache,
    traceValues: flags.traceValues,
    strict: flags.strict,
    ...(flags.timeout === undefined ? {} : { timeoutMs: milliseconds(flags.timeout) }),
    ...(flags.cacheDir === undefined ? {} : { cacheDir: resolve(io.cwd, flags.cacheDir) }),
    ...effectFlag('--allow-effects', flags.allowEffects, 'allowEffects'),
    ...effectFlag('--deny-effects', flags.denyEffects, 'denyEffects'),
  };
  const input = await readInput(flags, io);
  const result = await untilInterrupted((signal) =>
    engine.run(resolve(io.cwd, files[0]!), input, { ...options, signal }),
  );
  if (flags.json) {
    envelopeOk(io, 'run', {
      output: result.output,
      execution_id: result.executionId,
      composition_id: result.compositionId,
    });
  } else {
    io.stdout(JSON.stringify(result.output) + '\n');
    io.stderr(`execution ${result.executionId} (noether-ts trace ${result.executionId})\n`);
  }
  return 0;
}

function milliseconds(text: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(text))
    throw new NoetherError(
      'NOE_USAGE',
      `--timeout takes a whole number of milliseconds, not ${JSON.stringify(text)}`,
    );
  return Number(text);
}

/** The run input: --input JSON, --input-file F, or stdin (null when stdin is a terminal or empty). */
async function readInput(flags: RunFlags, io: CliIO): Promise<unknown> {
  if (flags.input !== undefined) return parseJsonDocument(flags.input, '<--input>').value;
  if (flags.inputFile !== undefined) {
    const file = resolve(io.cwd, flags.inputFile);
    return parseJsonDocument(readJsonText(file, 'input file'), file).value;
  }
  if ((io.stdin as { isTTY?: boolean }).isTTY === true) return null;
  const chunks: string[] = [];
  for await (const chunk of io.stdin)
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  const text = chunks.join('');
  return text.trim() === '' ? null : parseJsonDocument(text, '<stdin>').value;
}
