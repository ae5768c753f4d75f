import type { CodeTokenizer } from '../runtime/codeTokenizer';
import type { TextRange } from '../syntax/outline';
import { blockTokens, type MaskedSequence } from './maskedSequence';

/** The file with each span replaced, and where the replacements now sit. */
export interface SplicedText {
  text: string;
  /** Per span, its range in `text`. */
  ranges: TextRange[];
}

/** Replaces spans (in source order, not overlapping) of `text` by new texts. */
export function spliceSpans(text: string, spans: readonly TextRange[], replacements: readonly string[]): SplicedText {
  let out = '';
  let cursor = 0;
  const ranges: TextRange[] = [];
  spans.forEach((span, i) => {
    out += text.slice(cursor, span.start);
    const start = out.length;
    out += replacements[i]!;
    ranges.push({ start, end: out.length });
    cursor = span.end;
  });
  return { text: out + text.slice(cursor), ranges };
}

/** Text of the tokens a patch may hold: special tokens (`<|im_start|>`, `<|fim_pad|>`, ...) are never code. */
function codeText(tokenizer: CodeTokenizer, ids: readonly number[]): string {
  return tokenizer.decode(ids.filter((id) => !tokenizer.specialIds.has(id)));
}

/** Each block's tokens decoded up to the first end-of-text, special tokens left out, masks shown as `maskGlyph`. */
export function decodeBlocks(sequence: MaskedSequence, tokenizer: CodeTokenizer, stopIds: ReadonlySet<number>, maskTokenId: number, maskGlyph = '░'): string[] {
  return sequence.blocks.map((block) => {
    const ids = blockTokens(sequence, block, stopIds);
    let text = '';
    let run: number[] = [];
    for (const id of ids) {
      if (id === maskTokenId) {
        text += codeText(tokenizer, run) + maskGlyph;
        run = [];
      } else run.push(id);
    }
    return text + codeText(tokenizer, run);
  });
}

/**
 * The positions of a block whose decoded text touches any of `issues` (ranges relative to the
 * block's decoded text): those are masked again for another round.
 */
export function tokensTouching(sequence: MaskedSequence, blockIndex: number, tokenizer: CodeTokenizer, stopIds: ReadonlySet<number>, issues: readonly TextRange[]): number[] {
  const block = sequence.blocks[blockIndex]!;
  const ids = blockTokens(sequence, block, stopIds);
  const touching: number[] = [];
  let start = 0;
  for (let i = 0; i < ids.length; i++) {
    // Decoding the growing prefix keeps multi-byte characters split across tokens whole.
    const end = codeText(tokenizer, ids.slice(0, i + 1)).length;
    if (issues.some((issue) => issue.start <= end && issue.end >= start)) touching.push(block.start + i);
    start = end;
  }
  return touching;
}
