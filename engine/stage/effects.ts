// The effect rules of ENGINE §1: a stage declares a non-empty set of known effects, and
// `Pure` (deterministic, no I/O: the only effect the cache trusts) combines with
// `Fallible` alone. Declared effects are kept in EFFECTS order so that two spellings of
// the same set print the same way; ids sort them alphabetically on their own (ids.ts).
import { EFFECTS, type Effect } from './types.js';

const KNOWN = new Set<string>(EFFECTS);

/** A broken effect rule: `index` is the offending entry when one entry is to blame. */
export interface EffectProblem {
  index?: number;
  message: string;
}

export type EffectsCheck = { ok: true; effects: Effect[] } | { ok: false; problem: EffectProblem };

export function checkEffects(value: unknown): EffectsCheck {
  if (!Array.isArray(value))
    return { ok: false, problem: { message: `must be an array of effects (${EFFECTS.join(', ')})` } };
  if (value.length === 0)
    return {
      ok: false,
      problem: {
        message: 'must name at least one effect; declare ["Pure"] for a deterministic stage without I/O',
      },
    };
  const seen = new Set<string>();
  for (const [index, effect] of value.entries()) {
    if (typeof effect !== 'string' || !KNOWN.has(effect))
      return {
        ok: false,
        problem: {
          index,
          message: `${JSON.stringify(effect)} is not an effect; use one of ${EFFECTS.join(', ')}`,
        },
      };
    if (seen.has(effect)) return { ok: false, problem: { index, message: `"${effect}" is declared twice` } };
    seen.add(effect);
  }
  const others = [...seen].filter((effect) => effect !== 'Pure' && effect !== 'Fallible');
  if (seen.has('Pure') && others.length > 0)
    return {
      ok: false,
      problem: {
        index: value.indexOf(others[0]),
        message: `Pure combines only with Fallible, not with ${others.join(', ')}: a pure stage is deterministic and free of I/O; drop Pure or drop ${others.join(', ')}`,
      },
    };
  return { ok: true, effects: EFFECTS.filter((effect) => seen.has(effect)) };
}
