import { FIM_PROMPT_TEMPLATE } from '../convert/convertCheckpoint';
import type { CodeTokenizer } from '../model/codeTokenizer';
import type { ContextFile } from './contextFiles';

/** The fallback's fill-in-the-middle prompt for the file's span, as token ids (the special tokens are single tokens). */
export function fimPrompt(tokenizer: CodeTokenizer, file: ContextFile): number[] {
  const prompt = FIM_PROMPT_TEMPLATE.replace('{prefix}', () => file.text.slice(0, file.span.start)).replace('{suffix}', () => file.text.slice(file.span.end));
  return tokenizer.encode(prompt);
}
