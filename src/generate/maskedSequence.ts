import { InputError } from '../errors/inputErrors';
import { spanMasks } from '../models/forwardPasses';
import { instructionComment } from '../prompt/promptFormats';
import type { Rng } from '../random/rng';
import type { CodeTokenizer } from '../runtime/codeTokenizer';
import type { LanguageId } from '../syntax/languages';
import type { TextRange } from '../syntax/outline';

/** Where one target's tokens sit in the sequence. */
export interface SpanBlock {
  /** The span in the original file (UTF-16). */
  source: TextRange;
  /** First position of the block in the token sequence. */
  start: number;
  length: number;
}

/**
 * The conditional row the diffusion model denoises: the prompt template with the instruction, and
 * the file with each target span turned into a block of tokens, some or all of them masked.
 */
export interface MaskedSequence {
  tokens: number[];
  /** Positions of the instruction's tokens: the unconditional row masks exactly these. */
  condition: { start: number; end: number };
  blocks: SpanBlock[];
  /** Per position: still masked. */
  masked: boolean[];
}

export interface SequenceRequest {
  tokenizer: CodeTokenizer;
  template: string;
  instruction: string;
  text: string;
  spans: readonly TextRange[];
  maskTokenId: number;
  maxPositions: number;
  /** Masks per span: ceil(factor x the span's token count) + extra, when the whole span is regenerated. */
  lengthFactor: number;
  lengthExtra: number;
  /** The fraction of the span's own tokens masked; 1 regenerates the whole span, freely sized. */
  strength: number;
  rng: Rng;
  /** The manifest's: `infill` puts the instruction as a comment before the first target, in `language`. */
  promptFormat?: 'chat' | 'infill';
  language?: LanguageId;
}

/**
 * Splits a chat template at its `{instruction}`, optional `{suffix}` and `{code}` slots: the text
 * before the instruction, between it and the suffix (empty without one), between the suffix and the
 * code, and after the code.
 */
function templateParts(template: string): { before: string; beforeSuffix: string; beforeCode: string; after: string; hasSuffix: boolean } {
  const instructionAt = template.indexOf('{instruction}');
  const suffixAt = template.indexOf('{suffix}');
  const codeAt = template.indexOf('{code}');
  if (instructionAt === -1 || codeAt < instructionAt || (suffixAt !== -1 && (suffixAt < instructionAt || suffixAt > codeAt))) {
    throw new InputError("The model's promptTemplate needs {instruction} before {code} (and {suffix}, where it has one, between them).");
  }
  const afterInstruction = instructionAt + '{instruction}'.length;
  const hasSuffix = suffixAt !== -1;
  return {
    before: template.slice(0, instructionAt),
    beforeSuffix: hasSuffix ? template.slice(afterInstruction, suffixAt) : '',
    beforeCode: template.slice(hasSuffix ? suffixAt + '{suffix}'.length : afterInstruction, codeAt),
    after: template.slice(codeAt + '{code}'.length),
    hasSuffix,
  };
}

/** Tokens a span of `originalTokens` takes in the sequence: its masks when regenerated whole, its own tokens at strength < 1. */
export function blockLength(originalTokens: number, request: Pick<SequenceRequest, 'lengthFactor' | 'lengthExtra' | 'strength'>): number {
  return spanMasks(originalTokens, request);
}

/** Where a base infill model's instruction comment goes: at the first target's line, indented as it is. */
function infillComment(text: string, spanStart: number, instruction: string, language: LanguageId): string {
  const lineStart = text.lastIndexOf('\n', spanStart - 1) + 1;
  const before = text.slice(lineStart, spanStart);
  return instructionComment(instruction, language, /^[ \t]*$/.test(before) ? before : '');
}

/**
 * The sequence for a chat model: the template with the instruction in the user's turn and the file
 * as the answer; with `{suffix}` in the template, the answer ends with the last target and the rest
 * of the file is in the user's turn. For an infill model: the file alone, the instruction a comment
 * right before the first target, which is the condition CFG masks.
 */
export function buildMaskedSequence(request: SequenceRequest): MaskedSequence {
  const { tokenizer, spans, maskTokenId } = request;
  const infill = request.promptFormat === 'infill';
  const parts = infill ? { before: '', beforeSuffix: '', beforeCode: '', after: '', hasSuffix: false } : templateParts(request.template);
  const lastEnd = spans.at(-1)?.end ?? request.text.length;
  const suffix = parts.hasSuffix ? request.text.slice(lastEnd) : '';
  const text = parts.hasSuffix ? request.text.slice(0, lastEnd) : request.text;
  const tokens: number[] = [];
  const masked: boolean[] = [];
  const push = (ids: readonly number[], isMasked = false) => {
    for (const id of ids) {
      tokens.push(id);
      masked.push(isMasked);
    }
  };
  let condition = { start: 0, end: 0 };
  let cursor = 0;
  if (infill) {
    if (request.instruction !== '' && spans.length > 0) {
      const at = spans[0]!.start;
      push(tokenizer.encode(text.slice(0, at)));
      const conditionStart = tokens.length;
      push(tokenizer.encode(infillComment(text, at, request.instruction, request.language ?? 'python')));
      condition = { start: conditionStart, end: tokens.length };
      cursor = at;
    }
  } else {
    push(tokenizer.encode(parts.before));
    const conditionStart = tokens.length;
    push(tokenizer.encode(request.instruction));
    condition = { start: conditionStart, end: tokens.length };
    if (parts.hasSuffix) push(tokenizer.encode(parts.beforeSuffix + suffix));
    push(tokenizer.encode(parts.beforeCode));
  }
  const blocks: SpanBlock[] = [];
  for (const span of spans) {
    push(tokenizer.encode(text.slice(cursor, span.start)));
    const original = tokenizer.encode(text.slice(span.start, span.end));
    const start = tokens.length;
    if (request.strength >= 1) {
      push(new Array<number>(blockLength(original.length, request)).fill(maskTokenId), true);
    } else {
      // Forward diffusion: mask a random `strength` share of the span's own tokens, keep the rest as context.
      const count = Math.max(1, Math.round(request.strength * original.length));
      const order = original.map((_, i) => ({ i, key: request.rng.nextFloat() })).sort((a, b) => a.key - b.key);
      const chosen = new Set(order.slice(0, count).map((o) => o.i));
      original.forEach((id, i) => push([chosen.has(i) ? maskTokenId : id], chosen.has(i)));
    }
    blocks.push({ source: span, start, length: tokens.length - start });
    cursor = span.end;
  }
  push(tokenizer.encode(text.slice(cursor)));
  push(tokenizer.encode(parts.after));
  if (tokens.length > request.maxPositions) {
    // Name the prompt when it is what does not fit: "a shorter file" would send the person the wrong way.
    const promptTokens = condition.end - condition.start;
    const cause = promptTokens > request.maxPositions / 2 ? ` (${promptTokens} of them the prompt); shorten the prompt` : '; pick smaller targets or a shorter file';
    throw new InputError(`The request needs ${tokens.length} tokens but the model holds at most ${request.maxPositions}${cause}.`);
  }
  return { tokens, condition, blocks, masked };
}

/** The unconditional row: the same sequence with the instruction's tokens masked. */
export function unconditionalRow(sequence: MaskedSequence, maskTokenId: number): number[] {
  return sequence.tokens.map((id, i) => (i >= sequence.condition.start && i < sequence.condition.end ? maskTokenId : id));
}

/**
 * The positions a span pass recomputes: every block's, masked or revealed, and with a logits
 * shift the position before each block too, whose logits predict the block's first token.
 */
export function spanPositions(sequence: MaskedSequence, logitsShift: 0 | 1): number[] {
  const positions: number[] = [];
  for (const block of sequence.blocks) {
    // Blocks are in order; one may start right after another, so the shifted position is not taken twice.
    const first = Math.max(block.start - logitsShift, (positions.at(-1) ?? -1) + 1);
    for (let p = first; p < block.start + block.length; p++) positions.push(p);
  }
  return positions;
}

/**
 * A block's tokens up to the first end-of-text or padding token the model wrote: the span ends
 * there, so the model may write a shorter function, as the diffusion evaluations cut the answer at
 * the first end token (SalesforceAIResearch/CoDA evaluation/lm_eval/lm_eval/models/diffllm.py:
 * `decode(...).split(eos_token)[0]`).
 */
export function blockTokens(sequence: MaskedSequence, block: SpanBlock, stopIds: ReadonlySet<number>): number[] {
  const ids = sequence.tokens.slice(block.start, block.start + block.length);
  const end = ids.findIndex((id) => stopIds.has(id));
  return end === -1 ? ids : ids.slice(0, end);
}
