import { InputError } from '../core/inputErrors';
import type { TextRange } from '../core/outline';
import type { Rng } from '../core/rng';
import type { CodeTokenizer } from '../model/codeTokenizer';

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
}

/** Splits a template at its `{instruction}` and `{code}` slots. */
function templateParts(template: string): [string, string, string] {
  const instructionAt = template.indexOf('{instruction}');
  const codeAt = template.indexOf('{code}');
  if (instructionAt === -1 || codeAt < instructionAt) throw new InputError('The model\'s promptTemplate needs {instruction} before {code}.');
  return [template.slice(0, instructionAt), template.slice(instructionAt + '{instruction}'.length, codeAt), template.slice(codeAt + '{code}'.length)];
}

/** Tokens a span of `originalTokens` takes in the sequence: its masks when regenerated whole, its own tokens at strength < 1. */
export function blockLength(originalTokens: number, request: Pick<SequenceRequest, 'lengthFactor' | 'lengthExtra' | 'strength'>): number {
  return request.strength >= 1 ? Math.ceil(request.lengthFactor * originalTokens) + request.lengthExtra : originalTokens;
}

export function buildMaskedSequence(request: SequenceRequest): MaskedSequence {
  const { tokenizer, text, spans, maskTokenId } = request;
  const [before, between, after] = templateParts(request.template);
  const tokens: number[] = [];
  const masked: boolean[] = [];
  const push = (ids: readonly number[], isMasked = false) => {
    for (const id of ids) {
      tokens.push(id);
      masked.push(isMasked);
    }
  };
  push(tokenizer.encode(before));
  const conditionStart = tokens.length;
  push(tokenizer.encode(request.instruction));
  const condition = { start: conditionStart, end: tokens.length };
  push(tokenizer.encode(between));
  const blocks: SpanBlock[] = [];
  let cursor = 0;
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
  push(tokenizer.encode(after));
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

/** A block's tokens without the end-of-text and padding the model wrote after the code. */
export function blockTokens(sequence: MaskedSequence, block: SpanBlock, stopIds: ReadonlySet<number>): number[] {
  const ids = sequence.tokens.slice(block.start, block.start + block.length);
  let end = ids.length;
  while (end > 0 && stopIds.has(ids[end - 1]!)) end--;
  return ids.slice(0, end);
}
