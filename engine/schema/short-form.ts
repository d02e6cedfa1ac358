// A schema in one short line for messages: `{state: DagState, since?: string}`,
// `Task[]`, `"a" | "b"`. Lossy by design; the full schema goes in --json details.
import { isSchemaObject, type JsonSchema, type JsonSchemaObject } from './types.js';

const MAX_PROPERTIES = 6;
const MAX_DEPTH = 3;
const MAX_LENGTH = 160;

export function shortForm(schema: JsonSchema): string {
  const text = render(schema, 0);
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}

function render(schema: JsonSchema, depth: number): string {
  if (schema === true) return 'any';
  if (schema === false) return 'never';
  if (depth > MAX_DEPTH) return '…';
  const s: JsonSchemaObject = schema;
  if (typeof s.$ref === 'string') return refName(s.$ref);
  if ('const' in s) return literal(s.const);
  if (Array.isArray(s.enum)) return s.enum.map(literal).join(' | ');
  if (Array.isArray(s.anyOf)) return combine(s.anyOf as JsonSchema[], ' | ', depth);
  if (Array.isArray(s.oneOf)) return combine(s.oneOf as JsonSchema[], ' | ', depth);
  if (Array.isArray(s.allOf)) return combine(s.allOf as JsonSchema[], ' & ', depth);
  if (s.not !== undefined) return `not ${render(s.not as JsonSchema, depth + 1)}`;
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : [];
  if (types.length === 0) {
    if (isSchemaObject(s.properties)) return renderObject(s, depth);
    if (s.items !== undefined || s.prefixItems !== undefined) return renderArray(s, depth);
    return 'any';
  }
  return types.map((t) => renderType(t, s, depth)).join(' | ');
}

function renderType(type: string, s: JsonSchemaObject, depth: number): string {
  switch (type) {
    case 'object':
      return renderObject(s, depth);
    case 'array':
      return renderArray(s, depth);
    case 'string':
      return typeof s.format === 'string' ? `string(${s.format})` : 'string';
    default:
      return type;
  }
}

function renderObject(s: JsonSchemaObject, depth: number): string {
  const properties = isSchemaObject(s.properties) ? Object.entries(s.properties) : [];
  if (properties.length === 0) return 'object';
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const fields = properties
    .slice(0, MAX_PROPERTIES)
    .map(([k, v]) => `${k}${required.has(k) ? '' : '?'}: ${render(v as JsonSchema, depth + 1)}`);
  if (properties.length > MAX_PROPERTIES) fields.push('…');
  return `{${fields.join(', ')}}`;
}

function renderArray(s: JsonSchemaObject, depth: number): string {
  if (Array.isArray(s.prefixItems)) {
    return `[${(s.prefixItems as JsonSchema[]).map((e) => render(e, depth + 1)).join(', ')}]`;
  }
  const items = s.items === undefined ? true : (s.items as JsonSchema);
  const inner = render(items, depth + 1);
  return /[ |&]/.test(inner) ? `(${inner})[]` : `${inner}[]`;
}

function combine(parts: JsonSchema[], separator: string, depth: number): string {
  return parts.map((p) => render(p, depth + 1)).join(separator);
}

function refName(ref: string): string {
  const last = ref.split('/').pop() ?? ref;
  return last.replace(/^[0-9a-f]{8}_/, '');
}

function literal(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
