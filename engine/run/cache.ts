// The pure-stage cache (ENGINE §5): a stage whose effects are exactly Pure (or Pure +
// Fallible) gives the same output for the same input, so its successes are kept under
// key = SHA-256(stage id + the input's content hash, digest.ts). ENGINE §5 says
// SHA-256(stage id + JCS(input)); the content hash is as collision-resistant and does not
// re-read a large input that is mostly unchanged. In memory it is an LRU bounded by entries and by
// bytes (of the output's JCS text), owned by the Engine so that the runs of a long-lived
// process (the scheduler) share it; optionally backed by a folder of `<key>.json` files
// written atomically. Values are deep-frozen before they are kept: every consumer of a
// cached value shares one object, so none may change it.
import { readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { writeFileAtomic } from '../fs/atomic.js';
import { canonicalJson, sha256Hex } from '../json/jcs.js';
import { deepFreeze } from '../json/value.js';
import { digest, type Digest } from './digest.js';

export interface CacheLimits {
  /** Most entries kept in memory (default 10,000). */
  maxEntries?: number;
  /** Most bytes of output text kept in memory (default 64 MiB). */
  maxBytes?: number;
}

export interface CachedOutput {
  /** Deep-frozen. */
  value: unknown;
  /** The value's content hash (digest.ts; the trace's output hash). */
  hash: string;
}

interface Entry extends CachedOutput {
  size: number;
}

export const DEFAULT_CACHE_LIMITS = { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 } as const;

export function cacheKey(stageId: string, inputHash: string): string {
  return sha256Hex(`${stageId}#${inputHash}`);
}

export class StageCache {
  readonly #memory: LRUCache<string, Entry>;
  /** Folders already made, so a write does not ask the file system again. */
  readonly #folders = new Set<string>();

  constructor(limits: CacheLimits = {}) {
    this.#memory = new LRUCache<string, Entry>({
      max: limits.maxEntries ?? DEFAULT_CACHE_LIMITS.maxEntries,
      maxSize: limits.maxBytes ?? DEFAULT_CACHE_LIMITS.maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.size),
    });
  }

  get size(): number {
    return this.#memory.size;
  }

  get bytes(): number {
    return this.#memory.calculatedSize;
  }

  /**
   * The cached output of `key`: from memory, else from `dir` when one is given. A file
   * is outside the engine's control (edited, or left by a damaged write): one that does
   * not parse, or that `accept` refuses (the stage's output contract), is a miss.
   */
  async get(
    key: string,
    dir: string | undefined,
    accept?: (value: unknown) => boolean,
  ): Promise<CachedOutput | undefined> {
    const hit = this.#memory.get(key);
    if (hit !== undefined || dir === undefined) return hit;
    let text: string;
    try {
      text = await readFile(join(dir, `${key}.json`), 'utf8');
    } catch {
      return undefined; // absent (or unreadable): a miss, the stage runs
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined; // a damaged entry is a miss; the next success overwrites it
    }
    if (accept !== undefined && !accept(value)) return undefined;
    const frozen = deepFreeze(value);
    const entry: Entry = { value: frozen, ...digest(frozen) };
    this.#memory.set(key, entry);
    return entry;
  }

  /** Keeps a success, with its digest (already computed for the trace). The folder holds its JCS text. */
  async set(key: string, value: unknown, { hash, size }: Digest, dir: string | undefined): Promise<void> {
    this.#memory.set(key, { value: deepFreeze(value), hash, size });
    if (dir === undefined) return;
    if (!this.#folders.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.#folders.add(dir);
    }
    await writeFileAtomic(join(dir, `${key}.json`), canonicalJson(value), { durable: false });
  }
}
