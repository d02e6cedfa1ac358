// JSON files to text. RFC 8259 §8.1: JSON exchanged between systems is UTF-8. Node's
// 'utf8' decoding silently turns every malformed byte into U+FFFD, which would surface
// later as a baffling key ("��") or pass into a stage id unnoticed; this refuses such a
// file at the line:column of its first bad byte instead, and names the encoding of a
// UTF-16 or UTF-32 file, whose byte order mark it recognises.
import { lstatSync, readFileSync } from 'node:fs';
import { NoetherError } from '../errors.js';
import { syntaxError } from './parse.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a JSON file's bytes as UTF-8 (a UTF-8 byte order mark is kept for the parser to skip). */
export function decodeJsonText(bytes: Uint8Array, file?: string): string {
  const other = otherEncoding(bytes);
  if (other !== undefined) fail(file, 1, 1, `the file is ${other}; save it as UTF-8`);
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    let lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
    const line = countNewlines(bytes, lineStart) + 1;
    // A UTF-8 byte order mark is not a column either (as in the parser).
    if (lineStart === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) lineStart = 3;
    const column = STRICT_UTF8.decode(bytes.subarray(lineStart, offset)).length + 1;
    const byte = bytes[offset]?.toString(16).toUpperCase().padStart(2, '0') ?? 'at the end';
    fail(file, line, column, `byte 0x${byte} is not valid UTF-8; save the file as UTF-8`);
  }
}

function fail(file: string | undefined, line: number, column: number, message: string): never {
  throw syntaxError(file, line, column, message);
}

/**
 * Reads a JSON file as text: every reader of JSON files goes through here, so that a
 * file that cannot be read is one NOE_FILE_READ saying why in words, and the bytes are
 * strict UTF-8. `what` names the file in messages ("stage spec", "composition").
 */
export function readJsonText(path: string, what = 'file'): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new NoetherError('NOE_FILE_READ', `cannot read ${what} ${path}: ${fileErrorReason(error, path)}`, {
      place: { file: path },
      cause: error,
    });
  }
  return decodeJsonText(bytes, path);
}

/** Why a file-system call on `path` failed, in words a user can act on. */
export function fileErrorReason(error: unknown, path: string): string {
  switch ((error as NodeJS.ErrnoException).code ?? '') {
    case 'ENOENT':
      return lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() === true
        ? 'it is a symbolic link to a missing file'
        : 'no such file';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ELOOP':
      return 'it is a loop of symbolic links';
    case 'EACCES':
      return 'permission denied';
    default:
      return (error as Error).message;
  }
}

function otherEncoding(bytes: Uint8Array): string | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0x00 && b === 0x00 && c === 0xfe && d === 0xff) return 'UTF-32 (big-endian)';
  if (a === 0xff && b === 0xfe && c === 0x00 && d === 0x00) return 'UTF-32 (little-endian)';
  if (a === 0xfe && b === 0xff) return 'UTF-16 (big-endian)';
  if (a === 0xff && b === 0xfe) return 'UTF-16 (little-endian)';
  return undefined;
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) count++;
  return count;
}

/** The offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    // Continuation bytes needed, and the range of the first one (which rules out overlong
    // forms, surrogates and code points above U+10FFFF).
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) need = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      need = 3;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const byte = bytes[i + k];
      const [min, max] = k === 1 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
