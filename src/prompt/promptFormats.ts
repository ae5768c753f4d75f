import type { LanguageId } from '../syntax/languages';
import { commentLines } from '../syntax/lineComments.ts';

/**
 * The prompt formats: how a request is laid out as text for each kind of model. `{instruction}`
 * is the condition that classifier-free guidance masks out; `{code}` the file with its targets
 * masked; `{prefix}` and `{suffix}` the text around a fill-in-the-middle span, or for a chat model
 * whose user turn carries the file after the last target, that text. A chat model's template is
 * its checkpoint's own, rendered at conversion (src/convert/chatTemplate.ts).
 */
export const PROMPT_SLOTS = { instruction: '{instruction}', code: '{code}', suffix: '{suffix}' } as const;

/** The user's turn where it carries the file after the last target: Builder's wording, no model's authors'. */
export function userTurnWithFileAfter(instruction: string, fileAfter: string): string {
  return `${instruction}\n\nThe file continues after the code to write with:\n${fileAfter}`;
}

/** A base infill model's: the file alone, the instruction spliced into it as a comment before the first target. */
export const INFILL_PROMPT_TEMPLATE = '{code}';

/** Qwen2.5-Coder's fill-in-the-middle tokens, as its model card writes them. */
export const FIM_PROMPT_TEMPLATE = '<|fim_prefix|>{prefix}<|fim_suffix|>{suffix}<|fim_middle|>';

/** The instruction as comment lines in the file's language, each line indented by `indent`, ending in a newline and `indent` again. */
export function instructionComment(instruction: string, language: LanguageId, indent: string): string {
  return `${commentLines(language, instruction, indent).slice(indent.length)}${indent}`;
}
