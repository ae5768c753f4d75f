import { describe, expect, it } from 'vitest';
import type { LanguageId } from '../../src/syntax/languages';
import type { TextRange } from '../../src/syntax/outline';
import { type SyntaxIssue, syntaxIssues } from '../../src/syntax/syntaxIssues';
import { testParser } from '../support/parser';

async function issuesOf(text: string, language: LanguageId, spans: TextRange[] = []): Promise<SyntaxIssue[]> {
  const parsed = await (await testParser()).parse(text, language);
  try {
    return syntaxIssues(parsed, spans);
  } finally {
    parsed.delete();
  }
}

/** An empty range at the given UTF-16 index: where tree-sitter puts a missing token. */
const at = (index: number) => ({ start: index, end: index });

describe('syntaxIssues: valid code', () => {
  it.each([
    ['python', 'def f(x):\n    return x\n'],
    ['javascript', 'function f(x) {\n  return x;\n}\n'],
    ['rust', 'fn main() {\n    let x = 1;\n}\n'],
    ['go', 'package main\n\nfunc main() {}\n'],
  ] as const)('reports nothing for valid %s', async (language, text) => {
    expect(await issuesOf(text, language)).toEqual([]);
  });
});

describe('syntaxIssues: MISSING nodes', () => {
  it('reports a missing closing brace at the end of the text', async () => {
    const text = 'function f() {\n  return 1;\n';
    const index = text.length - 1; // just after `return 1;`
    expect(await issuesOf(text, 'javascript')).toEqual([{ kind: 'missing', line: 2, column: 12, startByte: index, endByte: index, range: at(index), message: 'missing "}"', insideSpans: false }]);
  });

  it('reports a missing semicolon in Java where it belongs', async () => {
    const text = 'class A {\n  void f() {\n    int x = 1\n  }\n}\n';
    const index = text.indexOf('= 1') + 3;
    expect(await issuesOf(text, 'java')).toEqual([{ kind: 'missing', line: 3, column: 14, startByte: index, endByte: index, range: at(index), message: 'missing ";"', insideSpans: false }]);
  });

  it('reports a missing parenthesis in a Python signature', async () => {
    const text = 'def ok():\n    return 1\n\ndef bad(:\n    return 2\n';
    const issues = await issuesOf(text, 'python');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: 'missing', line: 4, column: 9, message: 'missing ")"', range: at(text.indexOf('bad(') + 4) });
  });
});

describe('syntaxIssues: ERROR nodes', () => {
  it('reports an unexpected token with its line, UTF-16 column and UTF-8 bytes', async () => {
    const text = 'const s = "日本😀"; function f() { let x = ; }\n';
    const start = text.indexOf('= ;');
    expect(await issuesOf(text, 'javascript')).toEqual([
      {
        kind: 'error',
        line: 1,
        column: start + 1,
        startByte: Buffer.byteLength(text.slice(0, start)),
        endByte: Buffer.byteLength(text.slice(0, start + 1)),
        range: { start, end: start + 1 },
        message: 'unexpected "="',
        insideSpans: false,
      },
    ]);
    // 日本 and 😀 take 10 bytes but 4 code units: the byte offset is 6 past the index.
    expect(Buffer.byteLength(text.slice(0, start))).toBe(start + 6);
  });

  it('reports issues on later lines with the right line numbers, in source order', async () => {
    const text = 'fn a() {\n    let x = 1\n}\n\nfn b() {\n    let y = 2\n}\n';
    const issues = await issuesOf(text, 'rust');
    expect(issues.map((i) => [i.kind, i.line, i.column, i.message])).toEqual([
      ['missing', 2, 14, 'missing ";"'],
      ['missing', 6, 14, 'missing ";"'],
    ]);
  });

  it('shortens the message of a long unexpected text to its first 40 characters', async () => {
    const text = `${'a'.repeat(50)} = )\n`;
    const issues = await issuesOf(text, 'python');
    expect(issues.map((i) => [i.kind, i.line, i.column, i.message])).toEqual([['error', 1, 1, `unexpected "${'a'.repeat(40)}…"`]]);
  });
});

describe('syntaxIssues: insideSpans', () => {
  const text = 'function ok() {\n  return 1;\n}\n\nfunction broken() {\n  return [1, 2;\n}\n';
  const issueAt = text.indexOf('2;') + 1; // a missing "]" right after the 2
  const broken = { start: text.indexOf('function broken'), end: text.length - 1 };
  const ok = { start: 0, end: text.indexOf('}\n') + 1 };

  it('finds the missing bracket where it should be', async () => {
    const issues = await issuesOf(text, 'javascript');
    expect(issues.map((i) => [i.kind, i.line, i.column, i.message, i.range])).toEqual([['missing', 6, 15, 'missing "]"', at(issueAt)]]);
  });

  it('is true for an issue inside a given span', async () => {
    expect((await issuesOf(text, 'javascript', [broken]))[0]!.insideSpans).toBe(true);
  });

  it('is false for an issue outside every given span', async () => {
    expect((await issuesOf(text, 'javascript', [ok]))[0]!.insideSpans).toBe(false);
  });

  it('is true when one of several spans holds the issue', async () => {
    expect((await issuesOf(text, 'javascript', [ok, broken]))[0]!.insideSpans).toBe(true);
  });

  it('counts a missing token at the very edge of a span as inside', async () => {
    expect((await issuesOf(text, 'javascript', [{ start: broken.start, end: issueAt }]))[0]!.insideSpans).toBe(true);
    expect((await issuesOf(text, 'javascript', [{ start: issueAt, end: issueAt + 3 }]))[0]!.insideSpans).toBe(true);
  });

  it('is false for a span that ends just before the issue', async () => {
    expect((await issuesOf(text, 'javascript', [{ start: broken.start, end: issueAt - 1 }]))[0]!.insideSpans).toBe(false);
  });

  it('is false with no spans at all', async () => {
    expect((await issuesOf(text, 'javascript'))[0]!.insideSpans).toBe(false);
  });
});
