import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyUnifiedDiff, unifiedDiff } from '../../src/plan/unifiedDiff';
import { fixturePath, readFixture } from '../support/parser';
import { runProperty } from '../trust/runProperty';
import { type PropertyRun, recordTrustReport } from '../trust/trustReport';

interface Line {
  content: string;
  ending: '\n' | '\r\n';
}

interface Document {
  lines: Line[];
  finalNewline: boolean;
}

function render({ lines, finalNewline }: Document): string {
  const text = lines.map((line) => line.content + line.ending).join('');
  const last = lines.at(-1);
  return finalNewline || !last ? text : text.slice(0, -last.ending.length);
}

// Lines that are common (so edits leave shared context), lines that look like patch syntax, and
// random Unicode from the whole range, astral planes included; never a line break or NUL inside.
const lineContent = fc.oneof(
  fc.constantFrom('', ' ', '\t', 'x = 1', 'return x', '}', 'trailing space ', 'x\ry', 'naïve café', 'e\u0301 combining', '😀 🚀 emoji', '中文注释', '日本語のテキスト'),
  fc.constantFrom('-- a/file', '++ b/file', '--- a/file', '+++ b/file', '@@ -1 +1 @@', '\\ No newline at end of file', 'diff --git a/f b/f', '-', '+'),
  fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/[\n\r\0]/g, '')),
);
const line = fc.record({ content: lineContent, ending: fc.constantFrom<Line['ending']>('\n', '\r\n') });
const documentArb = fc.record({ lines: fc.array(line, { maxLength: 30 }), finalNewline: fc.boolean() });

type Edit =
  | { kind: 'insert'; at: number; line: Line }
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; line: Line }
  | { kind: 'toggleEnding'; at: number }
  | { kind: 'toggleFinalNewline' };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), line }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), line }),
  fc.record({ kind: fc.constant('toggleEnding' as const), at: fc.nat() }),
  fc.constant({ kind: 'toggleFinalNewline' as const }),
);

function edit(document: Document, edits: readonly Edit[]): Document {
  const lines = [...document.lines];
  let { finalNewline } = document;
  for (const e of edits) {
    if (e.kind === 'toggleFinalNewline') {
      finalNewline = !finalNewline;
      continue;
    }
    if (e.kind === 'insert') {
      lines.splice(e.at % (lines.length + 1), 0, e.line);
      continue;
    }
    if (lines.length === 0) continue;
    const at = e.at % lines.length;
    if (e.kind === 'delete') lines.splice(at, 1);
    else if (e.kind === 'replace') lines[at] = e.line;
    else lines[at] = { ...lines[at]!, ending: lines[at]!.ending === '\n' ? '\r\n' : '\n' };
  }
  return { lines, finalNewline };
}

/** An original text and an edited copy of it: small edits, so hunks keep context around them. */
const editedPair = fc.tuple(documentArb, fc.array(editArb, { minLength: 1, maxLength: 6 })).map(([document, edits]) => ({ original: render(document), updated: render(edit(document, edits)) }));

/** Two unrelated texts: hunks that replace nearly everything. */
const unrelatedPair = fc.tuple(documentArb, documentArb).map(([a, b]) => ({ original: render(a), updated: render(b) }));

const PATH = 'src/pkg/module.py';

/** A real file as lines, each with the ending it has; the last without one where the file ends so. */
function toDocument(text: string): Document {
  const parts = text.split('\n');
  const finalNewline = parts.at(-1) === '';
  if (finalNewline) parts.pop();
  const lines = parts.map((part): Line => (part.endsWith('\r') ? { content: part.slice(0, -1), ending: '\r\n' } : { content: part, ending: '\n' }));
  return { lines, finalNewline };
}

const REAL_FILES = readdirSync(fixturePath('real'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((folder) => readdirSync(fixturePath(`real/${folder.name}`)).map((name) => `real/${folder.name}/${name}`));

/** A real file (its CRLF twin, half the time) and an edited copy. */
const realPair = fc.tuple(fc.constantFrom(...REAL_FILES), fc.boolean(), fc.array(editArb, { minLength: 1, maxLength: 6 })).map(([file, crlf, edits]) => {
  const text = readFixture(file);
  const original = crlf ? text.replace(/\r?\n/g, '\r\n') : text;
  return { original, updated: render(edit(toDocument(original), edits)) };
});

const propertyRuns: PropertyRun[] = [];
afterAll(() => recordTrustReport('unified-diff-properties', { properties: propertyRuns }));

describe('unifiedDiff', () => {
  it('writes git headers, three lines of context and the no-newline marker', () => {
    const original = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight';
    const updated = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\nEIGHT';
    expect(unifiedDiff('src/a.py', original, updated)).toBe(
      [
        'diff --git a/src/a.py b/src/a.py',
        '--- a/src/a.py',
        '+++ b/src/a.py',
        '@@ -5,4 +5,4 @@',
        ' five',
        ' six',
        ' seven',
        '-eight',
        '\\ No newline at end of file',
        '+EIGHT',
        '\\ No newline at end of file',
        '',
      ].join('\n'),
    );
  });

  it('keeps CRLF line endings and non-ASCII text byte for byte', () => {
    const patch = unifiedDiff('a.txt', 'héllo\r\n中文\r\n😀\r\n', 'héllo\r\n中文字\r\n😀\r\n');
    expect(patch).toContain('\n-中文\r\n+中文字\r\n 😀\r\n');
  });

  it('is empty when nothing changed', () => {
    expect(unifiedDiff('a.txt', '', '')).toBe('');
    expect(unifiedDiff('a.txt', 'same\r\ntext', 'same\r\ntext')).toBe('');
  });

  const roundTrips = ({ original, updated }: { original: string; updated: string }) => {
    expect(applyUnifiedDiff(original, unifiedDiff(PATH, original, updated))).toBe(updated);
  };

  it('round-trips through applyUnifiedDiff for edited texts (fast-check)', async () => {
    await runProperty(propertyRuns, "unified diff: the diff package's applyPatch reproduces random edited texts (Unicode, CRLF, no final newline)", fc.property(editedPair, roundTrips), {
      numRuns: 1000,
      seed: 20_240_601,
    });
  });

  it('round-trips through applyUnifiedDiff for unrelated texts (fast-check)', async () => {
    await runProperty(propertyRuns, "unified diff: the diff package's applyPatch reproduces unrelated random texts", fc.property(unrelatedPair, roundTrips), { numRuns: 300, seed: 7 });
  });

  it('round-trips through applyUnifiedDiff for real files under random edits, LF and CRLF (fast-check)', async () => {
    await runProperty(propertyRuns, `unified diff: the diff package's applyPatch reproduces real files (${REAL_FILES.length}, LF and CRLF) under random edits`, fc.property(realPair, roundTrips), {
      numRuns: 300,
      seed: 2_611,
    });
  });
});

describe('applyUnifiedDiff', () => {
  it('returns the text unchanged for an empty patch', () => {
    expect(applyUnifiedDiff('a\r\nb', '')).toBe('a\r\nb');
  });

  it('refuses a patch for another text, line endings included', () => {
    const patch = unifiedDiff('a.txt', 'a\nb\nc\n', 'a\nB\nc\n');
    expect(() => applyUnifiedDiff('x\ny\nz\n', patch)).toThrow(/does not apply/);
    expect(() => applyUnifiedDiff('a\r\nb\r\nc\r\n', patch)).toThrow(/does not apply/);
  });
});

describe('unifiedDiff against git apply', () => {
  // A repository of our own, away from the user's git configuration (autocrlf and the like).
  let repository: string;
  let scratch: string;
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: tmpdir(), LC_ALL: 'C' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repository, env, stdio: 'pipe' });

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'builder-unified-diff-'));
    repository = join(scratch, 'repo');
    mkdirSync(repository);
    git('init', '--quiet');
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** Writes the original, checks and applies the patch with git, and returns the file's bytes. */
  function gitApply(filePath: string, original: string, patch: string): Buffer {
    const file = join(repository, filePath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, original);
    const patchFile = join(scratch, 'change.patch');
    writeFileSync(patchFile, patch);
    try {
      git('apply', '--check', patchFile);
      git('apply', patchFile);
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
      throw new Error(`git apply refused the patch: ${stderr}\n${JSON.stringify(patch)}`);
    }
    const bytes = readFileSync(file);
    rmSync(file);
    return bytes;
  }

  function expectGitApplies(filePath: string, original: string, updated: string): void {
    const patch = unifiedDiff(filePath, original, updated);
    if (original === updated) {
      expect(patch).toBe('');
      return;
    }
    expect(gitApply(filePath, original, patch).equals(Buffer.from(updated, 'utf8'))).toBe(true);
  }

  const lines = (count: number, ending = '\n') => Array.from({ length: count }, (_, i) => `line ${i + 1}${ending}`).join('');

  const TRICKY: [name: string, original: string, updated: string][] = [
    ['a CRLF file', 'def f():\r\n    return 1\r\n\r\nprint(f())\r\n', 'def f():\r\n    return 2\r\n\r\nprint(f())\r\n'],
    ['a final newline added', 'a\nb\nc', 'a\nb\nc\n'],
    ['a final newline removed', 'a\nb\nc\n', 'a\nb\nc'],
    ['the last line changed, no final newline on either side', 'a\nb\nc', 'a\nb\nC'],
    ['no final newline, change far from the end', `x\n${lines(10)}end`, `X\n${lines(10)}end`],
    ['a CRLF file without a final newline', 'a\r\nb\r\nc', 'a\r\nB\r\nc'],
    ['a file that becomes empty', 'only\nlines\n', ''],
    ['a file without final newline that becomes empty', 'only\nline', ''],
    ['an empty file that gets content', '', 'new\r\ncontent\n'],
    ['one line switched from LF to CRLF', 'a\nb\nc\n', 'a\nb\r\nc\n'],
    ['mixed endings, lone CR inside a line', 'a\r\nx\ry\nz\r\n', 'a\r\nx\ry!\nz\r\n'],
    ['non-ASCII text', 'naïve = "café"\n# 中文注释\nemoji = "😀"\n', 'naïve = "café!"\n# 中文注释\nemoji = "🚀"\n'],
    ['lines that look like patch syntax', '-- a/x\n++ b/y\n@@ -1 +1 @@\n\\ No newline\n', '--- a/x\n+++ b/y\n@@ -2 +2 @@\n\\ No newline at end of file\n'],
    ['two hunks far apart', lines(40), lines(40).replace('line 2\n', 'line two\n').replace('line 38\n', 'line thirty-eight\n')],
    ['changes close enough to share one hunk', lines(20), lines(20).replace('line 5\n', 'five\n').replace('line 10\n', 'ten\n')],
    ['whitespace-only changes', 'if x:\n    y()\n\tz()\n', 'if x:\n    y()  \n    z()\n'],
  ];

  for (const [name, original, updated] of TRICKY) {
    it(`applies: ${name}`, () => expectGitApplies(PATH, original, updated));
  }

  it('applies with a path holding spaces', () => expectGitApplies('dir with space/file name.py', 'a\nb\n', 'a\nc\n'));

  it('applies 60 generated edits, 20 generated rewrites and 20 edited real files, byte for byte', () => {
    const cases = [...fc.sample(editedPair, { numRuns: 60, seed: 42 }), ...fc.sample(unrelatedPair, { numRuns: 20, seed: 43 }), ...fc.sample(realPair, { numRuns: 20, seed: 44 })];
    for (const { original, updated } of cases) expectGitApplies(PATH, original, updated);
  });
});
