import { describe, expect, it } from 'vitest';
import { BinarySourceError, EmptySourceError, InputError, SourceTooLargeError } from '../../src/errors/inputErrors';
import { checkSourceText, decodeSource, MAX_SOURCE_BYTES } from '../../src/syntax/decodeSource';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The error a call throws, so its class, name and message can all be checked. */
function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}

describe('decodeSource: text it accepts', () => {
  it('decodes UTF-8 source with CJK, emoji and CRLF unchanged', () => {
    const text = 'def 日本():\r\n    return "😀"\r\n';
    expect(decodeSource(bytes(text), 'a.py')).toBe(text);
  });

  it('keeps a byte-order mark, so byte offsets stay those of the file', () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('x = 1\n')]);
    const text = decodeSource(withBom, 'bom.py');
    expect(text).toBe('\ufeffx = 1\n');
    expect(text.length).toBe(7);
    expect(Buffer.byteLength(text)).toBe(withBom.length);
  });

  it('accepts a file of exactly the size limit', () => {
    const text = `${'a'.repeat(MAX_SOURCE_BYTES - 1)}\n`;
    expect(decodeSource(bytes(text), 'limit.py')).toHaveLength(MAX_SOURCE_BYTES);
  });
});

describe('decodeSource: empty files', () => {
  it.each([
    ['an empty file', ''],
    ['a file of spaces and newlines', '  \n\n\t  \r\n'],
  ])('refuses %s with EmptySourceError naming the file', (_, text) => {
    const error = thrown(() => decodeSource(bytes(text), 'empty.py'));
    expect(error).toBeInstanceOf(EmptySourceError);
    expect(error).toBeInstanceOf(InputError);
    expect(error.name).toBe('EmptySourceError');
    expect(error.message).toBe('empty.py is empty: there is nothing to outline.');
  });
});

describe('decodeSource: binary files', () => {
  it('refuses invalid UTF-8 holding NUL bytes (a PNG header) as binary', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    const error = thrown(() => decodeSource(png, 'logo.png'));
    expect(error).toBeInstanceOf(BinarySourceError);
    expect(error.name).toBe('BinarySourceError');
    expect(error.message).toContain('logo.png');
    expect(error.message).toContain('binary');
  });

  it('refuses valid UTF-8 holding a NUL byte as binary, saying where the NUL is', () => {
    const error = thrown(() => decodeSource(bytes('abc\0def'), 'data.bin'));
    expect(error).toBeInstanceOf(BinarySourceError);
    expect(error.message).toContain('data.bin');
    expect(error.message).toContain('offset 3');
  });
});

describe('decodeSource: invalid UTF-8', () => {
  it('refuses Latin-1 text with a plain InputError asking for UTF-8', () => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]); // "café\n" in Latin-1
    const error = thrown(() => decodeSource(latin1, 'cafe.py'));
    expect(error.constructor).toBe(InputError);
    expect(error.name).toBe('InputError');
    expect(error.message).toBe('cafe.py is not valid UTF-8 text; convert it to UTF-8 first.');
  });

  it('refuses a truncated multi-byte sequence', () => {
    const truncated = new Uint8Array([...bytes('x = "'), 0xe6, 0x97, ...bytes('"\n')]); // 日 lacks its last byte
    expect(() => decodeSource(truncated, 'cut.py')).toThrow(/cut\.py is not valid UTF-8/);
  });
});

describe('decodeSource: size limit', () => {
  it('refuses a 5 MB file with SourceTooLargeError giving both sizes', () => {
    const big = new Uint8Array(5 * 1024 * 1024).fill(0x61);
    const error = thrown(() => decodeSource(big, 'big.py'));
    expect(error).toBeInstanceOf(SourceTooLargeError);
    expect(error.name).toBe('SourceTooLargeError');
    expect(error.message).toBe('big.py is 5.0 MB; Builder edits files up to 2.0 MB.');
  });

  it('refuses one byte over the limit', () => {
    const over = new Uint8Array(MAX_SOURCE_BYTES + 1).fill(0x61);
    expect(() => decodeSource(over, 'over.py')).toThrow(SourceTooLargeError);
  });
});

describe('checkSourceText (pasted text)', () => {
  it('accepts ordinary source', () => {
    expect(() => checkSourceText('x = 1\n', 'pasted')).not.toThrow();
  });

  it('refuses empty and whitespace-only text', () => {
    expect(() => checkSourceText('', 'pasted')).toThrow(EmptySourceError);
    expect(() => checkSourceText(' \n\t\r\n', 'pasted')).toThrow(EmptySourceError);
  });

  it('measures the limit in UTF-8 bytes, not in characters', () => {
    // 1.5 M characters of é are 3 MB of UTF-8.
    const text = 'é'.repeat(1_500_000);
    expect(text.length).toBeLessThan(MAX_SOURCE_BYTES);
    const error = thrown(() => checkSourceText(text, 'accents.txt'));
    expect(error).toBeInstanceOf(SourceTooLargeError);
    expect(error.message).toBe('accents.txt is 2.9 MB; Builder edits files up to 2.0 MB.');
  });

  it('refuses text holding a NUL character, naming the file and the offset', () => {
    const error = thrown(() => checkSourceText('print(1)\n\0', 'pasted'));
    expect(error).toBeInstanceOf(BinarySourceError);
    expect(error.message).toBe('pasted looks binary (a NUL character at offset 9); Builder edits text source files.');
  });
});
