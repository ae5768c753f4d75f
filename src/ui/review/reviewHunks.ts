import { type ChangeObject, diffLines } from 'diff';

/** Lines of unchanged text that still join two changes into one hunk: git's 3 lines of context on each side. */
const JOINING_LINES = 6;

/** One hunk of a result under review: lines of the original replaced by lines of the generated file. */
export interface ReviewHunk {
  /** 1-based; for a pure insertion, the line the new lines come after. */
  originalStart: number;
  originalLines: number;
  /** 1-based; for a pure deletion, the line the removed lines were after. */
  generatedStart: number;
  generatedLines: number;
  /** The diff parts it spans, first and last inclusive (unchanged parts between its changes included). */
  firstPart: number;
  lastPart: number;
}

export interface Review {
  parts: ChangeObject<string>[];
  hunks: ReviewHunk[];
}

export type HunkDecision = 'pending' | 'accepted' | 'rejected';

/**
 * The result's changes, grouped as `git diff` groups them into hunks, so a hunk the user accepts
 * or rejects is one they would see in the patch. Parts are whole lines split at "\n" as git does
 * (a "\r" stays on its line), so joining them gives back either file byte for byte.
 */
export function reviewOf(original: string, generated: string): Review {
  const parts = diffLines(original, generated);
  const hunks: ReviewHunk[] = [];
  let originalLine = 1;
  let generatedLine = 1;
  parts.forEach((part, index) => {
    const lines = part.count ?? 0;
    if (!part.added && !part.removed) {
      originalLine += lines;
      generatedLine += lines;
      return;
    }
    const last = hunks.at(-1);
    const gap = last ? parts.slice(last.lastPart + 1, index).reduce((sum, p) => sum + (p.count ?? 0), 0) : Infinity;
    const hunk: ReviewHunk =
      last && gap <= JOINING_LINES ? last : { originalStart: originalLine, originalLines: 0, generatedStart: generatedLine, generatedLines: 0, firstPart: index, lastPart: index };
    if (hunk !== last) hunks.push(hunk);
    hunk.lastPart = index;
    if (part.removed) originalLine += lines;
    else generatedLine += lines;
    hunk.originalLines = originalLine - hunk.originalStart;
    hunk.generatedLines = generatedLine - hunk.generatedStart;
  });
  return { parts, hunks };
}

/** A pending hunk is in the result until the user rejects it. */
export const includes = (decision: HunkDecision | undefined) => decision !== 'rejected';

/** The original file with the hunks the user kept applied and the others left as they were. */
export function reviewedText(review: Review, decisions: readonly HunkDecision[]): string {
  let hunk = 0;
  return review.parts
    .map((part, index) => {
      while (hunk < review.hunks.length && review.hunks[hunk]!.lastPart < index) hunk++;
      const inHunk = hunk < review.hunks.length && review.hunks[hunk]!.firstPart <= index;
      const kept = inHunk && includes(decisions[hunk]);
      if (part.added) return kept ? part.value : '';
      if (part.removed) return kept ? '' : part.value;
      return part.value;
    })
    .join('');
}
