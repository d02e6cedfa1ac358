// Labels by name, created on demand. Gitea adds labels to issues by id and never creates
// a missing one; the embedded forge need not create them either. So both adapters look a
// name up (listing the repository's labels once per client), create what is missing with
// the default colour, and remember the ids. Creating one races any concurrent creator, so a
// refused creation is settled by listing again.

export interface LabelRef {
  id: number;
  name: string;
}

export interface LabelApi {
  list(): Promise<LabelRef[]>;
  create(name: string): Promise<LabelRef>;
}

export interface LabelCache {
  byName: Map<string, LabelRef>;
  listed: boolean;
}

export function labelCache(): LabelCache {
  return { byName: new Map(), listed: false };
}

/** The labels with these names, in order, created when the repository lacks them. */
export async function ensureLabels(
  cache: LabelCache,
  api: LabelApi,
  names: readonly string[],
): Promise<LabelRef[]> {
  if (!cache.listed && names.some((name) => !cache.byName.has(name))) {
    for (const label of await api.list()) cache.byName.set(label.name, label);
    cache.listed = true;
  }
  const refs: LabelRef[] = [];
  for (const name of names) {
    let ref = cache.byName.get(name);
    if (ref === undefined) {
      ref = await api.create(name).catch(async (error: unknown) => {
        // Another writer (a concurrent call of the same Map, another tick) may have created
        // it since the list: the forge refuses the duplicate (422), and the label is there.
        const created = (await api.list()).find((label) => label.name === name);
        if (created === undefined) throw error;
        return created;
      });
      cache.byName.set(name, ref);
    }
    refs.push(ref);
  }
  return refs;
}
