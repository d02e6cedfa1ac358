// "Did you mean …?": the one rule for guessing which known word a misspelled one meant,
// used for unknown ops, unknown keys of nodes and stage definitions. (Stage references
// have their own, multi-candidate search in stage/resolve.ts: names are many, keys few.)
import { closest, distance } from 'fastest-levenshtein';

/** The candidate the user probably meant: same letters in another case, a prefix, or a near spelling. */
export function nearestSpelling(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const sameLetters = candidates.find((c) => c.toLowerCase() === lower);
  if (sameLetters !== undefined) return sameLetters;
  const prefix = candidates.find((c) => lower.length >= 3 && c.toLowerCase().startsWith(lower));
  if (prefix !== undefined) return prefix;
  const best = closest(word, candidates);
  return distance(word, best) <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}
