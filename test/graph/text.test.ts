// How composition text is read before it is parsed (RFC 8259 §8.1, I-JSON): UTF-8 only,
// with a clear error at the line:column of a bad byte; a byte order mark that no editor
// counts as a column; and strings that JCS can hash (no lone surrogate halves).
import { describe, expect, it } from 'vitest';
import { parseComposition, parseCompositionValue } from '../../engine/graph/parse.js';
import { parseJsonDocument } from '../../engine/json/parse.js';
import { decodeJsonText } from '../../engine/json/text.js';
import { rejection } from '../rejection.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('decoding JSON bytes', () => {
  it('decodes UTF-8, keeping a byte order mark for the parser to skip', () => {
    expect(decodeJsonText(utf8('\ufeff{"é":"😀"}'))).toBe('\ufeff{"é":"😀"}');
  });

  it('refuses a byte that is not UTF-8 at its line:column instead of reading U+FFFD', () => {
    const bytes = new Uint8Array([...utf8('{\n  "ké'), 0xff, ...utf8('": 1}')]);
    const error = rejection(() => decodeJsonText(bytes, 'bad.json'));
    expect([error.code, error.place]).toStrictEqual([
      'NOE_JSON_SYNTAX',
      { file: 'bad.json', line: 2, column: 6 },
    ]);
    expect(error.message).toContain('byte 0xFF is not valid UTF-8');
  });

  it('refuses a sequence cut short by the end of the file', () => {
    const error = rejection(() => decodeJsonText(new Uint8Array([0x22, 0xe2, 0x82])));
    expect(error.place).toStrictEqual({ line: 1, column: 2 });
  });

  it('names the encoding of a UTF-16 file', () => {
    const bytes = new Uint8Array(Buffer.from('\ufeff{}', 'utf16le'));
    const error = rejection(() => decodeJsonText(bytes, 'wide.json'));
    expect(error.message).toBe('wide.json:1:1: the file is UTF-16 (little-endian); save it as UTF-8');
  });
});

describe('positions', () => {
  it('does not count a byte order mark as a column', () => {
    const { positions } = parseJsonDocument('\ufeff{"a": 1}');
    expect(positions.get('')).toMatchObject({ line: 1, column: 1 });
    expect(positions.get('/a')).toMatchObject({ line: 1, column: 7 });
  });

  it('places a syntax error after a byte order mark where an editor shows it', () => {
    const error = rejection(() => parseJsonDocument('\ufeff{"a":}'));
    expect(error.place).toMatchObject({ line: 1, column: 6 });
  });

  it('places an out-of-range number at its first character', () => {
    const error = rejection(() => parseJsonDocument('[1, 1e999]'));
    expect([error.code, error.place]).toStrictEqual(['NOE_JSON_SYNTAX', { line: 1, column: 5 }]);
  });
});

describe('lone surrogates', () => {
  it('reads an escaped surrogate pair as one character', () => {
    expect(parseJsonDocument('"\\ud83d\\ude00"').value).toBe('😀');
  });

  it.each(['"\\ud800"', '"\\ud800x"', '"\\udc00\\ud800"', '"\\ud800\\u0041"'])(
    'rejects the lone surrogate escape in %s at the escape',
    (text) => {
      const error = rejection(() => parseJsonDocument(text));
      expect([error.code, error.place]).toStrictEqual(['NOE_JSON_SYNTAX', { line: 1, column: 2 }]);
      expect(error.message).toContain('lone surrogate');
    },
  );

  it('rejects a raw lone surrogate in text handed over by a library caller', () => {
    expect(rejection(() => parseJsonDocument('"a\ud800"')).code).toBe('NOE_JSON_SYNTAX');
  });

  it('rejects a Const value holding a lone surrogate, as text cannot carry it', () => {
    const error = rejection(() =>
      parseCompositionValue({ description: 'd', version: '1', root: { op: 'Const', value: ['\udc00'] } }),
    );
    expect([error.code, error.place.pointer]).toStrictEqual(['NOE_GRAPH_INVALID', '/root/value/0']);
  });

  it('rejects one in a composition file with line:column', () => {
    const text =
      '{\n  "description": "d",\n  "version": "\\udfff",\n  "root": {"op": "Const", "value": 1}\n}';
    const error = rejection(() => parseComposition(text, 'c.json'));
    expect(error.place).toStrictEqual({ file: 'c.json', line: 3, column: 15 });
  });
});
