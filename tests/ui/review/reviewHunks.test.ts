import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { structuredPatch } from 'diff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyUnifiedDiff, unifiedDiff } from '../../../src/plan/unifiedDiff';
import { type HunkDecision, type Review, reviewedText, reviewOf } from '../../../src/ui/review/reviewHunks';

/** The patch of the kept hunks, as the result panel writes it. */
const reviewedDiff = (filePath: string, original: string, review: Review, decisions: readonly HunkDecision[]) => unifiedDiff(filePath, original, reviewedText(review, decisions));

const lines = fc.array(fc.constantFrom('', 'a', 'b', 'c', 'x = 1', 'return x', 'naïve\r', '😀'), { maxLength: 40 });
const text = fc.tuple(lines, fc.boolean()).map(([ls, finalNewline]) => ls.join('\n') + (finalNewline && ls.length > 0 ? '\n' : ''));
const decision = fc.constantFrom<HunkDecision>('pending', 'accepted', 'rejected');

const ORIGINAL = ['def area(r):', '    return 3.14 * r * r', '', '', '', '', '', '', '', '', 'def name():', '    return "circle"', ''].join('\n');
const GENERATED = ORIGINAL.replace('3.14 * r * r', 'math.pi * r ** 2').replace('"circle"', '"disc"');

describe('reviewOf', () => {
  it('groups changes into the hunks git would write, and keeps exactly the hunks the user keeps', () => {
    fc.assert(
      fc.property(text, text, fc.array(decision, { maxLength: 20 }), (original, generated, decisions) => {
        const review = reviewOf(original, generated);
        expect(review.hunks.length).toBe(structuredPatch('a', 'b', original, generated, undefined, undefined, { context: 3 }).hunks.length);
        expect(reviewedText(review, [])).toBe(generated);
        expect(
          reviewedText(
            review,
            review.hunks.map(() => 'rejected'),
          ),
        ).toBe(original);
        const kept = reviewedText(review, decisions);
        expect(applyUnifiedDiff(original, reviewedDiff('f.py', original, review, decisions))).toBe(kept);
      }),
      { numRuns: 300 },
    );
  });

  it('joins two changes six unchanged lines apart into one hunk, as git does, and not seven', () => {
    const file = (between: number, first: string, last: string) => [first, ...Array.from({ length: between }, (_, i) => `line ${i}`), last, ''].join('\n');
    expect(reviewOf(file(6, 'a', 'b'), file(6, 'A', 'B')).hunks).toHaveLength(1);
    expect(reviewOf(file(7, 'a', 'b'), file(7, 'A', 'B')).hunks).toHaveLength(2);
  });

  it('gives a patch of one accepted hunk that git apply takes, leaving the rejected one as it was', () => {
    const review = reviewOf(ORIGINAL, GENERATED);
    expect(review.hunks.map((h) => [h.originalStart, h.originalLines, h.generatedStart, h.generatedLines])).toEqual([
      [2, 1, 2, 1],
      [12, 1, 12, 1],
    ]);
    const repo = mkdtempSync(join(tmpdir(), 'builder-review-'));
    execFileSync('git', ['init', '-q'], { cwd: repo });
    writeFileSync(join(repo, 'shapes.py'), ORIGINAL);
    writeFileSync(join(repo, 'change.patch'), reviewedDiff('shapes.py', ORIGINAL, review, ['accepted', 'rejected']));
    execFileSync('git', ['apply', 'change.patch'], { cwd: repo });
    const applied = readFileSync(join(repo, 'shapes.py'), 'utf8');
    expect(applied).toContain('math.pi * r ** 2');
    expect(applied).toContain('"circle"');
  });
});
