import { fimPromptText } from '../core/promptFormats';
import type { CodeTokenizer } from '../model/codeTokenizer';
import type { ContextFile } from './contextFiles';

/** The fallback's fill-in-the-middle prompt for the file's span, as token ids (the special tokens are single tokens). */
export function fimPrompt(tokenizer: CodeTokenizer, file: ContextFile): number[] {
  return tokenizer.encode(fimPromptText(file.text.slice(0, file.span.start), file.text.slice(file.span.end)));
}
