import { InputError } from '../core/inputErrors';
import type { Rng } from '../core/rng';
import type { CausalModel } from '../model/causalModel';
import { yieldToEvents } from './denoise';

export interface FillOptions {
  /** The most tokens written for the middle. */
  maxNewTokens: number;
  /** 0 picks the most likely token. */
  temperature: number;
  rng: Rng;
  /** The most tokens of prefix plus suffix kept (far context is trimmed first). */
  maxContext: number;
  signal?: AbortSignal;
}

export interface FillResult {
  text: string;
  forwardPasses: number;
  /** Why it stopped: a stop token, or the token budget. */
  stoppedBy: 'stop-token' | 'budget';
}

const FIM_TOKENS = ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'] as const;
const STOP_TOKENS = ['<|endoftext|>', '<|fim_pad|>', '<|file_sep|>', '<|im_end|>', '<|repo_name|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'];
const SAMPLE_TOP_K = 40;

/** The indices of the k largest logits, largest first, in one pass: sorting the whole vocabulary per token was most of the fallback's time. */
function topIndices(logits: Float32Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    const value = logits[i]!;
    if (top.length === k && value <= logits[top[k - 1]!]!) continue;
    let at = top.length === k ? k - 1 : top.length;
    while (at > 0 && logits[top[at - 1]!]! < value) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = i;
  }
  return top;
}

function pick(logits: Float32Array, temperature: number, rng: Rng): number {
  const candidates = topIndices(logits, temperature === 0 ? 1 : SAMPLE_TOP_K);
  const best = candidates[0]!;
  if (temperature === 0) return best;
  const weights = candidates.map((i) => Math.exp((logits[i]! - logits[best]!) / temperature));
  let target = rng.nextFloat() * weights.reduce((a, b) => a + b, 0);
  for (const [j, weight] of weights.entries()) {
    target -= weight;
    if (target < 0) return candidates[j]!;
  }
  return candidates.at(-1)!;
}

/**
 * Fill-in-the-middle with an autoregressive Qwen2.5-Coder-style model:
 * `<|fim_prefix|>` prefix `<|fim_suffix|>` suffix `<|fim_middle|>`, then the middle token by token
 * with the KV cache, until a stop token or the budget.
 */
export async function fillInTheMiddle(model: CausalModel, prefix: string, suffix: string, options: FillOptions): Promise<FillResult> {
  const { tokenizer } = model;
  const [prefixId, suffixId, middleId] = FIM_TOKENS.map((token) => tokenizer.tokenId(token));
  if (prefixId === undefined || suffixId === undefined || middleId === undefined) {
    throw new InputError('The fallback model has no fill-in-the-middle tokens (<|fim_prefix|>, <|fim_suffix|>, <|fim_middle|>).');
  }
  const stopIds = new Set(STOP_TOKENS.map((token) => tokenizer.tokenId(token)).filter((id): id is number => id !== undefined));
  let before = tokenizer.encode(prefix);
  let after = tokenizer.encode(suffix);
  // Keep the context nearest the gap: trim the start of the prefix and the end of the suffix.
  const room = Math.max(0, options.maxContext - 3 - options.maxNewTokens);
  if (before.length + after.length > room) {
    const keepAfter = Math.min(after.length, Math.floor(room / 3));
    after = after.slice(0, keepAfter);
    before = before.slice(Math.max(0, before.length - (room - keepAfter)));
  }
  const prompt = [prefixId, ...before, suffixId, ...after, middleId];
  let step = await model.step(prompt, model.emptyCache(), 0);
  let forwardPasses = 1;
  const written: number[] = [];
  try {
    for (;;) {
      await yieldToEvents();
      if (options.signal?.aborted) throw options.signal.reason ?? new DOMException('Generation was cancelled.', 'AbortError');
      const next = pick(step.logits, options.temperature, options.rng);
      if (stopIds.has(next)) return { text: tokenizer.decode(written), forwardPasses, stoppedBy: 'stop-token' };
      written.push(next);
      if (written.length >= options.maxNewTokens) return { text: tokenizer.decode(written), forwardPasses, stoppedBy: 'budget' };
      step = await model.step([next], step.cache, step.length);
      forwardPasses++;
    }
  } finally {
    model.releaseCache(step.cache);
  }
}
