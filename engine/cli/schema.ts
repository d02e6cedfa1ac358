// `noether-ts schema sub LHS RHS` and `noether-ts schema sub --batch FILE` (ENGINE §4).
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { NoetherError } from '../errors.js';
import { readJsonText } from '../json/text.js';
import { parseJsonDocument } from '../json/parse.js';
import { isSubschema, runSubschemaBatch, type JsonSchema } from '../schema/index.js';
import { envelopeOk, type CliIO } from './output.js';

export interface SchemaSubFlags {
  json: boolean;
  strict: boolean;
  batch?: string;
  dialect?: string;
}

export async function schemaSub(args: string[], flags: SchemaSubFlags, io: CliIO): Promise<number> {
  const dialect = parseDialect(flags.dialect);
  if (flags.batch !== undefined) {
    if (args.length > 0) throw new NoetherError('NOE_USAGE', 'schema sub --batch takes no other arguments');
    const input = flags.batch === '-' ? io.stdin : openBatch(flags.batch);
    await runSubschemaBatch(createInterface({ input, crlfDelay: Infinity }), (line) =>
      io.stdout(line + '\n'),
    );
    return 0;
  }
  if (args.length !== 2)
    throw new NoetherError('NOE_USAGE', 'schema sub takes two schemas (files or inline JSON): SUB SUP');
  const [sub, sup] = args.map(readSchemaArgument) as [JsonSchema, JsonSchema];
  const result = isSubschema(sub, sup, dialect === undefined ? {} : { dialect });
  const exit = result.verdict === 'no' || (result.verdict === 'unknown' && flags.strict) ? 2 : 0;
  if (flags.json) {
    envelopeOk(io, 'schema sub', result);
    return exit;
  }
  const at = result.path === undefined ? '' : ` (at ${result.path === '' ? '/' : result.path})`;
  io.stdout(`${result.verdict}${result.reason === undefined ? '' : `: ${result.reason}`}${at}\n`);
  if ('witness' in result) io.stdout(`witness: ${JSON.stringify(result.witness)}\n`);
  return exit;
}

function parseDialect(value: string | undefined): 'draft-04' | '2020-12' | undefined {
  if (value === undefined || value === 'draft-04' || value === '2020-12') return value;
  throw new NoetherError('NOE_USAGE', `--dialect must be draft-04 or 2020-12, not ${JSON.stringify(value)}`);
}

function openBatch(path: string): NodeJS.ReadableStream {
  // Read up front so that a missing or unreadable file is one clear error, not a stream event.
  return Readable.from([readJsonText(path, 'batch file')]);
}

/** A schema argument is inline JSON when it looks like JSON, else a file path. */
function readSchemaArgument(arg: string): JsonSchema {
  const inline = /^\s*[{[]|^(true|false)$/.test(arg);
  const text = inline ? arg : readJsonText(arg, 'schema file');
  const value = parseJsonDocument(text, inline ? '<argument>' : arg).value;
  if (typeof value !== 'boolean' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new NoetherError(
      'NOE_SCHEMA_INVALID',
      `${inline ? 'argument' : arg}: a JSON Schema is an object or a boolean`,
    );
  }
  return value as JsonSchema;
}
