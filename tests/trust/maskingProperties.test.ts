import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Node } from 'web-tree-sitter';
import { InputError } from '../../src/errors/inputErrors';
import { MASK_MODES, maskSpans } from '../../src/syntax/maskSpans';
import { utf8Length } from '../../src/syntax/sourceText';
import { analyze, fixturePath, readFixture } from '../support/parser';
import { runProperty } from './runProperty';
import { type PropertyRun, recordTrustReport } from './trustReport';

const REAL_FILES = readdirSync(fixturePath('real'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((folder) => readdirSync(fixturePath(`real/${folder.name}`)).map((name) => `real/${folder.name}/${name}`));

/** Small edits a person makes while typing, some of which break the syntax on purpose. */
type Edit = { kind: 'insert'; at: number; text: string } | { kind: 'delete'; at: number; length: number } | { kind: 'duplicateLine'; at: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.constantFrom('\n', '    ', '{', '}', '(', ')', ':', ';', '"', "'", '#', '//', '/*', 'def ', 'fn ', 'class X', 'é', '😀', '\r\n', '\t'),
      fc.string({ unit: 'binary', maxLength: 6 }),
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }),
);

/** Where an index falls inside a surrogate pair, moves it back so an edit never splits a character. */
function atCharacter(text: string, at: number): number {
  const index = at % (text.length + 1);
  const unit = text.charCodeAt(index);
  return unit >= 0xdc00 && unit <= 0xdfff ? index - 1 : index;
}

function applyEdit(text: string, edit: Edit): string {
  const at = atCharacter(text, edit.at);
  if (edit.kind === 'insert') return text.slice(0, at) + edit.text + text.slice(at);
  if (edit.kind === 'delete') return text.slice(0, at) + text.slice(atCharacter(text, at + edit.length));
  const start = text.lastIndexOf('\n', at - 1) + 1;
  const end = text.indexOf('\n', at);
  const line = text.slice(start, end === -1 ? text.length : end + 1);
  return text.slice(0, start) + line + text.slice(start);
}

function nodeStartsAt(root: Node, index: number): boolean {
  for (let node: Node | null = root.descendantForIndex(index); node; node = node.parent) if (node.startIndex === index) return true;
  return false;
}

function nodeEndsAt(root: Node, index: number): boolean {
  for (let node: Node | null = root.descendantForIndex(Math.max(index - 1, 0)); node; node = node.parent) if (node.endIndex === index) return true;
  return false;
}

const runs: PropertyRun[] = [];
afterAll(() => recordTrustReport('masking-properties', { properties: runs }));

describe('masking real files under random small edits (fast-check)', () => {
  it('never throws anything but a clear InputError, and every span is node-aligned, in bounds and counted right', async () => {
    const texts = new Map(REAL_FILES.map((file) => [file, readFixture(file)]));
    const caseArb = fc.record({
      file: fc.constantFrom(...REAL_FILES),
      edits: fc.array(editArb, { minLength: 1, maxLength: 4 }),
      pick: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      mode: fc.constantFrom(...MASK_MODES),
    });
    await runProperty(
      runs,
      'masking: real files (26, 13 languages) under random small edits give node-aligned spans within bounds or a clear refusal',
      fc.asyncProperty(caseArb, async ({ file, edits, pick, mode }) => {
        const text = edits.reduce(applyEdit, texts.get(file)!);
        const name = file.split('/').pop()!;
        let analyzed: Awaited<ReturnType<typeof analyze>>;
        try {
          analyzed = await analyze(text, name);
        } catch (error) {
          expect(error, String(error)).toBeInstanceOf(InputError);
          return;
        }
        try {
          const { outline, parsed } = analyzed;
          if (outline.length === 0) return;
          const targets = [...new Set(pick.map((i) => outline[i % outline.length]!))];
          let plan: ReturnType<typeof maskSpans>;
          try {
            plan = maskSpans(parsed.source, targets, mode);
          } catch (error) {
            expect(error, String(error)).toBeInstanceOf(InputError);
            return;
          }
          const root = parsed.tree.rootNode;
          let previousEnd = 0;
          for (const span of plan.spans) {
            const { start, end } = span.range;
            expect(0 <= start && start < end && end <= text.length, `${span.target} ${start}..${end} of ${text.length}`).toBe(true);
            expect(start).toBeGreaterThanOrEqual(previousEnd);
            previousEnd = end;
            expect(nodeStartsAt(root, start), `${span.target} starts inside a node`).toBe(true);
            expect(nodeEndsAt(root, end), `${span.target} ends inside a node`).toBe(true);
            expect(span.startByte).toBe(utf8Length(text.slice(0, start)));
            expect(span.endByte).toBe(utf8Length(text.slice(0, end)));
            expect(1 <= span.startLine && span.startLine <= span.endLine && span.endLine <= parsed.source.lineCount).toBe(true);
          }
        } finally {
          analyzed.parsed.delete();
        }
      }),
      { numRuns: 400, seed: 20_261_124 },
    );
  }, 120_000);
});
