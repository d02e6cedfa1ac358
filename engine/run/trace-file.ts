// Finding and reading recorded traces (`noether-ts trace`): by execution id, by a unique
// prefix of one, or the latest (ids sort by time as text). Only names that look like
// execution ids are ever turned into paths, so an argument cannot lead outside the folder.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { NoetherError } from '../errors.js';
import { readJsonText } from '../json/text.js';
import { TRACE_FOLDER, type Trace } from './trace.js';

const ID_TEXT = /^[0-9a-f-]{1,36}$/;
const TRACE_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$/;

/** The trace of `id` (an execution id or a unique prefix), or the latest when `id` is undefined. */
export async function readTrace(
  root: string,
  id: string | undefined,
): Promise<{ trace: Trace; path: string }> {
  const dir = join(root, TRACE_FOLDER);
  const ids = (await listIds(dir)).sort();
  const notFound = (why: string) =>
    new NoetherError('NOE_TRACE_NOT_FOUND', `${why} in ${dir}`, { place: { file: dir }, details: { id } });
  let chosen: string | undefined;
  if (id === undefined) {
    chosen = ids.at(-1);
    if (chosen === undefined) throw notFound('no trace recorded yet');
  } else {
    const wanted = id.toLowerCase();
    const matches = ID_TEXT.test(wanted) ? ids.filter((known) => known.startsWith(wanted)) : [];
    if (matches.length === 0) throw notFound(`no trace with execution id ${JSON.stringify(id)}`);
    if (matches.length > 1 && !matches.includes(wanted))
      throw notFound(`${matches.length} traces start with ${JSON.stringify(id)}; give more of the id`);
    chosen = matches.includes(wanted) ? wanted : matches[0]!;
  }
  const path = join(dir, `${chosen}.json`);
  return { trace: JSON.parse(readJsonText(path, 'trace')) as Trace, path };
}

async function listIds(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return []; // no folder yet: no traces
  }
  return names.flatMap((name) => TRACE_FILE.exec(name)?.[1] ?? []);
}
