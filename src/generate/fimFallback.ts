import { InputError } from '../errors/inputErrors';
import { type FillPrompt, fillPrompt, unfencedAnswer } from '../prompt/fillPrompt';
import type { Rng } from '../random/rng';
import type { CausalModel } from '../runtime/causalModel';
import type { LanguageId } from '../syntax/languages';
import { yieldToEvents } from './denoise';

export interface FillOptions {
  /** The file's language, for the instruction written as a comment. */
  language: LanguageId;
  /** What the user asked for: the fallback's prompt carries it. */
  instruction: string;
  /** The most tokens written for the middle. */
  maxNewTokens: number;
  /** 0 picks the most likely token. */
  temperature: number;
  rng: Rng;
  signal?: AbortSignal;
}

export interface FillResult {
  text: string;
  forwardPasses: number;
  /** Tokens written (the stop token not counted). */
  tokens: number;
  /** Why it stopped: a stop token, or the token budget. */
  stoppedBy: 'stop-token' | 'budget';
  /** Tokens of the file cut far from the span so the prompt fit the model. */
  trimmedTokens: number;
}

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
 * The ids that end the fallback's answer, all from its own manifest: its end-of-text and padding
 * tokens, and the special tokens of its prompt template (a model that writes `<|fim_suffix|>` or
 * `<|im_start|>` has finished the middle).
 */
export function fallbackStopIds(model: CausalModel, specialTokens: readonly string[]): Set<number> {
  const ids = new Set([...model.manifest.eosTokenIds, model.manifest.padTokenId]);
  for (const token of specialTokens) {
    const id = model.tokenizer.tokenId(token);
    if (id !== undefined) ids.add(id);
  }
  return ids;
}

/**
 * The code between `prefix` and `suffix`, written by the autoregressive fallback token by token
 * with the KV cache: the prompt is its own manifest's template with the instruction (fillPrompt),
 * counted by its own tokenizer, and it stops at one of its own stop tokens or the budget.
 */
export async function fillInTheMiddle(model: CausalModel, prefix: string, suffix: string, options: FillOptions): Promise<FillResult> {
  const { tokenizer } = model;
  let prompt: FillPrompt;
  try {
    prompt = fillPrompt(tokenizer, {
      template: model.manifest.promptTemplate,
      language: options.language,
      instruction: options.instruction,
      prefix,
      suffix,
      maxTokens: model.maxPositions - options.maxNewTokens,
    });
  } catch (error) {
    throw new InputError(`The fallback model ${model.manifest.id} cannot fill in code: ${(error as Error).message}.`);
  }
  const stopIds = fallbackStopIds(model, prompt.specialTokens);
  const finish = (written: number[], stoppedBy: FillResult['stoppedBy'], forwardPasses: number): FillResult => {
    const text = tokenizer.decode(written);
    return { text: prompt.chat ? unfencedAnswer(text) : text, forwardPasses, tokens: written.length, stoppedBy, trimmedTokens: prompt.trimmedTokens };
  };
  let step = await model.step(prompt.tokens, model.emptyCache(), 0);
  let forwardPasses = 1;
  const written: number[] = [];
  try {
    for (;;) {
      await yieldToEvents();
      if (options.signal?.aborted) throw options.signal.reason ?? new DOMException('Generation was cancelled.', 'AbortError');
      const next = pick(step.logits, options.temperature, options.rng);
      if (stopIds.has(next)) return finish(written, 'stop-token', forwardPasses);
      written.push(next);
      if (written.length >= options.maxNewTokens) return finish(written, 'budget', forwardPasses);
      step = await model.step([next], step.cache, step.length);
      forwardPasses++;
    }
  } finally {
    model.releaseCache(step.cache);
  }
}
