// The state of one isSubschema call: a work budget (so no input can make the checker run
// away), the pairs currently being compared (for recursive schemas: a pair met again
// while it is being checked is assumed to hold, which is sound because every such cycle
// passes through a property or an item and JSON values are finite), and the results
// already settled. It never outlives the call: cross-call memoisation lives in index.ts.
import type { Res } from './result.js';

/** Work units (comparisons and expansions) one call may spend before answering unknown. */
const BUDGET = 200_000;
/** Nesting of value positions one call may descend before answering unknown. */
const MAX_DEPTH = 96;

/** Thrown to abandon a whole check with an "unknown" verdict and this reason. */
export class GiveUp extends Error {
  constructor(
    readonly reason: string,
    /** The schemas cannot be run through ajv either (a cycle that never reaches a value). */
    readonly unrunnable = false,
  ) {
    super(reason);
    this.name = 'GiveUp';
  }
}

export class Context {
  /**
   * @param recursive the schemas use refs, so a pair may come back while it is being
   *   compared; without refs every comparison descends, and none is remembered.
   */
  constructor(private readonly recursive: boolean) {}

  private steps = 0;
  /** Pair key → stack depth of the comparisons in progress. */
  private readonly active = new Map<string, number>();
  private readonly settled = new Map<string, Res>();
  private depth = 0;
  /** The shallowest in-progress comparison that a result computed since was assumed from. */
  private assumedFrom = Infinity;
  /** Witness samples by conjunction key (see witness.ts). */
  readonly samples = new Map<string, unknown[]>();

  tick(): void {
    if (++this.steps > BUDGET)
      throw new GiveUp('the schemas are too complex to compare within the work budget');
  }

  /**
   * Runs a comparison of the pair `key` once: settled pairs answer from memory, a pair
   * already in progress is assumed to hold, and a "yes" that relied on an assumption
   * about an enclosing pair is not remembered (that pair may still turn out "no").
   */
  compare(keyOf: () => string, run: () => Res): Res {
    if (this.depth >= MAX_DEPTH) throw new GiveUp('the schemas nest too deeply to compare');
    if (!this.recursive) {
      this.depth++;
      try {
        return run();
      } finally {
        this.depth--;
      }
    }
    const key = keyOf();
    const settled = this.settled.get(key);
    if (settled !== undefined) return settled;
    const activeDepth = this.active.get(key);
    if (activeDepth !== undefined) {
      this.assumedFrom = Math.min(this.assumedFrom, activeDepth);
      return { verdict: 'yes' };
    }
    const mine = this.depth++;
    const outer = this.assumedFrom;
    this.assumedFrom = Infinity;
    this.active.set(key, mine);
    try {
      const res = run();
      const reliedOnOuter = this.assumedFrom < mine;
      if (!reliedOnOuter || res.verdict !== 'yes') this.settled.set(key, res);
      this.assumedFrom = Math.min(outer, reliedOnOuter ? this.assumedFrom : Infinity);
      return res;
    } finally {
      this.active.delete(key);
      this.depth--;
    }
  }
}
