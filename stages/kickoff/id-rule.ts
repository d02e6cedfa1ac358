// Ids that kickoff makes up (a sprint id from a brief, agent ids from task ids) satisfy the
// id rule of CALORON §1 (`^[a-z0-9][a-z0-9_-]{0,63}$`, schemas/domain/id.schema.json) by
// construction. The shell, the KV directory and branch names refuse anything else: the
// reference's generated `sprint-add-health-endpoint.` is what happens when they do not.
import { sha256Hex } from '../../engine/json/jcs.js';

const ID_MAX_LENGTH = 64;
const HASH_LENGTH = 8;

/** The first hex digits of the text's SHA-256: short, deterministic, a valid id tail. */
export function shortHash(text: string): string {
  return sha256Hex(text).slice(0, HASH_LENGTH);
}

/**
 * `text` as id characters: accents dropped (NFKD, combining marks removed), lowercase,
 * every run of anything outside `[a-z0-9]` one `-`, no `-` at either end. May be empty
 * (a brief of punctuation or of a script without Latin letters).
 */
export function slugOf(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * `<prefix>-<tail>` when it is at most `max` characters; otherwise the tail is cut and a
 * short hash of the whole tail appended, so two long tails that share a beginning still
 * give distinct ids. `prefix` must start with `[a-z0-9]` and leave room for the hash;
 * `tail` must be made of id characters.
 */
export function boundedId(prefix: string, tail: string, max = ID_MAX_LENGTH): string {
  const whole = `${prefix}-${tail}`;
  if (whole.length <= max) return whole;
  const hash = shortHash(tail);
  const room = Math.max(max - prefix.length - hash.length - 2, 0);
  const cut = tail.slice(0, room).replace(/[-_]+$/, '');
  return [prefix, cut, hash].filter((part) => part !== '').join('-');
}
