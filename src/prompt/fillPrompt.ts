import type { LanguageId } from '../syntax/languages';
import { commentLines } from '../syntax/lineComments';

/** What the prompt needs of a tokenizer: special tokens written in the text come out as their single ids. */
export interface PromptTokenizer {
  encode(text: string): number[];
}

export interface FillRequest {
  /**
   * The fallback model's prompt template, from its manifest: `{prefix}` and `{suffix}` mark the
   * file around the span. With `{instruction}` too (an instruct model's chat template), the
   * instruction goes there; without it (a base fill-in-the-middle model), it is written as a
   * comment in the file's language just before the span.
   */
  template: string;
  language: LanguageId;
  instruction: string;
  prefix: string;
  suffix: string;
  /** The most tokens the prompt may hold; the file far from the span is cut first. */
  maxTokens: number;
}

export interface FillPrompt {
  tokens: number[];
  /** The template's special tokens (`<|fim_middle|>`, `<|im_end|>`): the model writing one is done. */
  specialTokens: string[];
  /** Whether the template asks in words (a chat template), so the answer may come in a Markdown fence. */
  chat: boolean;
  /** Tokens of the file cut from the start of the prefix and the end of the suffix to fit. */
  trimmedTokens: number;
}

const SLOT = /\{(prefix|suffix|instruction)\}/g;

/** The instruction as comment lines at the start of the span's line, in its indentation, where a base model reads it last before writing. */
function commentedPrefix(prefix: string, language: LanguageId, instruction: string): [string, string] {
  if (instruction.trim() === '') return [prefix, ''];
  const lineStart = prefix.lastIndexOf('\n') + 1;
  const beforeSpan = prefix.slice(lineStart);
  if (beforeSpan.trim() !== '') return [`${prefix}\n`, commentLines(language, instruction)];
  return [prefix.slice(0, lineStart), commentLines(language, instruction, beforeSpan) + beforeSpan];
}

/**
 * The fallback's prompt for one span, as token ids: the template from the fallback's own manifest
 * with the file around the span and the instruction, encoded by the fallback's own tokenizer.
 * When it is longer than `maxTokens`, the prefix loses its start and the suffix its end (the
 * suffix keeps at most a third of the room): the code nearest the span stays.
 */
export function fillPrompt(tokenizer: PromptTokenizer, request: FillRequest): FillPrompt {
  const chat = request.template.includes('{instruction}');
  if (!request.template.includes('{prefix}') || !request.template.includes('{suffix}')) {
    throw new Error(`the fallback's prompt template needs {prefix} and {suffix}; it is ${JSON.stringify(request.template)}`);
  }
  const [prefix, afterPrefix] = chat ? [request.prefix, ''] : commentedPrefix(request.prefix, request.language, request.instruction);
  // The template's text around the slots, and the slots in order.
  const literals: number[][] = [];
  const slots: string[] = [];
  let cursor = 0;
  for (const match of request.template.matchAll(SLOT)) {
    literals.push(tokenizer.encode(request.template.slice(cursor, match.index)));
    slots.push(match[1]!);
    cursor = match.index! + match[0].length;
  }
  literals.push(tokenizer.encode(request.template.slice(cursor)));
  const instructionTokens = tokenizer.encode(request.instruction);
  const afterPrefixTokens = tokenizer.encode(afterPrefix);
  let before = tokenizer.encode(prefix);
  let after = tokenizer.encode(request.suffix);
  const fixed = literals.reduce((sum, part) => sum + part.length, 0) + afterPrefixTokens.length + (chat ? instructionTokens.length : 0);
  const room = Math.max(0, request.maxTokens - fixed);
  let trimmedTokens = 0;
  if (before.length + after.length > room) {
    trimmedTokens = before.length + after.length - room;
    const keepAfter = Math.min(after.length, Math.floor(room / 3));
    after = after.slice(0, keepAfter);
    before = before.slice(Math.max(0, before.length - (room - keepAfter)));
  }
  const tokens: number[] = [...literals[0]!];
  slots.forEach((slot, i) => {
    if (slot === 'prefix') tokens.push(...before, ...afterPrefixTokens);
    else if (slot === 'suffix') tokens.push(...after);
    else tokens.push(...instructionTokens);
    tokens.push(...literals[i + 1]!);
  });
  const specialTokens = [...new Set(request.template.match(/<\|[a-z_]+\|>/g) ?? [])];
  return { tokens, specialTokens, chat, trimmedTokens };
}

/**
 * The prompt an instruct fallback's manifest carries (ChatML, as Qwen2.5-Coder-Instruct's
 * tokenizer_config.json chat_template writes a user turn): the request in words, the file with the
 * gap marked, and the assistant's turn opened for the code.
 */
export const INSTRUCT_FILL_TEMPLATE =
  '<|im_start|>user\n{instruction}\n\nWrite only the code that goes in place of <FILL> in this file, nothing else.\n\n{prefix}<FILL>{suffix}<|im_end|>\n<|im_start|>assistant\n';

/** An instruct model's answer without the Markdown fence it may wrap the code in. */
export function unfencedAnswer(text: string): string {
  const fenced = /^\s*```[\w+-]*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return fenced ? fenced[1]! : text;
}
