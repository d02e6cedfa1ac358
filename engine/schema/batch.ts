// The batch form of isSubschema for tooling (`noether-ts schema sub --batch`): JSON lines
// in, one JSON line out per non-empty input line, in order. A malformed line answers with
// an error line and processing goes on; nothing here throws for bad input.
import type { ErrorCode } from '../errors.js';
import { isSubschema, type SubschemaResult } from './subschema/index.js';
import { isSchemaObject, type Dialect, type JsonSchema } from './types.js';

type Request = { lhs: JsonSchema; rhs: JsonSchema; dialect?: Dialect };

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'boolean' || isSchemaObject(value);
}

function parseRequest(line: string, n: number): Request | { code: ErrorCode; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { code: 'NOE_JSON_SYNTAX', message: `line ${n}: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!isSchemaObject(value))
    return { code: 'NOE_USAGE', message: `line ${n}: expected an object {"lhs", "rhs"}` };
  const { lhs, rhs, dialect } = value;
  for (const [name, schema] of [
    ['lhs', lhs],
    ['rhs', rhs],
  ] as const) {
    if (schema === undefined) return { code: 'NOE_USAGE', message: `line ${n}: "${name}" is missing` };
    if (!isSchema(schema))
      return {
        code: 'NOE_USAGE',
        message: `line ${n}: "${name}" must be a JSON Schema (an object or a boolean)`,
      };
  }
  if (dialect !== undefined && dialect !== 'draft-04' && dialect !== '2020-12') {
    return { code: 'NOE_USAGE', message: `line ${n}: "dialect" must be "draft-04" or "2020-12"` };
  }
  return dialect === undefined
    ? { lhs: lhs as JsonSchema, rhs: rhs as JsonSchema }
    : { lhs: lhs as JsonSchema, rhs: rhs as JsonSchema, dialect };
}

function answer(result: SubschemaResult): Record<string, unknown> {
  const out: Record<string, unknown> = { verdict: result.verdict };
  if (result.reason !== undefined) out.reason = result.reason;
  if (result.path !== undefined) out.path = result.path;
  if ('witness' in result) out.witness = result.witness;
  return out;
}

export async function runSubschemaBatch(
  lines: AsyncIterable<string>,
  write: (line: string) => void,
): Promise<void> {
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    const request = parseRequest(line, n);
    if ('code' in request) {
      write(JSON.stringify({ verdict: 'error', error: request }));
      continue;
    }
    const options = request.dialect === undefined ? {} : { dialect: request.dialect };
    try {
      write(JSON.stringify(answer(isSubschema(request.lhs, request.rhs, options))));
    } catch (e) {
      const message = `line ${n}: ${e instanceof Error ? e.message : String(e)}`;
      write(JSON.stringify({ verdict: 'error', error: { code: 'NOE_INTERNAL', message } }));
    }
  }
}
