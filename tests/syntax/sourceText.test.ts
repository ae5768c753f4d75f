import { describe, expect, it } from 'vitest';
import { SourceText, utf8Length } from '../../src/syntax/sourceText';

/** UTF-16 indices that start a code point (never between the halves of a surrogate pair), plus the end. */
function codePointBoundaries(text: string): number[] {
  const boundaries: number[] = [];
  for (let i = 0; i <= text.length; i++) {
    const unit = text.charCodeAt(i - 1);
    const insidePair = i > 0 && i < text.length && unit >= 0xd800 && unit <= 0xdbff && text.charCodeAt(i) >= 0xdc00 && text.charCodeAt(i) <= 0xdfff;
    if (!insidePair) boundaries.push(i);
  }
  return boundaries;
}

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

const MIXED = 'ascii\tтаб\r\n日本語 😀 emoji\n\n🚀🚀x\r\ncafé\tend';

describe('utf8Length', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['日本', 6],
    ['😀', 4],
    ['a😀b', 6],
    ['\r\n\t', 3],
  ])('counts %j as %i bytes', (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
  });

  it('agrees with Buffer.byteLength on a mixed string', () => {
    expect(utf8Length(MIXED)).toBe(byteLength(MIXED));
  });

  it('counts a lone surrogate as the 3 bytes of its replacement character, as encoders do', () => {
    expect(utf8Length('a\ud83d')).toBe(4);
    expect(utf8Length('\ude00b')).toBe(4);
    expect(utf8Length('a\ud83d')).toBe(Buffer.byteLength('a\ud83d'));
  });
});

describe('SourceText byte offsets', () => {
  it('matches Buffer.byteLength(text.slice(0, i)) at every code point boundary of a mixed string', () => {
    const source = new SourceText(MIXED);
    for (const i of codePointBoundaries(MIXED)) {
      expect(source.byteOffset(i), `index ${i}`).toBe(byteLength(MIXED.slice(0, i)));
    }
  });

  it('gives the byte length of the whole text', () => {
    expect(new SourceText(MIXED).byteLength).toBe(byteLength(MIXED));
    expect(new SourceText('').byteLength).toBe(0);
    expect(new SourceText('😀\n').byteLength).toBe(5);
  });

  it('inverts byteOffset with indexOfByte at every code point boundary', () => {
    const source = new SourceText(MIXED);
    for (const i of codePointBoundaries(MIXED)) {
      expect(source.indexOfByte(source.byteOffset(i)), `index ${i}`).toBe(i);
    }
  });

  it('maps a byte offset inside a multi-byte character to the start of that character', () => {
    const text = 'a日😀b';
    const source = new SourceText(text);
    // a = byte 0; 日 = bytes 1..3; 😀 = bytes 4..7; b = byte 8.
    expect(source.indexOfByte(0)).toBe(0);
    expect(source.indexOfByte(1)).toBe(1);
    expect(source.indexOfByte(2)).toBe(1);
    expect(source.indexOfByte(3)).toBe(1);
    expect(source.indexOfByte(4)).toBe(2);
    expect(source.indexOfByte(5)).toBe(2);
    expect(source.indexOfByte(7)).toBe(2);
    expect(source.indexOfByte(8)).toBe(4);
    expect(source.indexOfByte(9)).toBe(5);
  });

  it('counts ASCII text one byte per character', () => {
    const source = new SourceText('line one\nline two\n');
    expect(source.byteOffset(0)).toBe(0);
    expect(source.byteOffset(9)).toBe(9);
    expect(source.byteOffset(18)).toBe(18);
  });

  it('counts CJK as 3 bytes and emoji (a surrogate pair) as 4 bytes', () => {
    const text = '日本\n😀x';
    const source = new SourceText(text);
    expect(source.byteOffset(1)).toBe(3);
    expect(source.byteOffset(2)).toBe(6);
    expect(source.byteOffset(3)).toBe(7); // after the newline
    expect(source.byteOffset(5)).toBe(11); // after the emoji
    expect(source.byteOffset(6)).toBe(12);
  });

  it('counts CR of CRLF as a byte of its line', () => {
    const text = 'a\r\nbé\r\nc';
    const source = new SourceText(text);
    expect(source.byteOffset(3)).toBe(3); // start of line 2
    expect(source.byteOffset(7)).toBe(8); // start of line 3: b, é (2 bytes), \r, \n
    expect(source.byteLength).toBe(9);
  });
});

describe('SourceText lines and columns', () => {
  it('numbers lines and columns from 1 in ASCII text', () => {
    const source = new SourceText('ab\ncd\n');
    expect(source.position(0)).toEqual({ line: 1, column: 1 });
    expect(source.position(1)).toEqual({ line: 1, column: 2 });
    expect(source.position(2)).toEqual({ line: 1, column: 3 }); // the newline itself
    expect(source.position(3)).toEqual({ line: 2, column: 1 });
    expect(source.position(6)).toEqual({ line: 3, column: 1 }); // end of text after a final newline
    expect(source.lineCount).toBe(3);
  });

  it('counts columns in UTF-16 code units: CJK is one, an emoji is two', () => {
    const source = new SourceText('日本x\n😀y');
    expect(source.position(2)).toEqual({ line: 1, column: 3 }); // x
    expect(source.position(6)).toEqual({ line: 2, column: 3 }); // y, after the two units of 😀
  });

  it('counts a tab as one column', () => {
    const source = new SourceText('\t\tx');
    expect(source.position(2)).toEqual({ line: 1, column: 3 });
  });

  it('splits lines on LF only, so CR belongs to the end of its line', () => {
    const source = new SourceText('a\r\nb\rc\r\n');
    expect(source.lineCount).toBe(3);
    expect(source.position(1)).toEqual({ line: 1, column: 2 }); // \r
    expect(source.position(3)).toEqual({ line: 2, column: 1 }); // b
    expect(source.position(5)).toEqual({ line: 2, column: 3 }); // c after a lone CR
  });

  it('round-trips position and indexOf at every code point boundary of a mixed string', () => {
    const source = new SourceText(MIXED);
    for (const i of codePointBoundaries(MIXED)) {
      expect(source.indexOf(source.position(i)), `index ${i}`).toBe(i);
    }
  });

  it('agrees with a line/column count made by splitting the text', () => {
    const lines = MIXED.split('\n');
    const source = new SourceText(MIXED);
    expect(source.lineCount).toBe(lines.length);
    let index = 0;
    lines.forEach((line, n) => {
      expect(source.position(index)).toEqual({ line: n + 1, column: 1 });
      expect(source.indexOf({ line: n + 1, column: 1 })).toBe(index);
      index += line.length + 1;
    });
  });

  it('clamps indexOf to the text for lines before the first and after the last', () => {
    const source = new SourceText('ab\ncd');
    expect(source.indexOf({ line: 0, column: 1 })).toBe(0);
    expect(source.indexOf({ line: -3, column: -3 })).toBe(0);
    expect(source.indexOf({ line: 99, column: 1 })).toBe(3);
    expect(source.indexOf({ line: 2, column: 99 })).toBe(5);
  });

  it('clamps a column past the end of a line to that line, not to the next one', () => {
    // Editors put the cursor at most just after the line's last character: still on that line.
    const source = new SourceText('ab\ncd\n');
    const index = source.indexOf({ line: 1, column: 99 });
    expect(source.position(index).line).toBe(1);
    expect(index).toBe(2);
  });

  it('gives the line of the last character of a range', () => {
    const source = new SourceText('ab\ncd\nef');
    expect(source.lastLine(0, 3)).toBe(1); // ends with the newline of line 1
    expect(source.lastLine(0, 4)).toBe(2);
    expect(source.lastLine(3, 8)).toBe(3);
    expect(source.lastLine(4, 4)).toBe(2); // an empty range lies on its start's line
  });
});
