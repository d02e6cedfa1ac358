// Stage content ids (ENGINE §1), the same scheme as Noether's `stage/hash.rs`: lowercase
// hex SHA-256 of the RFC 8785 (JCS) form of {name, input, output, effects,
// implementation_hash}; the signature id leaves implementation_hash out. Effects are
// sorted alphabetically here, whatever order the stage keeps them in, so that an id never
// depends on how a set was spelled. What `implementation_hash` covers differs by kind:
// a built-in's source file, a command stage's argv and the files it names.
import { readFileSync } from 'node:fs';
import { contentId, sha256Hex } from '../json/jcs.js';
import type { JsonSchema } from '../schema/types.js';
import type { Effect } from './types.js';

export interface StageIdentity {
  name: string;
  input: JsonSchema;
  output: JsonSchema;
  effects: readonly Effect[];
  implementationHash: string;
}

export function stageIds(identity: StageIdentity): { id: string; signatureId: string } {
  const signature = {
    name: identity.name,
    input: identity.input,
    output: identity.output,
    effects: [...identity.effects].sort(),
  };
  return {
    id: contentId({ ...signature, implementation_hash: identity.implementationHash }),
    signatureId: contentId(signature),
  };
}

/**
 * A built-in's implementation is its source file: editing the file (the run function or
 * anything it calls from there) changes the id. Without a file (code evaluated from a
 * string, a REPL) the run function's own text is the best available stand-in.
 */
export function builtinImplementationHash(
  sourceFile: string | undefined,
  run: (...args: never[]) => unknown,
): string {
  return sourceFile === undefined ? sha256Hex(run.toString()) : sha256Hex(readFileSync(sourceFile));
}

/**
 * A command's implementation is its argv as written plus the bytes of the files it names.
 * `files` maps an argv entry, as written, to the file it names; keys stay as written so
 * that the id is the same on every machine that checks the project out.
 */
export function commandImplementationHash(
  command: readonly string[],
  files: ReadonlyMap<string, string>,
): string {
  const hashes: Record<string, string> = {};
  for (const [entry, file] of files) hashes[entry] = sha256Hex(readFileSync(file));
  return contentId({ command, files: hashes });
}
