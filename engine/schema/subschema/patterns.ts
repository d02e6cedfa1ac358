// Regular expressions as ajv runs them (`new RegExp(pattern, "u")`), and a small generator
// of strings matching a pattern, for witnesses. The generator understands literals,
// classes, groups, alternation and quantifiers; anything else (lookarounds,
// backreferences, word boundaries) yields no sample, never a wrong one: every sample is
// tested against the real regular expression before it is returned.
import { GiveUp } from './context.js';

const compiled = new Map<string, RegExp | null>();

export function regexOf(source: string): RegExp | undefined {
  let re = compiled.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source, 'u');
    } catch {
      re = null;
    }
    compiled.set(source, re);
  }
  return re ?? undefined;
}

/** The regular expression of a pattern keyword; an invalid one makes the schema unusable. */
export function patternRegex(source: string): RegExp {
  const re = regexOf(source);
  if (re === undefined)
    throw new GiveUp(`pattern ${JSON.stringify(source)} is not a valid regular expression`);
  return re;
}

/**
 * A pattern every string matches: one that matches the empty string and has no anchor or
 * assertion, so the same empty match exists at the start of any string.
 */
export function isUniversalPattern(source: string): boolean {
  const re = regexOf(source);
  return re !== undefined && re.test('') && !/[\^$]|\\[bB]|\(\?[=!<]/.test(source);
}

type Node =
  | { readonly type: 'chars'; readonly source: string }
  | { readonly type: 'group'; readonly alternatives: readonly Node[][] }
  | { readonly type: 'repeat'; readonly node: Node; readonly min: number; readonly max: number }
  | { readonly type: 'anchor' };

class Unsupported extends Error {}

/** A recursive-descent reader of the supported subset of regular expression syntax. */
class Reader {
  private pos = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.src.length) throw new Unsupported();
    return node;
  }

  private alternation(): Node {
    const alternatives: Node[][] = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      alternatives.push(this.sequence());
    }
    return { type: 'group', alternatives };
  }

  private sequence(): Node[] {
    const nodes: Node[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      nodes.push(this.quantified(this.atom()));
    }
    return nodes;
  }

  private atom(): Node {
    const start = this.pos;
    const ch = this.src[this.pos++];
    if (ch === undefined) throw new Unsupported();
    switch (ch) {
      case '^':
      case '$':
        return { type: 'anchor' };
      case '(': {
        if (this.src.startsWith('?:', this.pos)) this.pos += 2;
        else if (this.src.startsWith('?<', this.pos) && !/^\?<[=!]/.test(this.src.slice(this.pos))) {
          this.pos = this.src.indexOf('>', this.pos) + 1;
          if (this.pos === 0) throw new Unsupported();
        } else if (this.src[this.pos] === '?') throw new Unsupported();
        const inner = this.alternation();
        if (this.src[this.pos++] !== ')') throw new Unsupported();
        return inner;
      }
      case '[': {
        if (this.src[this.pos] === '^') this.pos++;
        if (this.src[this.pos] === ']') this.pos++;
        while (this.pos < this.src.length && this.src[this.pos] !== ']')
          this.pos += this.src[this.pos] === '\\' ? 2 : 1;
        if (this.src[this.pos++] !== ']') throw new Unsupported();
        return { type: 'chars', source: this.src.slice(start, this.pos) };
      }
      case '\\': {
        const next = this.src[this.pos++] ?? '';
        if (/[1-9bBk]/.test(next)) throw new Unsupported();
        if (/[pPu]/.test(next) && this.src[this.pos] === '{') this.pos = this.src.indexOf('}', this.pos) + 1;
        else if (next === 'u') this.pos += 4;
        else if (next === 'x') this.pos += 2;
        else if (next === 'c') this.pos += 1;
        if (this.pos === 0 || this.pos > this.src.length) throw new Unsupported();
        return { type: 'chars', source: this.src.slice(start, this.pos) };
      }
      case ')':
      case '|':
      case '*':
      case '+':
      case '?':
      case '{':
        throw new Unsupported();
      default:
        // A whole code point: the pattern is read in unicode mode.
        if (/[\uD800-\uDBFF]/.test(ch)) this.pos++;
        return { type: 'chars', source: this.src.slice(start, this.pos) };
    }
  }

  private quantified(node: Node): Node {
    let min: number;
    let max: number;
    const ch = this.src[this.pos];
    if (ch === '*') [min, max] = [0, Infinity];
    else if (ch === '+') [min, max] = [1, Infinity];
    else if (ch === '?') [min, max] = [0, 1];
    else if (ch === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (m === null) return node;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.pos += m[0].length - 1;
    } else return node;
    this.pos++;
    if (this.src[this.pos] === '?') this.pos++;
    if (node.type === 'anchor') throw new Unsupported();
    return { type: 'repeat', node, min, max };
  }
}

const CHAR_GUESSES = ['a', 'b', 'A', '0', '1', '_', '-', '.', ' ', 'z', 'é', '@', '/', ':'];

function charFor(source: string): string {
  const re = regexOf(`^(?:${source})$`);
  const hit = re && CHAR_GUESSES.find((c) => re.test(c));
  if (!hit) throw new Unsupported();
  return hit;
}

/** One string for the node; `extra` more repetitions than the minimum for every quantifier. */
function generate(node: Node, extra: number): string {
  switch (node.type) {
    case 'anchor':
      return '';
    case 'chars':
      return charFor(node.source);
    case 'group':
      return (node.alternatives[0] ?? []).map((n) => generate(n, extra)).join('');
    case 'repeat':
      return generate(node.node, extra).repeat(Math.min(node.max, node.min + extra));
    default: {
      const never: never = node;
      return never;
    }
  }
}

/** Strings that match the pattern (possibly none), shortest first. */
export function samplesMatching(source: string): string[] {
  const re = regexOf(source);
  if (re === undefined) return [];
  let tree: Node;
  try {
    tree = new Reader(source).parse();
  } catch (e) {
    if (e instanceof Unsupported) return [];
    throw e;
  }
  const out = new Set<string>();
  for (const extra of [0, 1, 3]) {
    try {
      const s = generate(tree, extra);
      if (re.test(s)) out.add(s);
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
    }
  }
  return [...out];
}
