import { fillPrompt, type PromptTokenizer } from '../prompt/fillPrompt';
import { FIM_PROMPT_TEMPLATE } from '../prompt/promptFormats';
import { detectLanguage } from '../syntax/detectLanguage';
import { INSTRUCTION, SOURCE } from './benchPlans';
import type { ContextFile } from './contextFiles';

/**
 * The fallback's prompt for the file's span, as token ids: the same fillPrompt the PatchPipeline's
 * fallback uses, with the bench's instruction, on the fill-in-the-middle template the bench's
 * autoregressive models carry in their manifests.
 */
export function fimPrompt(tokenizer: PromptTokenizer, file: ContextFile): number[] {
  return fillPrompt(tokenizer, {
    template: FIM_PROMPT_TEMPLATE,
    language: detectLanguage(SOURCE, file.text),
    instruction: INSTRUCTION,
    prefix: file.text.slice(0, file.span.start),
    suffix: file.text.slice(file.span.end),
    maxTokens: Number.POSITIVE_INFINITY,
  }).tokens;
}
