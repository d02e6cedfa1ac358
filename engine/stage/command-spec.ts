// Command stages (ENGINE §1): a `NAME.stage.json` spec naming a program that reads its
// input as JSON on stdin and writes its output as JSON on stdout, in any language. This
// module only reads and checks specs into Stages; running them belongs to engine/run.
//
// Which argv entries are files: an entry that contains a "/" or ends in a known script
// extension (SCRIPT_EXTENSIONS), is not absolute, and names an existing file relative to
// the spec's folder. Those are resolved to absolute paths in the Stage's command, and
// their bytes are part of the implementation hash (keyed by the entry as written, so the
// id is the same on every checkout); one that plainly means such a file but names none
// is an error (see namedFile). Absolute entries are left alone and hashed as text
// only: they name machine tools (`/usr/bin/env`, an interpreter) whose bytes differ from
// one machine to the next, and hashing them would give every machine its own ids.
import { statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { parseJsonDocument, positionNear } from '../json/parse.js';
import { readJsonText } from '../json/text.js';
import { brandStage } from './brand.js';
import { commandImplementationHash } from './ids.js';
import type { Stage } from './types.js';
import { checkStageFields, stageInvalid, type Locate } from './validate.js';

export const STAGE_SPEC_SUFFIX = '.stage.json';

const SCRIPT_EXTENSIONS: ReadonlySet<string> = new Set([
  '.py',
  '.js',
  '.mjs',
  '.cjs',
  '.ts',
  '.mts',
  '.sh',
  '.bash',
  '.rb',
  '.pl',
  '.php',
  '.lua',
  '.r',
  '.jl',
]);

/** Reads a `NAME.stage.json` file into a Stage; every failure names the file. */
export function readCommandStageSpec(specFile: string): Stage {
  return parseCommandStageSpec(readJsonText(specFile, 'stage spec'), specFile);
}

/** Parses the text of a stage spec; `specFile` locates relative paths and names the stage's origin. */
export function parseCommandStageSpec(text: string, specFile: string): Stage {
  const file = resolve(specFile);
  const folder = dirname(file);
  const { value, positions } = parseJsonDocument(text, specFile);
  const locate: Locate = (pointer) => {
    const position = positionNear(positions, pointer);
    return position === undefined
      ? { file: specFile, pointer }
      : { file: specFile, pointer, line: position.line, column: position.column };
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw stageInvalid(undefined, 'spec', '', 'a stage spec must be a JSON object', locate);
  const raw = value as Record<string, unknown>;
  const fields = checkStageFields(raw, ['implementation', '$comment'], locate);

  const expected = `${fields.name}${STAGE_SPEC_SUFFIX}`;
  if (basename(file) !== expected)
    throw stageInvalid(
      fields.name,
      'name',
      '/name',
      `the spec file must be named ${expected}, not ${basename(file)}`,
      locate,
    );

  const written = checkCommand(raw.implementation, fields.name, locate);
  const files = new Map<string, string>();
  const command = written.map((entry, index) => {
    const named = namedFile(entry, folder);
    if (named.kind === 'missing')
      throw stageInvalid(
        fields.name,
        'implementation',
        `/implementation/command/${index}`,
        named.why,
        locate,
      );
    if (named.kind === 'text') return entry;
    files.set(entry, named.path);
    return named.path;
  });
  return brandStage(
    fields,
    { kind: 'command', command: Object.freeze(command) as string[], cwd: folder, specFile: file },
    commandImplementationHash(written, files),
  );
}

function checkCommand(implementation: unknown, name: string, locate: Locate): string[] {
  const fail = (pointer: string, problem: string): never => {
    throw stageInvalid(name, 'implementation', pointer, problem, locate);
  };
  if (typeof implementation !== 'object' || implementation === null || Array.isArray(implementation))
    fail('/implementation', 'must be an object {"command": [program, ...arguments]}');
  const impl = implementation as Record<string, unknown>;
  for (const key of Object.keys(impl))
    if (key !== 'command' && key !== '$comment')
      fail(`/implementation/${key}`, `unknown key "${key}" (allowed: command, $comment)`);
  const { command } = impl;
  if (!Array.isArray(command) || command.length === 0)
    fail('/implementation/command', 'must be a non-empty array of strings: [program, ...arguments]');
  (command as unknown[]).forEach((entry, index) => {
    if (typeof entry !== 'string' || entry === '')
      fail(`/implementation/command/${index}`, `entry ${index} must be a non-empty string`);
  });
  return command as string[];
}

/**
 * What an argv entry is. A relative entry that names an existing file of the spec's
 * folder (`add_one.py`, `lib/run.sh`) is a file: resolved, and hashed into the id. An
 * entry that plainly means such a file (`./x`, `../x`, or a script extension) but names
 * none is missing: otherwise the stage would load, get an id from the text alone, and
 * fail only when it runs. Anything else (`python3`, `-e`, inline code, absolute paths,
 * which differ by machine) is text.
 */
function namedFile(
  entry: string,
  folder: string,
): { kind: 'file'; path: string } | { kind: 'text' } | { kind: 'missing'; why: string } {
  if (isAbsolute(entry)) return { kind: 'text' };
  const scripty = SCRIPT_EXTENSIONS.has(extname(entry).toLowerCase());
  if (!entry.includes('/') && !scripty) return { kind: 'text' };
  const path = resolve(folder, entry);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isFile()) return { kind: 'file', path };
  const plainlyAFile = !/\s/.test(entry) && (entry.startsWith('./') || entry.startsWith('../') || scripty);
  if (!plainlyAFile) return { kind: 'text' };
  const what = stat === undefined ? 'does not exist' : 'is not a file';
  return {
    kind: 'missing',
    why: `${JSON.stringify(entry)} names ${path}, which ${what}; relative paths resolve against the spec file's folder`,
  };
}
