import type { CausalModel } from '../model/causalModel';
import type { RunTime } from '../model/ortSession';
import type { ContextFile } from './contextFiles';
import { fimPrompt } from './fimPrompt';
import type { PeakMemory } from './peakMemory';
import { sessionTotals } from './sessionTotals';

/** Our autoregressive decoder writing the span, measured. */
export interface AutoregressiveMeasurement {
  fileTokens: number;
  promptTokens: number;
  newTokens: number;
  generationMs: number;
  tokensPerSecond: number;
  runMs: number;
  /** Null in a browser page, which cannot see its process's memory. */
  peakRssMb: number | null;
}

function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}

/**
 * The fallback's decoder (CausalModel with its KV cache) on the fallback's fill-in-the-middle
 * prompt for the span: the prompt in one pass, then exactly `newTokens` greedy tokens, one pass
 * each, as transformers.js's `generate` with min_new_tokens = max_new_tokens does. Not
 * fillInTheMiddle itself: on random tied-embedding weights the likeliest next token is the last
 * one fed, `<|fim_middle|>`, a stop token, so the fallback would stop before writing anything.
 */
export async function measureAutoregressive(model: CausalModel, runTimes: readonly RunTime[], memory: PeakMemory, file: ContextFile, newTokens: number): Promise<AutoregressiveMeasurement> {
  const prompt = fimPrompt(model.tokenizer, file);
  const before = sessionTotals(runTimes);
  memory.reset();
  const started = performance.now();
  let step = await model.step(prompt, model.emptyCache(), 0);
  for (let written = 1; written < newTokens; written++) {
    const next = argmax(step.logits);
    step = await model.step([next], step.cache, step.length);
    memory.sample();
  }
  argmax(step.logits);
  const generationMs = performance.now() - started;
  model.releaseCache(step.cache);
  return {
    fileTokens: file.tokens,
    promptTokens: prompt.length,
    newTokens,
    generationMs,
    tokensPerSecond: newTokens / (generationMs / 1000),
    runMs: sessionTotals(runTimes).milliseconds - before.milliseconds,
    peakRssMb: memory.peakMb(),
  };
}
