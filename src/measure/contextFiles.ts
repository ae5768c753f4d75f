import type { CodeTokenizer } from '../runtime/codeTokenizer';
import type { TextRange } from '../syntax/outline';

/** A source file cut to a size in tokens, with the span the benchmark regenerates. */
export interface ContextFile {
  /** Its size in tokens, as asked. */
  tokens: number;
  text: string;
  /** The span, UTF-16 offsets into `text`. */
  span: TextRange;
}

/**
 * Files of each size cut from one real source, all around the same span of `spanTokens` tokens,
 * centred, so that sizes differ only in the context around it. Cut by tokens of the model's own
 * tokenizer; the pieces are decoded separately, so the text is what the cut tokens spell.
 */
export function contextFiles(tokenizer: CodeTokenizer, source: string, sizes: readonly number[], spanTokens: number): ContextFile[] {
  const ids = tokenizer.encode(source);
  const largest = Math.max(...sizes);
  if (sizes.some((size) => size < spanTokens)) throw new RangeError(`every file must hold the ${spanTokens}-token span`);
  if (ids.length < largest) throw new RangeError(`the source has ${ids.length} tokens; the benchmark needs ${largest}`);
  // Where the span sits in the source: the middle of the window the largest file takes.
  const spanStart = Math.floor((ids.length - spanTokens) / 2);
  const spanText = tokenizer.decode(ids.slice(spanStart, spanStart + spanTokens));
  return sizes.map((tokens) => {
    const before = Math.floor((tokens - spanTokens) / 2);
    const after = tokens - spanTokens - before;
    const prefix = tokenizer.decode(ids.slice(spanStart - before, spanStart));
    const suffix = tokenizer.decode(ids.slice(spanStart + spanTokens, spanStart + spanTokens + after));
    return { tokens, text: prefix + spanText + suffix, span: { start: prefix.length, end: prefix.length + spanText.length } };
  });
}
