import { describe, expect, it } from 'vitest';
import { TargetError } from '../../src/errors/inputErrors';
import { type MaskMode, maskSpans } from '../../src/syntax/maskSpans';
import type { OutlineEntry } from '../../src/syntax/outline';
import { SourceText } from '../../src/syntax/sourceText';
import { resolveTargets } from '../../src/syntax/targets';
import { analyze } from '../support/parser';

/** Masks the named targets of a snippet. */
async function mask(text: string, fileName: string, targets: string[], mode: MaskMode) {
  const analyzed = await analyze(text, fileName);
  try {
    const entries = resolveTargets(analyzed.outline, analyzed.parsed.source, targets);
    return { entries, ...maskSpans(analyzed.parsed.source, entries, mode) };
  } finally {
    analyzed.parsed.delete();
  }
}

/** UTF-8 bytes and UTF-16 range from the start of `first` to the end of `last`, found with indexOf and Buffer. */
function spanOf(text: string, first: string, last: string) {
  const start = text.indexOf(first);
  const end = text.indexOf(last, start) + last.length;
  if (start === -1 || end < start + last.length) throw new Error(`markers not found: ${first} / ${last}`);
  return { startByte: Buffer.byteLength(text.slice(0, start)), endByte: Buffer.byteLength(text.slice(0, end)), range: { start, end } };
}

const PYTHON = [
  '# 🚀 módulo de geometría', //    1
  'import functools', //             2
  '', //                             3
  '', //                             4
  '@functools.cache', //             5
  'def area(r):', //                 6
  '    return 3.14 * r * r', //      7
  '', //                             8
  '', //                             9
  'class Shape:', //                 10
  '    def outer(self):', //         11
  '        def inner():', //         12
  '            return "✓"', //       13
  '        return inner', //         14
  '',
].join('\n');

describe('maskSpans: definition mode', () => {
  it('masks the whole definition, decorator included, with exact bytes and lines', async () => {
    const { spans, notes } = await mask(PYTHON, 'geo.py', ['area'], 'definition');
    expect(spans).toEqual([{ target: 'area', kind: 'function', mode: 'definition', startLine: 5, endLine: 7, ...spanOf(PYTHON, '@functools.cache', 'r * r') }]);
    expect(notes).toEqual([]);
    // The emoji and accents on line 1 make bytes and UTF-16 indices differ.
    expect(spans[0]!.startByte).toBe(spans[0]!.range.start + 4); // 🚀: 4 bytes for 2 units; ó and í: 2 bytes each
  });

  it('masks several separate targets in source order, whatever order they were given in', async () => {
    const { spans } = await mask(PYTHON, 'geo.py', ['Shape', 'area'], 'definition');
    expect(spans.map((s) => [s.target, s.kind, s.startLine, s.endLine])).toEqual([
      ['area', 'function', 5, 7],
      ['Shape', 'class', 10, 14],
    ]);
  });

  it('merges a target nested in another target into it, with a note', async () => {
    const { spans, notes } = await mask(PYTHON, 'geo.py', ['Shape.outer.inner', 'Shape.outer'], 'definition');
    expect(spans).toEqual([{ target: 'Shape.outer', kind: 'method', mode: 'definition', startLine: 11, endLine: 14, ...spanOf(PYTHON, 'def outer', 'return inner') }]);
    expect(notes).toEqual(['Shape.outer.inner lies inside Shape.outer, so it is regenerated as part of it.']);
  });

  it('merges two nested targets into their common outer target', async () => {
    const { spans, notes } = await mask(PYTHON, 'geo.py', ['Shape', 'Shape.outer', 'inner'], 'definition');
    expect(spans.map((s) => s.target)).toEqual(['Shape']);
    expect(notes).toEqual(['Shape.outer lies inside Shape, so it is regenerated as part of it.', 'Shape.outer.inner lies inside Shape, so it is regenerated as part of it.']);
  });
});

describe('maskSpans: body mode', () => {
  it('keeps a Python signature and decorator, masking from the first statement of the body', async () => {
    const { entries, spans } = await mask(PYTHON, 'geo.py', ['area'], 'body');
    expect(spans).toEqual([{ target: 'area', kind: 'function', mode: 'body', startLine: 7, endLine: 7, ...spanOf(PYTHON, 'return 3.14', 'r * r') }]);
    expect(PYTHON.slice(entries[0]!.range.start, spans[0]!.range.start)).toBe('@functools.cache\ndef area(r):\n    ');
  });

  it('keeps a JavaScript signature, masking the braces and what is inside', async () => {
    const text = 'const x = 1;\n\nfunction add(a, b) {\n  return a + b;\n}\n';
    const { entries, spans } = await mask(text, 'add.js', ['add'], 'body');
    expect(spans).toEqual([{ target: 'add', kind: 'function', mode: 'body', startLine: 3, endLine: 5, ...spanOf(text, '{\n  return', 'a + b;\n}') }]);
    expect(text.slice(entries[0]!.range.start, spans[0]!.range.start)).toBe('function add(a, b) ');
  });

  it('keeps a Rust signature with its attribute', async () => {
    const text = '#[inline]\npub fn double(x: i32) -> i32 {\n    x * 2\n}\n';
    const { entries, spans } = await mask(text, 'double.rs', ['double'], 'body');
    expect(text.slice(entries[0]!.range.start, spans[0]!.range.start)).toBe('#[inline]\npub fn double(x: i32) -> i32 ');
    expect(spans[0]).toMatchObject({ startLine: 2, endLine: 4, ...spanOf(text, '{\n    x * 2', '\n}') });
  });

  it('merges a nested body into the outer body, with a note', async () => {
    const { spans, notes } = await mask(PYTHON, 'geo.py', ['Shape.outer', 'inner'], 'body');
    expect(spans).toEqual([{ target: 'Shape.outer', kind: 'method', mode: 'body', startLine: 12, endLine: 14, ...spanOf(PYTHON, 'def inner', 'return inner') }]);
    expect(notes).toEqual(['Shape.outer.inner lies inside Shape.outer, so it is regenerated as part of it.']);
  });

  it('refuses a definition that has no body, pointing to the definition mode', async () => {
    const java = 'interface Listener {\n    void onEvent(String name);\n}\n';
    await expect(mask(java, 'Listener.java', ['onEvent'], 'body')).rejects.toThrow(TargetError);
    await expect(mask(java, 'Listener.java', ['onEvent'], 'body')).rejects.toThrow('Listener.onEvent has no body to mask; use the definition mode.');
    const { spans } = await mask(java, 'Listener.java', ['onEvent'], 'definition');
    expect(spans[0]).toMatchObject({ target: 'Listener.onEvent', startLine: 2, endLine: 2, ...spanOf(java, 'void onEvent', ');') });
  });
});

describe('maskSpans: CRLF and emoji', () => {
  const text = 'const banner = "🎉🎉 ¡fiesta!";\r\n\r\nfunction greet(name) {\r\n  return `¡Hola, ${name}! 👋`;\r\n}\r\n\r\nclass Host {\r\n  wave() {\r\n    return "🖐";\r\n  }\r\n}\r\n';

  it('gives exact bytes and lines in definition mode', async () => {
    const { spans } = await mask(text, 'party.js', ['greet', 'Host.wave'], 'definition');
    expect(spans).toEqual([
      { target: 'greet', kind: 'function', mode: 'definition', startLine: 3, endLine: 5, ...spanOf(text, 'function greet', '👋`;\r\n}') },
      { target: 'Host.wave', kind: 'method', mode: 'definition', startLine: 8, endLine: 10, ...spanOf(text, 'wave()', '"🖐";\r\n  }') },
    ]);
  });

  it('gives exact bytes and lines in body mode', async () => {
    const { spans } = await mask(text, 'party.js', ['greet'], 'body');
    expect(spans).toEqual([{ target: 'greet', kind: 'function', mode: 'body', startLine: 3, endLine: 5, ...spanOf(text, '{\r\n  return `', '👋`;\r\n}') }]);
  });
});

describe('maskSpans: spans that cross', () => {
  /** A made-up outline entry: real definitions always nest, so crossing ones must be built by hand. */
  const entry = (qualifiedName: string, start: number, end: number): OutlineEntry => ({
    name: qualifiedName,
    qualifiedName,
    kind: 'function',
    language: 'python',
    startLine: 1,
    endLine: 1,
    startByte: start,
    endByte: end,
    range: { start, end },
    bodyRange: null,
  });

  it('refuses two targets that overlap without one containing the other', () => {
    const source = new SourceText('abcdefghijklmnopqrstuvwxyz');
    expect(() => maskSpans(source, [entry('b', 5, 15), entry('a', 0, 10)], 'definition')).toThrow(TargetError);
    expect(() => maskSpans(source, [entry('b', 5, 15), entry('a', 0, 10)], 'definition')).toThrow('b and a overlap without one containing the other; pick one.');
  });

  it('keeps two targets that only touch', () => {
    const source = new SourceText('abcdefghijklmnopqrstuvwxyz');
    const { spans, notes } = maskSpans(source, [entry('a', 0, 10), entry('b', 10, 20)], 'definition');
    expect(spans.map((s) => [s.target, s.startByte, s.endByte])).toEqual([
      ['a', 0, 10],
      ['b', 10, 20],
    ]);
    expect(notes).toEqual([]);
  });
});
