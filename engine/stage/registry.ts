// The set of stages a command works with, indexed for the resolver: names, ids and
// signature ids by map (O(1)), id prefixes by binary search over the sorted ids. Names
// are unique; adding a stage whose id is already here is a no-op, because the same stage
// often arrives twice (a module re-exporting another library's stages, one spec folder
// named inside another).
import { NoetherError } from '../errors.js';
import { resolveStageRef, type Pinning, type ResolveResult, type StageIndex } from './resolve.js';
import type { Stage } from './types.js';

export class StageRegistry {
  readonly #byName = new Map<string, Stage>();
  readonly #byId = new Map<string, Stage>();
  readonly #bySignatureId = new Map<string, Stage>();
  /** Ids in ascending order, rebuilt on the first lookup after an add. */
  #sortedIds: string[] | undefined;
  readonly #index: StageIndex = {
    byName: this.#byName,
    byId: this.#byId,
    bySignatureId: this.#bySignatureId,
    withIdPrefix: (prefix) => this.#withIdPrefix(prefix),
  };

  add(stage: Stage): void {
    const existing = this.#byName.get(stage.name);
    if (existing?.id === stage.id) return;
    if (existing) {
      const origins = [originOf(existing), originOf(stage)];
      const file = fileOf(stage);
      throw new NoetherError(
        'NOE_STAGE_DUPLICATE',
        `stage "${stage.name}" is defined twice, differently: in ${origins[0]} and in ${origins[1]}`,
        {
          place: file === undefined ? {} : { file },
          details: { name: stage.name, origins, ids: [existing.id, stage.id] },
        },
      );
    }
    this.#byName.set(stage.name, stage);
    this.#byId.set(stage.id, stage);
    // A signature id covers the name, so within one registry it names one stage at most.
    this.#bySignatureId.set(stage.signatureId, stage);
    this.#sortedIds = undefined;
  }

  get(name: string): Stage | undefined {
    return this.#byName.get(name);
  }

  /** Every stage, sorted by name. */
  list(): Stage[] {
    return [...this.#byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get size(): number {
    return this.#byName.size;
  }

  /** Resolves a stage reference (see resolve.ts for the grammar); never throws. */
  resolve(ref: string, pinning: Pinning = 'signature'): ResolveResult {
    return resolveStageRef(this.#index, ref, pinning);
  }

  #withIdPrefix(prefix: string): Stage[] {
    this.#sortedIds ??= [...this.#byId.keys()].sort();
    const ids = this.#sortedIds;
    let low = 0;
    let high = ids.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (ids[middle]! < prefix) low = middle + 1;
      else high = middle;
    }
    const matches: Stage[] = [];
    for (let i = low; i < ids.length && ids[i]!.startsWith(prefix); i++)
      matches.push(this.#byId.get(ids[i]!)!);
    return matches;
  }
}

/** Where a stage was defined, for messages. */
function originOf(stage: Stage): string {
  return fileOf(stage) ?? `a built-in defined outside any file (id ${stage.id.slice(0, 12)})`;
}

/** The stage's source file or spec file, when it has one. */
function fileOf(stage: Stage): string | undefined {
  const { implementation } = stage;
  switch (implementation.kind) {
    case 'builtin':
      return implementation.sourceFile;
    case 'command':
      return implementation.specFile;
    default: {
      const unhandled: never = implementation;
      return unhandled;
    }
  }
}
