// The one resolver of stage references (ENGINE §2), shared by check, run and schedule so
// that a graph means the same thing to each of them (Noether ran a different subset of
// three resolvers per entry point; reference §1.6). It never throws: a failure is a value
// the caller turns into a diagnostic at the node's pointer.
//
// Grammar, tried in this order:
//   name             exact stage name; names win over every hex reading
//   name@<hex ≥8>    the named stage, pinned: the hex must be a prefix of its id
//   <64 hex>         a full id, or a signature id unless pinning is 'both'
//   <hex 8..63>      a unique prefix of an id
import { distance } from 'fastest-levenshtein';
import type { Stage } from './types.js';

export type Pinning = 'signature' | 'both';

export type ResolveResult =
  | { ok: true; stage: Stage }
  | {
      ok: false;
      code: 'NOE_STAGE_NOT_FOUND' | 'NOE_STAGE_AMBIGUOUS' | 'NOE_PIN_MISMATCH';
      message: string;
      suggestions: string[];
    };

/** The lookups the resolver needs; a StageRegistry provides them from its maps. */
export interface StageIndex {
  byName: ReadonlyMap<string, Stage>;
  byId: ReadonlyMap<string, Stage>;
  bySignatureId: ReadonlyMap<string, Stage>;
  /** Stages whose id starts with `prefix`, in id order. */
  withIdPrefix(prefix: string): Stage[];
}

const MIN_HEX_PREFIX = 8;
const PINNED = /^([a-z][a-z0-9_]{0,63})@([0-9a-fA-F]*)$/;
const HEX = /^[0-9a-fA-F]+$/;
const MAX_SUGGESTIONS = 3;

export function resolveStageRef(
  index: StageIndex,
  ref: string,
  pinning: Pinning = 'signature',
): ResolveResult {
  const named = index.byName.get(ref);
  if (named) return found(named);

  const pinned = PINNED.exec(ref);
  if (pinned) return resolvePinned(index, pinned[1]!, pinned[2]!.toLowerCase());
  if (ref.includes('@')) return malformedPin(index, ref);

  if (HEX.test(ref)) {
    const hex = ref.toLowerCase();
    if (hex.length === 64) return resolveFullId(index, hex, pinning);
    if (hex.length >= MIN_HEX_PREFIX && hex.length < 64) return resolvePrefix(index, hex);
    if (hex.length < MIN_HEX_PREFIX)
      return notFound(
        `stage ${quote(ref)} not found: no stage has that name, and as an id prefix it is too short (at least ${MIN_HEX_PREFIX} hex digits)`,
        nearestNames(index, ref),
      );
  }
  return nameNotFound(index, ref);
}

function resolvePinned(index: StageIndex, name: string, pin: string): ResolveResult {
  const stage = index.byName.get(name);
  if (!stage) return nameNotFound(index, name);
  if (pin.length < MIN_HEX_PREFIX || pin.length > 64)
    return notFound(
      `stage reference "${name}@${pin}": the pin must be ${MIN_HEX_PREFIX} to 64 hex digits of the stage id`,
      [],
    );
  if (stage.id.startsWith(pin)) return found(stage);
  const current = stage.id.slice(0, pin.length);
  return {
    ok: false,
    code: 'NOE_PIN_MISMATCH',
    message: `stage "${name}" changed since it was pinned: the reference pins ${pin}, its id is now ${current}…; review the change, then pin "${name}@${current}"`,
    suggestions: [`${name}@${current}`],
  };
}

function resolveFullId(index: StageIndex, hex: string, pinning: Pinning): ResolveResult {
  const byId = index.byId.get(hex);
  if (byId) return found(byId);
  const bySignature = index.bySignatureId.get(hex);
  if (bySignature && pinning === 'signature') return found(bySignature);
  if (bySignature)
    return notFound(
      `no stage has the id ${hex}: it is the signature id of stage "${bySignature.name}", and pinning "both" needs an implementation id (now ${bySignature.id})`,
      [bySignature.id],
    );
  return notFound(`no stage has the id ${hex}`, []);
}

function resolvePrefix(index: StageIndex, hex: string): ResolveResult {
  const matches = index.withIdPrefix(hex);
  const [first] = matches;
  if (first && matches.length === 1) return found(first);
  if (matches.length > 1) {
    const listed = matches.map((stage) => `"${stage.name}" (${stage.id.slice(0, hex.length + 4)}…)`);
    return {
      ok: false,
      code: 'NOE_STAGE_AMBIGUOUS',
      message: `stage id prefix ${hex} is ambiguous: it matches ${listed.join(', ')}; use a longer prefix or the name`,
      suggestions: matches.map((stage) => stage.name),
    };
  }
  return notFound(`no stage id starts with ${hex}`, []);
}

function nameNotFound(index: StageIndex, ref: string): ResolveResult {
  const suggestions = nearestNames(index, ref);
  const lowercase = ref !== ref.toLowerCase() ? ' (stage names are lowercase)' : '';
  return notFound(`stage ${quote(ref)} not found${didYouMean(suggestions)}${lowercase}`, suggestions);
}

/** A reference with an "@" that is not name@<hex>: say what the form is, and who was meant. */
function malformedPin(index: StageIndex, ref: string): ResolveResult {
  const name = ref.slice(0, ref.indexOf('@'));
  const suggestions = name === '' ? [] : index.byName.has(name) ? [name] : nearestNames(index, name);
  return notFound(
    `stage reference ${quote(ref)} is malformed: a pinned reference is name@<${MIN_HEX_PREFIX} to 64 hex digits of the stage id>${didYouMean(suggestions)}`,
    suggestions,
  );
}

function didYouMean(suggestions: string[]): string {
  return suggestions.length === 0 ? '' : `; did you mean ${suggestions.map((n) => `"${n}"`).join(' or ')}?`;
}

/** A reference as messages quote it: cut short, as it may be any string a graph holds. */
function quote(ref: string): string {
  return JSON.stringify(ref.length > 80 ? `${ref.slice(0, 80)}…` : ref);
}

/**
 * Names within a few edits of `ref` (a typo), or containing it (a partial name), nearest
 * first. This scans every name, which is fine: it only runs once resolution has failed.
 */
function nearestNames(index: StageIndex, ref: string): string[] {
  // Names are lowercase: "SHOUT" is a slip of the shift key, not five edits away from "shout".
  const wanted = ref.toLowerCase();
  const budget = Math.max(2, Math.floor(wanted.length / 3));
  const scored: [number, string][] = [];
  for (const name of index.byName.keys()) {
    const edits = distance(wanted, name);
    if (edits <= budget || (wanted.length >= 3 && name.includes(wanted))) scored.push([edits, name]);
  }
  scored.sort(([a, x], [b, y]) => a - b || (x < y ? -1 : 1));
  return scored.slice(0, MAX_SUGGESTIONS).map(([, name]) => name);
}

function found(stage: Stage): ResolveResult {
  return { ok: true, stage };
}

function notFound(message: string, suggestions: string[]): ResolveResult {
  return { ok: false, code: 'NOE_STAGE_NOT_FOUND', message, suggestions };
}
