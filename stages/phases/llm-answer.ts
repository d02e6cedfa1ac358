// From a provider's text to a stage output, or to the template: the one path both LLM
// phases take. Providers wrap JSON in prose and code fences, so the answer is the first
// balanced `{…}` that parses (the Python phases took first `{` to last `}`, which broke
// on any brace in the prose after it). An answer is used only when it satisfies the
// stage's output schema and the stage's own rules; otherwise, and when there is no
// answer at all, the stage's deterministic template is used, and the log says why.
import type { JsonSchema } from '../../engine/schema/index.js';
import { validateValue } from '../../engine/schema/index.js';
import type { StageContext } from '../../engine/stage/index.js';
import { askProvider } from './llm-provider.js';

/** How many `{` the extraction tries before giving up on an answer. */
const MAX_CANDIDATES = 64;

export type Acceptance<Out> = { ok: true; output: Out } | { ok: false; reason: string };

export interface LlmPhase<Out> {
  stage: string;
  prompt: string;
  /** The answer's JSON object as the stage output, or why it cannot be one. */
  accept(answer: Record<string, unknown>): Acceptance<Out>;
  /** The deterministic output used whenever the provider's answer is not. */
  template(): Out;
}

export async function answerOrTemplate<Out>(
  phase: LlmPhase<Out>,
  ctx: Pick<StageContext, 'env' | 'signal' | 'log'>,
): Promise<Out> {
  const reason = await tryProvider(phase, ctx);
  if (typeof reason !== 'string') {
    ctx.log(`${phase.stage}: using the LLM provider's answer`);
    return reason.output;
  }
  ctx.log(`${phase.stage}: using the template, because ${reason}`, { fallback_reason: reason });
  return phase.template();
}

async function tryProvider<Out>(
  phase: LlmPhase<Out>,
  ctx: Pick<StageContext, 'env' | 'signal'>,
): Promise<{ output: Out } | string> {
  const answer = await askProvider(phase.prompt, ctx);
  if (!answer.ok) return answer.reason;
  const object = firstJsonObject(answer.text);
  if (object === undefined) return 'the LLM answer holds no JSON object';
  const accepted = phase.accept(object);
  return accepted.ok ? { output: accepted.output } : `the LLM answer is invalid: ${accepted.reason}`;
}

/** The first balanced `{…}` span of `text` that parses as a JSON object, or undefined. */
export function firstJsonObject(text: string): Record<string, unknown> | undefined {
  let from = text.indexOf('{');
  for (let tries = 0; from !== -1 && tries < MAX_CANDIDATES; tries += 1) {
    const end = balancedEnd(text, from);
    // An unclosed `{` in the prose does not hide a JSON object after it: try the next `{`.
    if (end !== undefined) {
      try {
        const value: unknown = JSON.parse(text.slice(from, end + 1));
        if (typeof value === 'object' && value !== null && !Array.isArray(value))
          return value as Record<string, unknown>;
      } catch {
        // Not JSON (prose in braces): try the next `{`.
      }
    }
    from = text.indexOf('{', from + 1);
  }
  return undefined;
}

/** The index of the `}` closing the `{` at `start`, skipping braces inside JSON strings. */
function balancedEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return undefined;
}

/** Why `value` breaks `schema`, in one line (the first few violations), or undefined. */
export function schemaReason(schema: JsonSchema, value: unknown): string | undefined {
  const violations = validateValue(schema, value);
  if (violations.length === 0) return undefined;
  return violations
    .slice(0, 3)
    .map((violation) => `${violation.valuePointer || '/'} ${violation.message}`)
    .join('; ');
}
