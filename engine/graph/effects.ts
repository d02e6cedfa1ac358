// Effect inference and effect policies (ENGINE §3). A graph's effects are the union of
// its stages' effects over every path (both Branch arms count: the checker cannot know
// which one runs); it is Pure only when every stage in it is. Policies are checked
// before anything runs, with one error per offending stage node.
import { diagnostic, type Diagnostic } from '../errors.js';
import { EFFECTS, type Effect } from '../stage/types.js';

export interface EffectPolicy {
  /** When given, every effect other than Pure must be listed. */
  allowEffects?: readonly Effect[];
  /** Effects no stage may have. */
  denyEffects?: readonly Effect[];
}

/** A node that contributes effects: a Stage or a RemoteStage. */
export interface EffectSite {
  pointer: string;
  label: string;
  effects: readonly Effect[];
}

export function graphEffects(sites: readonly EffectSite[]): Effect[] {
  const found = new Set<Effect>(sites.flatMap((s) => s.effects));
  if (!sites.every((s) => s.effects.includes('Pure'))) found.delete('Pure');
  else found.add('Pure');
  return EFFECTS.filter((e) => found.has(e));
}

export function effectPolicyDiagnostics(sites: readonly EffectSite[], policy: EffectPolicy): Diagnostic[] {
  const out: Diagnostic[] = [];
  const allowed = policy.allowEffects === undefined ? undefined : new Set(policy.allowEffects);
  const denied = new Set(policy.denyEffects ?? []);
  for (const site of sites) {
    for (const effect of site.effects) {
      if (denied.has(effect)) {
        out.push(
          diagnostic(
            'NOE_EFFECT_DENIED',
            `${site.label} has effect ${effect}, which --deny-effects forbids`,
            {
              pointer: site.pointer,
            },
          ),
        );
      } else if (allowed !== undefined && effect !== 'Pure' && !allowed.has(effect)) {
        out.push(
          diagnostic(
            'NOE_EFFECT_DENIED',
            `${site.label} has effect ${effect}, which --allow-effects does not list`,
            {
              pointer: site.pointer,
            },
          ),
        );
      }
    }
  }
  return out;
}

/** Parses a comma-separated effect list as given on the command line (case-insensitive). */
export function parseEffectList(text: string): { effects: Effect[]; unknown: string[] } {
  const byLower = new Map(EFFECTS.map((e) => [e.toLowerCase(), e]));
  const effects: Effect[] = [];
  const unknown: string[] = [];
  for (const token of text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)) {
    const effect = byLower.get(token.toLowerCase().replace(/[-_]/g, ''));
    if (effect === undefined) unknown.push(token);
    else effects.push(effect);
  }
  return { effects, unknown };
}
