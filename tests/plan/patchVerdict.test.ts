import { describe, expect, it } from 'vitest';
import { patchVerdict, type Verdict } from '../../src/plan/patchVerdict';
import { outline } from '../../src/syntax/outline';
import { syntaxIssues } from '../../src/syntax/syntaxIssues';
import { resolveTargets } from '../../src/syntax/targets';
import { analyze, testParser } from '../support/parser';

const PYTHON = 'import sys\n\n\ndef fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n\n\nprint(fib(10))\n';
const JS = 'function add(a, b) {\n  return a + b;\n}\n\nfunction twice(x) {\n  return add(x, x);\n}\n';

/** The verdict on replacing the target's definition in `text` by `replacement`, both files parsed by tree-sitter. */
async function verdictFor(text: string, fileName: string, target: string, replacement: string, fallback?: { stoppedBy: 'stop-token' | 'budget'; budget: number }): Promise<Verdict> {
  const original = await analyze(text, fileName);
  const [entry] = resolveTargets(original.outline, original.parsed.source, [target]);
  original.parsed.delete();
  const patchedText = text.slice(0, entry!.range.start) + replacement + text.slice(entry!.range.end);
  const patched = await (await testParser()).parse(patchedText, original.language);
  try {
    return patchVerdict({
      originalIssues: original.issues,
      patchedIssues: syntaxIssues(patched),
      patchedOutline: outline(patched),
      patchedText,
      spans: [{ target: entry!.qualifiedName, kind: entry!.kind, original: entry!.range, patched: { start: entry!.range.start, end: entry!.range.start + replacement.length }, fallback }],
    });
  } finally {
    patched.delete();
  }
}

describe('patchVerdict', () => {
  it('keeps a clean rewrite valid', async () => {
    const verdict = await verdictFor(PYTHON, 'fib.py', 'fib', 'def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a');
    expect(verdict).toMatchObject({ isValidSyntax: true, canApply: true, errors: [] });
  });

  it('refuses a span that came out empty', async () => {
    const verdict = await verdictFor(PYTHON, 'fib.py', 'fib', '\n');
    expect(verdict.canApply).toBe(false);
    expect(verdict.emptySpans).toEqual(['fib']);
    expect(verdict.errors).toEqual(['The regenerated fib is empty: the model deleted the function instead of rewriting it.']);
  });

  it('refuses a rewrite that no longer defines the target with its name and kind', async () => {
    const renamed = await verdictFor(PYTHON, 'fib.py', 'fib', 'def fibonacci(n):\n    return n');
    expect(renamed).toMatchObject({ isValidSyntax: true, canApply: false, vanishedTargets: ['fib'] });
    expect(renamed.errors).toEqual(['The patched file no longer defines fib as a function: the regenerated code must keep its name and kind.']);
    const asClass = await verdictFor(PYTHON, 'fib.py', 'fib', 'class fib:\n    pass');
    expect(asClass.vanishedTargets).toEqual(['fib']);
  });

  it('counts a brace the span left open, missing at the end of the file outside the spans', async () => {
    const verdict = await verdictFor(JS, 'math.js', 'add', 'function add(a, b) {\n  return a + b;\n');
    expect(verdict.isValidSyntax).toBe(false);
    expect(verdict.canApply).toBe(false);
    const missing = verdict.newIssues.find((issue) => issue.kind === 'missing' && issue.message === 'missing "}"');
    // At the end of the file, past the regenerated span: a check of the spans alone would not see it.
    expect(missing!.range.start).toBeGreaterThan(JS.indexOf('function twice'));
    expect(verdict.errors[0]).toMatch(/^\d+:\d+: missing "}"$/);
  });

  it("refuses the fallback's text cut off by its token budget, naming the budget", async () => {
    const verdict = await verdictFor(PYTHON, 'fib.py', 'fib', 'def fib(n):\n    return n', { stoppedBy: 'budget', budget: 40 });
    expect(verdict.isValidSyntax).toBe(true);
    expect(verdict.canApply).toBe(false);
    expect(verdict.errors).toEqual(['The fallback stopped at its token budget (40 tokens) while writing fib: the code is likely cut off.']);
  });

  it('does not hold errors the original already had against the patch, wherever they are', async () => {
    // A stray token after the functions: the original parses with an error, the patch leaves it as it was.
    const broken = `${JS}\nconst x = );\n`;
    const verdict = await verdictFor(broken, 'math.js', 'add', 'function add(a, b) {\n  const sum = a + b;\n  return sum;\n}');
    expect(verdict).toMatchObject({ isValidSyntax: true, canApply: true });
  });
});
