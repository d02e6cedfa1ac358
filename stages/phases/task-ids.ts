// Task and check ids the planning phases make up must satisfy the id rule
// (schemas/domain/id.schema.json: `^[a-z0-9][a-z0-9_-]{0,63}$`) however odd the names
// they come from: the Python phases put raw slugs and `review-<id>` straight into ids,
// so a long or punctuation-only component name produced ids the shell then refused.
// Here every made-up id is built by `uniqueId`, which fits it into 64 characters and
// never returns an id already taken (test/stages/phases checks them against ID_PATTERN).

const ID_MAX = 64;

/** Lower case, every run of other characters a single `-`, no dash at either end. */
export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * `<prefix><base>` cut to `maxLength` (the id length), or with `-2`, `-3`, … when that is
 * taken; the result is added to `taken`. `prefix` must itself start an id (`impl-`).
 */
export function uniqueId(prefix: string, base: string, taken: Set<string>, maxLength = ID_MAX): string {
  for (let n = 1; ; n += 1) {
    const suffix = n === 1 ? '' : `-${n}`;
    const cut = base.slice(0, maxLength - prefix.length - suffix.length).replace(/-+$/, '');
    const id = `${prefix}${cut}${suffix}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

/**
 * One slug per name, in order, each unique and short enough that `<longest prefix><slug>`
 * is an id. A name with no letter or digit gets `<fallback>-<position>`.
 */
export function uniqueSlugs(names: readonly string[], longestPrefix: string, fallback: string): string[] {
  const taken = new Set<string>();
  return names.map((name, index) => {
    const slug = slugOf(name);
    return uniqueId(
      '',
      slug === '' ? `${fallback}-${index + 1}` : slug,
      taken,
      ID_MAX - longestPrefix.length,
    );
  });
}
