// The graph type checker (ENGINE §2–§3). It walks a composition forward from the schema
// of its input, computing at every node the schema of what the node can produce, and
// checks every edge with the subschema checker: upstream output <: downstream input.
// Each op's typing mirrors what the runtime does (the table in ENGINE §2), so that a
// graph the checker accepts never breaks a stage's input contract at run time.
// The checker never throws for a problem in the graph: it collects diagnostics.
import { diagnostic, type Diagnostic, type ErrorCode } from '../errors.js';
import { pointerJoin } from '../json/pointer.js';
import {
  anyOfSchemas,
  arrayOf,
  hasProperty,
  importSchema,
  isSubschema,
  isValid,
  itemsOf,
  objectOf,
  propertyOf,
  replaceProperties,
  schemaProblems,
  shortForm,
  tupleOf,
  validateValue,
  withoutProperty,
  type JsonSchema,
} from '../schema/index.js';
import type { StageRegistry } from '../stage/index.js';
import type { Effect, Stage } from '../stage/types.js';
import { assertNever, type Composition, type Node, type StageNode } from './ast.js';
import { effectPolicyDiagnostics, graphEffects, type EffectPolicy, type EffectSite } from './effects.js';
import { requiredInput } from './infer.js';

export interface CheckOptions extends EffectPolicy {
  /** Check from this input schema instead of the composition's declared one. */
  input?: JsonSchema;
  /** Undecided edges become errors instead of warnings. */
  strict?: boolean;
}

export interface CheckResult {
  ok: boolean;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  /** The input schema as declared, or the one inferred when none is declared. */
  input: JsonSchema;
  inputInferred: boolean;
  /** The schema of what the graph outputs (undefined when an error hides it). */
  output: JsonSchema | undefined;
  effects: Effect[];
  /** The stage each Stage node resolved to, by the node's JSON pointer. */
  stages: Map<string, Stage>;
}

const OBJECT: JsonSchema = { type: 'object' };
const ARRAY: JsonSchema = { type: 'array' };
const BOOLEAN: JsonSchema = { type: 'boolean' };
/**
 * How many Parallel/Merge case splits may nest before the checker checks a child once, on
 * the union of both cases: each split checks the child twice, so unbounded nesting would
 * take time (and print diagnostics) exponential in the depth of the graph.
 */
const MAX_NESTED_CASES = 2;

export function checkComposition(
  composition: Composition,
  registry: StageRegistry,
  options: CheckOptions = {},
): CheckResult {
  const checker = new Checker(registry, options.strict ?? false);
  const declared = options.input ?? composition.input;
  const inputOk =
    declared === undefined ||
    (options.input === undefined
      ? checker.wellFormed(declared, '/input')
      : checker.givenInputWellFormed(declared));
  const outputOk = composition.output === undefined || checker.wellFormed(composition.output, '/output');
  // The input as declared (what users read), or the one inferred from the graph.
  const input = declared ?? requiredInput(composition.root, (ref) => checker.peek(ref));
  if (declared === undefined) checker.satisfiable(input);
  const output = checker.forward(composition.root, inputOk ? importSchema(input) : undefined, '/root');
  if (composition.output !== undefined && outputOk) {
    checker.edge(
      output,
      importSchema(composition.output),
      '/output',
      'the graph output',
      'the declared output',
    );
  }
  checker.report(effectPolicyDiagnostics(checker.effectSites, options));
  const errors = checker.diagnostics.filter((d) => d.severity === 'error');
  return {
    ok: errors.length === 0,
    errors,
    warnings: checker.diagnostics.filter((d) => d.severity === 'warning'),
    input,
    inputInferred: declared === undefined,
    output,
    effects: graphEffects(checker.effectSites),
    stages: checker.stages,
  };
}

class Checker {
  readonly diagnostics: Diagnostic[] = [];
  readonly stages = new Map<string, Stage>();
  /** By node pointer: a node checked once per Parallel/Merge case is still one site. */
  readonly #effectSites = new Map<string, EffectSite>();
  /** Diagnostics already reported: a node checked in several cases reports a problem once. */
  readonly #reported = new Set<string>();
  /** While checking one case of a Parallel/Merge input, what that case is. */
  private readonly cases: string[] = [];

  constructor(
    private readonly registry: StageRegistry,
    private readonly strict: boolean,
  ) {}

  get effectSites(): EffectSite[] {
    return [...this.#effectSites.values()];
  }

  report(diagnostics: Diagnostic[]): void {
    for (const d of diagnostics) this.add(d);
  }

  private add(d: Diagnostic): void {
    const key = JSON.stringify([d.code, d.severity, d.pointer, d.message]);
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.diagnostics.push(d);
  }

  private effectSite(site: EffectSite): void {
    this.#effectSites.set(site.pointer, site);
  }

  /** Resolves a reference without reporting (used by input inference). */
  peek(node: StageNode): Stage | undefined {
    const result = this.registry.resolve(node.id, node.pinning);
    return result.ok ? result.stage : undefined;
  }

  wellFormed(schema: JsonSchema, pointer: string): boolean {
    const problems = schemaProblems(schema, pointer);
    for (const p of problems)
      this.error('NOE_SCHEMA_INVALID', p.pointer, `invalid JSON Schema: ${p.message}`);
    return problems.length === 0;
  }

  /**
   * The input schema a library caller passed to check is not in the document: its
   * problems carry no document pointer (which would place them at a wrong line:column),
   * only the place inside that schema.
   */
  givenInputWellFormed(schema: JsonSchema): boolean {
    const problems = schemaProblems(schema);
    for (const p of problems)
      this.add(
        diagnostic(
          'NOE_SCHEMA_INVALID',
          `invalid JSON Schema in the input given to check: ${p.message}`,
          {},
          {
            details: { schemaPointer: p.pointer },
          },
        ),
      );
    return problems.length === 0;
  }

  /** An inferred input that no value satisfies would make every edge hold vacuously. */
  satisfiable(input: JsonSchema): void {
    if (isSubschema(input, false).verdict !== 'yes') return;
    const message = `the graph's first consumers need inputs that no value satisfies at once (${shortForm(input)}); declare an input schema, or make them agree`;
    this.error('NOE_TYPE_MISMATCH', '/root', message, { inferredInput: input });
  }

  /**
   * The schema of what `node` outputs when its input is a value of `input`.
   * `undefined` means unknown because of an error reported elsewhere: edges touching it
   * are not checked (one mistake, one message), but every node is still visited.
   */
  forward(node: Node, input: JsonSchema | undefined, ptr: string): JsonSchema | undefined {
    switch (node.op) {
      case 'Stage':
        return this.stage(node, input, ptr);
      case 'Const':
        return { const: node.value };
      case 'Sequential':
        return node.stages.reduce<JsonSchema | undefined>(
          (current, child, i) => this.forward(child, current, pointerJoin(ptr, 'stages', i)),
          input,
        );
      case 'Parallel': {
        const outputs = keyedBy(Object.entries(node.branches), ([name, branch]) => [
          name,
          this.receive(input, name, (received, note) =>
            this.withCase(note, () => this.forward(branch, received, pointerJoin(ptr, 'branches', name))),
          ),
        ]);
        return allKnown(outputs) ? objectOf(outputs) : undefined;
      }
      case 'Branch': {
        const predicate = this.forward(node.predicate, input, pointerJoin(ptr, 'predicate'));
        const where = pointerJoin(ptr, 'predicate');
        this.edge(predicate, BOOLEAN, where, 'the predicate output', 'a boolean', 'NOE_BRANCH_PREDICATE');
        const ifTrue = this.forward(node.if_true, input, pointerJoin(ptr, 'if_true'));
        const ifFalse = this.forward(node.if_false, input, pointerJoin(ptr, 'if_false'));
        return ifTrue !== undefined && ifFalse !== undefined ? anyOfSchemas([ifTrue, ifFalse]) : undefined;
      }
      case 'Fanout': {
        const source = this.forward(node.source, input, pointerJoin(ptr, 'source'));
        const outputs = node.targets.map((t, i) => this.forward(t, source, pointerJoin(ptr, 'targets', i)));
        return outputs.every((o): o is JsonSchema => o !== undefined) ? tupleOf(outputs) : undefined;
      }
      case 'Merge': {
        const merged = keyedBy(node.sources, (source, i) => [
          `source_${i}`,
          this.receive(input, `source_${i}`, (received, note) =>
            this.withCase(note, () => this.forward(source, received, pointerJoin(ptr, 'sources', i))),
          ),
        ]);
        const targetInput = allKnown(merged) ? objectOf(merged) : undefined;
        return this.forward(node.target, targetInput, pointerJoin(ptr, 'target'));
      }
      case 'Retry':
        return this.forward(node.stage, input, pointerJoin(ptr, 'stage'));
      case 'Let': {
        const ok = this.edge(input, OBJECT, ptr, 'the input of Let', 'an object (Let needs an object input)');
        const outputs = keyedBy(Object.entries(node.bindings), ([name, binding]) => [
          name,
          this.forward(binding, input, pointerJoin(ptr, 'bindings', name)),
        ]);
        const scope =
          ok && input !== undefined && allKnown(outputs) ? replaceProperties(input, outputs) : undefined;
        return this.forward(node.body, scope, pointerJoin(ptr, 'body'));
      }
      case 'Map': {
        const ok = this.edge(input, ARRAY, ptr, 'the input of Map', 'an array (Map needs an array input)');
        const element = ok && input !== undefined ? itemsOf(input) : undefined;
        const output = this.forward(node.stage, element, pointerJoin(ptr, 'stage'));
        return output === undefined ? undefined : arrayOf(output);
      }
      case 'RemoteStage': {
        this.effectSite({
          pointer: ptr,
          label: `RemoteStage ${node.url}`,
          effects: ['Fallible', 'Network'],
        });
        const inOk = this.wellFormed(node.input, pointerJoin(ptr, 'input'));
        const outOk = this.wellFormed(node.output, pointerJoin(ptr, 'output'));
        if (inOk)
          this.edge(input, importSchema(node.input), ptr, 'the upstream output', 'the RemoteStage input');
        return outOk ? importSchema(node.output) : undefined;
      }
      default:
        return assertNever(node);
    }
  }

  private stage(node: StageNode, input: JsonSchema | undefined, ptr: string): JsonSchema | undefined {
    const resolved = this.registry.resolve(node.id, node.pinning);
    if (!resolved.ok) {
      this.error(resolved.code, pointerJoin(ptr, 'id'), resolved.message, {
        suggestions: resolved.suggestions,
      });
      return undefined;
    }
    const stage = resolved.stage;
    this.stages.set(ptr, stage);
    this.effectSite({ pointer: ptr, label: `stage "${stage.name}"`, effects: stage.effects });
    const stageInput = importSchema(stage.input);
    const downstream = `the input of stage "${stage.name}"`;
    if (node.config === undefined) {
      this.edge(input, stageInput, ptr, 'the upstream output', downstream);
    } else if (this.configFits(node.config, stageInput, stage.name, ptr)) {
      const objectInput = this.edge(
        input,
        OBJECT,
        ptr,
        'the upstream output',
        'an object (config is merged over an object input)',
        'NOE_CONFIG_TYPE',
      );
      if (objectInput && input !== undefined) {
        const constants = Object.fromEntries(Object.entries(node.config).map(([k, v]) => [k, { const: v }]));
        this.edge(
          replaceProperties(input, constants),
          stageInput,
          ptr,
          'the input with config merged',
          downstream,
        );
      }
    }
    return importSchema(stage.output);
  }

  /** Each config value must fit what the stage accepts for that property. */
  private configFits(
    config: Record<string, unknown>,
    stageInput: JsonSchema,
    name: string,
    ptr: string,
  ): boolean {
    let fits = true;
    for (const [key, value] of Object.entries(config)) {
      const accepted = propertyOf(stageInput, key);
      if (isValid(accepted, value)) continue;
      fits = false;
      const where = pointerJoin(ptr, 'config', key);
      const violation = validateValue(accepted, value)[0];
      const inside = violation?.valuePointer ? ` at ${violation.valuePointer}` : '';
      const why =
        accepted === false
          ? `stage "${name}" has no input property "${key}"`
          : `config value "${key}"${inside} ${violation?.message ?? 'is rejected'} (stage "${name}" expects ${shortForm(accepted)})`;
      this.error('NOE_CONFIG_TYPE', where, why);
    }
    return fits;
  }

  /**
   * Parallel and Merge hand child `key` the property `key` of an object input that has
   * it, and the whole input otherwise: check every case the input allows.
   */
  private receive(
    input: JsonSchema | undefined,
    key: string,
    check: (received: JsonSchema | undefined, note: string | undefined) => JsonSchema | undefined,
  ): JsonSchema | undefined {
    if (input === undefined) return check(undefined, undefined);
    const presence = hasProperty(input, key);
    if (presence === 'always') return check(propertyOf(input, key), undefined);
    if (presence === 'never') return check(input, undefined);
    if (this.cases.length >= MAX_NESTED_CASES)
      return check(anyOfSchemas([propertyOf(input, key), withoutProperty(input, key)]), undefined);
    const withKey = check(propertyOf(input, key), `when the input has property "${key}"`);
    const withoutKey = check(withoutProperty(input, key), `when the input lacks property "${key}"`);
    return withKey !== undefined && withoutKey !== undefined
      ? anyOfSchemas([withKey, withoutKey])
      : undefined;
  }

  private withCase<T>(note: string | undefined, fn: () => T): T {
    if (note === undefined) return fn();
    this.cases.push(note);
    try {
      return fn();
    } finally {
      this.cases.pop();
    }
  }

  /**
   * Checks upstream <: downstream and reports a mismatch (error) or an undecided edge
   * (warning, or error with --strict). False only when it is known not to hold or the
   * upstream is unknown: an undecided edge does not stop the walk.
   */
  edge(
    upstream: JsonSchema | undefined,
    downstream: JsonSchema,
    ptr: string,
    upstreamName: string,
    downstreamName: string,
    code: ErrorCode = 'NOE_TYPE_MISMATCH',
  ): boolean {
    if (upstream === undefined) return false;
    const result = isSubschema(upstream, downstream);
    if (result.verdict === 'yes') return true;
    const when = this.cases.length > 0 ? ` (${this.cases.join(', ')})` : '';
    const at = result.path ? ` at ${result.path === '' ? 'the top' : result.path}` : '';
    const details = {
      upstream,
      downstream,
      ...(result.path === undefined ? {} : { valuePointer: result.path }),
    };
    const extra = 'witness' in result ? { witness: { value: result.witness } } : {};
    if (result.verdict === 'no') {
      const message = `${upstreamName} ${shortForm(upstream)} does not fit ${downstreamName} ${shortForm(downstream)}${when}: ${result.reason ?? 'not a subschema'}${at}`;
      this.add(diagnostic(code, message, { pointer: ptr }, { ...extra, details }));
    } else {
      const message = `cannot decide whether ${upstreamName} ${shortForm(upstream)} fits ${downstreamName} ${shortForm(downstream)}${when}: ${result.reason ?? 'undecided'}`;
      const severity = this.strict ? 'error' : 'warning';
      this.add(diagnostic('NOE_TYPE_UNKNOWN', message, { pointer: ptr }, { severity, details }));
    }
    return result.verdict === 'unknown';
  }

  private error(code: ErrorCode, pointer: string, message: string, details?: Record<string, unknown>): void {
    this.add(diagnostic(code, message, { pointer }, details === undefined ? {} : { details }));
  }
}

/** The schemas of named children, in order; a name such as "__proto__" stays an own key (as in JSON). */
function keyedBy<T>(
  items: readonly T[],
  entry: (item: T, index: number) => [string, JsonSchema | undefined],
): Record<string, JsonSchema | undefined> {
  return Object.fromEntries(items.map(entry));
}

function allKnown(schemas: Record<string, JsonSchema | undefined>): schemas is Record<string, JsonSchema> {
  return Object.values(schemas).every((s) => s !== undefined);
}
