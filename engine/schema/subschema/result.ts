// What one comparison answers inside the checker. "yes" is final and must be sound.
// "no" is a claim the rules believe and "unknown" a doubt; both carry a reason, the path
// inside the value where the schemas part, and candidate witnesses (computed lazily:
// most failed comparisons are discarded by an anyOf that finds another branch). No
// candidate is ever reported before index.ts has checked it with ajv.
import { escapeToken } from '../../json/pointer.js';

export interface Yes {
  readonly verdict: 'yes';
}

export interface Open {
  readonly verdict: 'no' | 'unknown';
  readonly reason: string;
  /** JSON pointer inside the value, relative to the value this comparison is about. */
  readonly path: string;
  /** Candidate values of the upstream schema that the downstream schema may reject. */
  readonly witnesses: () => unknown[];
  /** Set when the downstream schema does not admit the upstream kind at all: what it admits. */
  readonly expects?: string;
}

export type Res = Yes | Open;

export const YES: Yes = { verdict: 'yes' };

const NONE = (): unknown[] => [];

export function no(reason: string, witnesses: () => unknown[] = NONE, expects?: string): Open {
  return expects === undefined
    ? { verdict: 'no', reason, path: '', witnesses }
    : { verdict: 'no', reason, path: '', witnesses, expects };
}

export function unknown(reason: string, witnesses: () => unknown[] = NONE): Open {
  return { verdict: 'unknown', reason, path: '', witnesses };
}

/**
 * Moves a nested comparison's result up one level: its path gains `token`, and each
 * candidate for the nested value is embedded into candidates for the enclosing value.
 */
export function nested(res: Res, token: string | number, embed: (inner: unknown) => unknown[]): Res {
  if (res.verdict === 'yes') return res;
  return {
    verdict: res.verdict,
    reason: res.reason,
    path: `/${escapeToken(token)}${res.path}`,
    witnesses: () => res.witnesses().flatMap(embed),
  };
}

/**
 * The result of several requirements that must all hold: the first "no" decides (callers
 * stop early when `add` returns true), otherwise the first "unknown", otherwise "yes".
 */
export class Conjunction {
  private open: Open | undefined;

  add(res: Res): boolean {
    if (res.verdict === 'yes') return false;
    if (res.verdict === 'no') {
      this.open = res;
      return true;
    }
    this.open ??= res;
    return false;
  }

  get result(): Res {
    return this.open ?? YES;
  }
}

/** A JSON value as reasons quote it, cut short when long. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export function showList(values: readonly unknown[]): string {
  const shown = values.slice(0, 5).map(show).join(', ');
  return values.length > 5 ? `${shown}, ...` : shown;
}

/** "up to 5", "any number of": how reasons describe an upper count. */
export function upTo(n: number, noun: string): string {
  return n === Infinity ? `any number of ${noun}` : `up to ${n} ${noun}`;
}
