// A strict JSON parser (RFC 8259) that remembers where every value came from, so that
// diagnostics can name a line:column for any JSON pointer, and that reports syntax
// errors with line:column. It also rejects duplicate keys, which JSON.parse would
// silently resolve to the last one (a typo must not pass silently). It is iterative,
// so hostile nesting depth cannot overflow the stack.
import { NoetherError, placePrefix } from '../errors.js';
import { pointerJoin } from './pointer.js';

export interface Position {
  line: number;
  column: number;
  offset: number;
}

export interface JsonDocument {
  value: unknown;
  /** Position of the value at each JSON pointer ('' is the whole document). */
  positions: Map<string, Position>;
}

interface Frame {
  kind: 'object' | 'array';
  container: Record<string, unknown> | unknown[];
  pointer: string;
  /** The key whose value is being parsed next (objects only). */
  key: string | undefined;
  closed: boolean;
}

/**
 * The position of the value at `pointer`, or of its nearest ancestor that has one (a
 * missing member has no position of its own: its enclosing object is the place to show).
 */
export function positionNear(
  positions: ReadonlyMap<string, Position>,
  pointer: string,
): Position | undefined {
  for (let at = pointer; ; at = at.slice(0, at.lastIndexOf('/'))) {
    const hit = positions.get(at);
    if (hit !== undefined || at === '') return hit;
  }
}

/** Deeper documents are refused: everything downstream walks values recursively. */
export const MAX_JSON_DEPTH = 512;

export function parseJsonDocument(text: string, file?: string): JsonDocument {
  return new Parser(text, file).parseDocument();
}

class Parser {
  private pos = 0;
  /** 1 when the text starts with a byte order mark, which no editor counts as a column. */
  private readonly bom: number;
  private readonly positions = new Map<string, Position>();
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly text: string,
    private readonly file: string | undefined,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    this.bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.pos = this.bom;
  }

  parseDocument(): JsonDocument {
    this.skipWhitespace();
    if (this.pos >= this.text.length) this.fail('the document is empty; expected a JSON value');
    const value = this.parseValueIteratively();
    this.skipWhitespace();
    if (this.pos < this.text.length)
      this.fail(`unexpected ${this.describeHere()} after the end of the JSON value`);
    return { value, positions: this.positions };
  }

  private parseValueIteratively(): unknown {
    const stack: Frame[] = [];
    let root: unknown;
    let pointer = '';
    for (;;) {
      // Parse one value start at `pointer`.
      this.skipWhitespace();
      this.positions.set(pointer, this.position(this.pos));
      let value: unknown;
      let opened: Frame | undefined;
      const ch = this.text[this.pos];
      if (ch === '{') {
        this.pos++;
        const container: Record<string, unknown> = {};
        opened = { kind: 'object', container, pointer, key: undefined, closed: false };
        value = container;
      } else if (ch === '[') {
        this.pos++;
        const container: unknown[] = [];
        opened = { kind: 'array', container, pointer, key: undefined, closed: false };
        value = container;
      } else {
        value = this.parseScalar();
      }
      if (stack.length === 0) root = value;
      else this.store(stack[stack.length - 1]!, value);

      if (opened) {
        if (stack.length >= MAX_JSON_DEPTH) this.fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
        stack.push(opened);
        const next = this.openFirst(opened);
        if (next !== undefined) {
          pointer = next;
          continue;
        }
      }
      // Close finished containers and find the next value to parse.
      for (;;) {
        const top = stack[stack.length - 1];
        if (!top) return root;
        const next = this.advance(top);
        if (next !== undefined) {
          pointer = next;
          break;
        }
        stack.pop();
      }
    }
  }

  /** Just after `{` or `[`: the pointer of the first member, or undefined when empty. */
  private openFirst(frame: Frame): string | undefined {
    this.skipWhitespace();
    const close = frame.kind === 'object' ? '}' : ']';
    if (this.text[this.pos] === close) {
      this.pos++;
      frame.closed = true;
      return undefined;
    }
    return this.member(frame);
  }

  /** After a member value: the pointer of the next member, or undefined at the closing bracket. */
  private advance(frame: Frame): string | undefined {
    if (frame.closed) return undefined;
    this.skipWhitespace();
    const close = frame.kind === 'object' ? '}' : ']';
    const ch = this.text[this.pos];
    if (ch === ',') {
      this.pos++;
      return this.member(frame);
    }
    if (ch === close) {
      this.pos++;
      frame.closed = true;
      return undefined;
    }
    this.fail(`expected ',' or '${close}' but found ${this.describeHere()}`);
  }

  private member(frame: Frame): string {
    this.skipWhitespace();
    if (frame.kind === 'array') {
      const index = (frame.container as unknown[]).length;
      return pointerJoin(frame.pointer, index);
    }
    if (this.text[this.pos] !== '"')
      this.fail(`expected a property name in double quotes but found ${this.describeHere()}`);
    const keyStart = this.pos;
    const key = this.parseString();
    if (Object.hasOwn(frame.container, key)) {
      this.pos = keyStart;
      this.fail(`duplicate key ${JSON.stringify(key)}`);
    }
    this.skipWhitespace();
    if (this.text[this.pos] !== ':')
      this.fail(`expected ':' after the property name but found ${this.describeHere()}`);
    this.pos++;
    frame.key = key;
    return pointerJoin(frame.pointer, key);
  }

  private store(frame: Frame, value: unknown): void {
    if (frame.kind === 'array') (frame.container as unknown[]).push(value);
    else
      Object.defineProperty(frame.container, frame.key!, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }

  private parseScalar(): unknown {
    const ch = this.text[this.pos];
    if (ch === '"') return this.parseString();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return this.parseNumber();
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    if (ch === undefined) this.fail('unexpected end of input; the JSON is truncated');
    this.fail(`unexpected ${this.describeHere()}; expected a JSON value`);
  }

  private parseString(): string {
    const start = this.pos;
    this.pos++; // opening quote
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (Number.isNaN(code)) {
        this.pos = start;
        this.fail('unterminated string; the JSON is truncated');
      }
      if (code === 0x22) break;
      if (code < 0x20) this.fail('control character in a string; escape it (\\n, \\t, \\u00XX)');
      if (code === 0x5c) {
        out += this.text.slice(chunkStart, this.pos);
        out += this.parseEscape();
        chunkStart = this.pos;
        continue;
      }
      this.pos++;
    }
    out += this.text.slice(chunkStart, this.pos);
    // Escapes are checked where they are; this catches a raw one in a caller's text.
    if (LONE_SURROGATE_CHAR.test(out)) {
      this.pos = start;
      this.fail(LONE_SURROGATE);
    }
    this.pos++; // closing quote
    return out;
  }

  private parseEscape(): string {
    const ch = this.text[this.pos + 1];
    const simple = ch === undefined ? undefined : ESCAPES[ch];
    if (simple !== undefined) {
      this.pos += 2;
      return simple;
    }
    if (ch === 'u') {
      const unit = this.hexEscape(this.pos);
      // I-JSON (RFC 7493), which JCS ids require: a surrogate escape must be half of a pair.
      if (unit >= 0xdc00 && unit <= 0xdfff) this.fail(LONE_SURROGATE);
      if (unit >= 0xd800 && unit <= 0xdbff) {
        const low = this.text.startsWith('\\u', this.pos + 6) ? this.hexEscape(this.pos + 6) : -1;
        if (low < 0xdc00 || low > 0xdfff) this.fail(LONE_SURROGATE);
        this.pos += 12;
        return String.fromCharCode(unit, low);
      }
      this.pos += 6;
      return String.fromCharCode(unit);
    }
    this.fail(`invalid escape sequence \\${ch ?? ''}`);
  }

  /** The code unit of the `\uXXXX` escape at `at`, failing there when it is malformed. */
  private hexEscape(at: number): number {
    const hex = this.text.slice(at + 2, at + 6);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
      this.pos = at;
      this.fail('invalid \\u escape; expected four hex digits');
    }
    return parseInt(hex, 16);
  }

  private parseNumber(): number {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail(`invalid number starting with ${this.describeHere()}`);
    const value = Number(match[0]);
    if (!Number.isFinite(value)) this.fail(`number ${match[0]} is out of range`);
    this.pos += match[0].length;
    return value;
  }

  private skipWhitespace(): void {
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) this.pos++;
      else return;
    }
  }

  private describeHere(): string {
    const ch = this.text[this.pos];
    return ch === undefined ? 'the end of input' : JSON.stringify(ch);
  }

  private position(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const bom = lo === 0 ? this.bom : 0;
    return { line: lo + 1, column: Math.max(1, offset - this.lineStarts[lo]! + 1 - bom), offset };
  }

  private fail(message: string): never {
    const { line, column } = this.position(this.pos);
    throw syntaxError(this.file, line, column, message);
  }
}

/** A NOE_JSON_SYNTAX error at a line:column of a file (or of unnamed text). */
export function syntaxError(
  file: string | undefined,
  line: number,
  column: number,
  message: string,
): NoetherError {
  const place = { ...(file === undefined ? {} : { file }), line, column };
  return new NoetherError('NOE_JSON_SYNTAX', `${placePrefix(place)}${message}`, { place });
}

const LONE_SURROGATE =
  'lone surrogate escape: a \\uD800-\\uDBFF escape must be followed by a \\uDC00-\\uDFFF one (I-JSON)';
/** In a `u` regex a well-formed pair is one code point, so only a lone half is Cs. */
export const LONE_SURROGATE_CHAR = /\p{Cs}/u;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LITERALS: [string, unknown][] = [
  ['true', true],
  ['false', false],
  ['null', null],
];
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};
