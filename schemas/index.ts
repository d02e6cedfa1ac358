// Caloron's JSON Schemas as stages and tools use them. The files are the source of truth:
// `domain/*.schema.json` for the domain types (CALORON §1–§2), `stages/<stage>.schema.json`
// for each stage's input and output (its `$defs.input` and `$defs.output`). Files refer
// to each other by relative path (`{"$ref": "task.schema.json"}`); the engine only follows
// local refs, so every schema handed out here is bundled: each file it reaches becomes a
// `$defs` entry of the result and every ref points inside it.
//
// Naming inside a bundle: a domain file `task.schema.json` becomes `#/$defs/task`, and a
// `$defs` entry `x` of that file `#/$defs/task__x`; a stage file's own `$defs` keep their
// names. Files are read once per process (stages call this at import time).
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NoetherError } from '../engine/errors.js';
import { parseJsonDocument } from '../engine/json/parse.js';
import { readJsonText } from '../engine/json/text.js';
import { isJsonObject } from '../engine/json/value.js';
import type { JsonSchema, JsonSchemaObject } from '../engine/schema/index.js';

/** The schema files: beside this module, or in the sources when it runs from dist/ (the build copies no JSON). */
export const SCHEMAS_DIR = schemasFolder();
export const DOMAIN_DIR = join(SCHEMAS_DIR, 'domain');
export const STAGES_DIR = join(SCHEMAS_DIR, 'stages');
const SUFFIX = '.schema.json';

export interface StageSchemas {
  input: JsonSchemaObject;
  output: JsonSchemaObject;
}

const files = new Map<string, JsonSchemaObject>();

function schemasFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return existsSync(join(here, 'domain')) ? here : resolve(here, '..', '..', 'schemas');
}

function readSchemaFile(path: string): JsonSchemaObject {
  let schema = files.get(path);
  if (schema === undefined) {
    const { value } = parseJsonDocument(readJsonText(path, 'schema file'), path);
    if (!isJsonObject(value))
      throw new NoetherError('NOE_SCHEMA_INVALID', `${path}: a schema file must hold a JSON object`, {
        place: { file: path },
      });
    schema = value;
    files.set(path, schema);
  }
  return schema;
}

/** The bundle name of a schema file: its name without `.schema.json`. */
function defName(path: string): string {
  return basename(path, SUFFIX);
}

/**
 * `schema` (found in `file`) with every ref made local to one bundle. `defs` collects the
 * files reached; `ownDefsPrefix` is how refs into `file`'s own `$defs` are renamed.
 */
function localise(
  schema: unknown,
  file: string,
  ownDefsPrefix: string,
  defs: Record<string, JsonSchema>,
): unknown {
  if (Array.isArray(schema)) return schema.map((item) => localise(item, file, ownDefsPrefix, defs));
  if (!isJsonObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string') out[key] = localRef(value, file, ownDefsPrefix, defs);
    else if (key === '$defs' || key === '$schema') continue;
    else out[key] = localise(value, file, ownDefsPrefix, defs);
  }
  return out;
}

function localRef(
  ref: string,
  file: string,
  ownDefsPrefix: string,
  defs: Record<string, JsonSchema>,
): string {
  const hash = ref.indexOf('#');
  const target = hash === -1 ? ref : ref.slice(0, hash);
  const fragment = hash === -1 ? '' : ref.slice(hash + 1);
  if (target === '') {
    const inner = fragment.replace(/^\/\$defs\//, '');
    // An included file's own defs are bundled as they are reached; a bundle's top file
    // (prefix '') has its defs added by `bundled` instead.
    if (ownDefsPrefix === `${defName(file)}__`) includeDef(file, inner, defs);
    return `#/$defs/${ownDefsPrefix}${inner}`;
  }
  if (!target.endsWith(SUFFIX) || target.includes('://'))
    throw new NoetherError(
      'NOE_SCHEMA_INVALID',
      `${file}: $ref "${ref}" must name a sibling *${SUFFIX} file`,
      {
        place: { file },
      },
    );
  const path = resolve(dirname(file), target);
  const name = defName(path);
  if (fragment === '') {
    includeRoot(path, defs);
    return `#/$defs/${name}`;
  }
  const inner = /^\/\$defs\/([^/]+)$/.exec(fragment);
  if (inner === null)
    throw new NoetherError(
      'NOE_SCHEMA_INVALID',
      `${file}: $ref "${ref}" may only point at a file or its $defs`,
      {
        place: { file },
      },
    );
  includeDef(path, inner[1] ?? '', defs);
  return `#/$defs/${name}__${inner[1] ?? ''}`;
}

/**
 * Adds a file's root schema (and what it reaches) to `defs`, once. Only what a ref reaches
 * is bundled: a ref to one `$defs` entry of a file does not drag in the rest of it.
 */
function includeRoot(path: string, defs: Record<string, JsonSchema>): void {
  const name = defName(path);
  if (name in defs) return;
  defs[name] = true; // placeholder: recursive refs back to this file stop here
  defs[name] = localise(readSchemaFile(path), path, `${name}__`, defs) as JsonSchema;
}

/** Adds one `$defs` entry of a file (and what it reaches) to `defs`, once. */
function includeDef(path: string, inner: string, defs: Record<string, JsonSchema>): void {
  const key = `${defName(path)}__${inner}`;
  if (key in defs) return;
  const sub = ownDefs(readSchemaFile(path))[inner];
  if (sub === undefined)
    throw new NoetherError('NOE_SCHEMA_INVALID', `${path}: it has no $defs entry "${inner}"`, {
      place: { file: path, pointer: `/$defs/${inner}` },
    });
  defs[key] = true;
  defs[key] = localise(sub, path, `${defName(path)}__`, defs) as JsonSchema;
}

/** Adds a file's root and every one of its `$defs` (the type generator declares them all). */
function includeFile(path: string, defs: Record<string, JsonSchema>): void {
  includeRoot(path, defs);
  for (const inner of Object.keys(ownDefs(readSchemaFile(path)))) includeDef(path, inner, defs);
}

function ownDefs(schema: JsonSchemaObject): Record<string, unknown> {
  const defs = schema.$defs;
  return isJsonObject(defs) ? defs : {};
}

function bundled(
  body: unknown,
  file: string,
  ownDefsPrefix: string,
  extra: Record<string, unknown>,
): JsonSchemaObject {
  const defs: Record<string, JsonSchema> = {};
  const root = localise(body, file, ownDefsPrefix, defs) as JsonSchemaObject;
  for (const [name, sub] of Object.entries(extra))
    defs[name] = localise(sub, file, ownDefsPrefix, defs) as JsonSchema;
  return Object.keys(defs).length === 0 ? root : { ...root, $defs: { ...defs } };
}

const domainCache = new Map<string, JsonSchemaObject>();

/** A domain schema by file name (`task`, `dag-state`, `event`, …), bundled. */
export function domainSchema(name: string): JsonSchemaObject {
  let schema = domainCache.get(name);
  if (schema === undefined) {
    const file = join(DOMAIN_DIR, `${name}${SUFFIX}`);
    const source = readSchemaFile(file);
    schema = bundled(source, file, `${name}__`, prefixed(ownDefs(source), `${name}__`));
    domainCache.set(name, schema);
  }
  return schema;
}

function prefixed(defs: Record<string, unknown>, prefix: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(defs).map(([key, value]) => [prefix + key, value]));
}

/**
 * The id rule of sprint, task and agent ids (schemas/domain/id.schema.json) as a RegExp,
 * for the code that checks ids outside a schema: paths, branch names, worktrees.
 */
export const ID_PATTERN = new RegExp(domainSchema('id').pattern as string);

const stageCache = new Map<string, StageSchemas>();

/** A stage's input and output schemas from `stages/<stage>.schema.json`, bundled. */
export function stageSchemas(stage: string): StageSchemas {
  let schemas = stageCache.get(stage);
  if (schemas === undefined) {
    const file = join(STAGES_DIR, `${stage}${SUFFIX}`);
    const { input, output, ...rest } = ownDefs(readSchemaFile(file));
    if (input === undefined || output === undefined)
      throw new NoetherError(
        'NOE_SCHEMA_INVALID',
        `${file}: a stage schema file needs $defs.input and $defs.output`,
        {
          place: { file, pointer: '/$defs' },
        },
      );
    schemas = { input: bundled(input, file, '', rest), output: bundled(output, file, '', rest) };
    stageCache.set(stage, schemas);
  }
  return schemas;
}

/**
 * Every domain type and every stage's input and output as `$defs` of one schema: what the
 * type generator reads, so each type is declared once however many schemas share it.
 * A stage's input and output are titled `<Stage>Input` / `<Stage>Output` unless they say.
 */
export function everySchema(): JsonSchemaObject {
  const defs: Record<string, JsonSchema> = {};
  for (const file of schemaFiles(DOMAIN_DIR)) includeFile(file, defs);
  for (const file of schemaFiles(STAGES_DIR)) {
    const stage = defName(file);
    const { input, output, ...rest } = ownDefs(readSchemaFile(file));
    const prefix = `${stage}__`;
    for (const [name, sub] of Object.entries(rest))
      defs[prefix + name] = localise(sub, file, prefix, defs) as JsonSchema;
    for (const [role, sub] of [
      ['Input', input],
      ['Output', output],
    ] as const) {
      const schema = localise(sub, file, prefix, defs) as JsonSchemaObject;
      defs[prefix + role.toLowerCase()] = { title: pascalCase(stage) + role, ...schema };
    }
  }
  // The root names every definition, so the generated file opens with an index of its types.
  const properties = Object.fromEntries(Object.keys(defs).map((name) => [name, { $ref: `#/$defs/${name}` }]));
  return { title: 'CaloronSchemas', type: 'object', properties, additionalProperties: false, $defs: defs };
}

function schemaFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(SUFFIX))
    .sort()
    .map((name) => join(dir, name));
}

function pascalCase(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
