import type { CausalModel } from '../runtime/causalModel';
import type { RunTime } from '../runtime/sessionRunTiming';
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

/** Tokens of the warm-up prompt; it then writes one token. */
export const WARM_UP_TOKENS = 8;

const SETTLE_MS = 1000;

/**
 * After a load and a short warm-up, a second's pause, for our decoder and transformers.js alike.
 * Right after a load, runs were slower for a second or two (the tiny shape's 16 tokens: 967 and
 * 858 ms, against about 400 ms later, while the loaded bytes were still being collected), and
 * that would fall on whichever of the two is measured first. With the warm-up and the pause, the
 * two gave 546 ms each.
 */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

/** One untimed short generation on a fresh session: the prompt's first tokens, then one token. */
export async function warmUpDecoder(model: CausalModel, prompt: readonly number[]): Promise<void> {
  const first = await model.step(prompt.slice(0, WARM_UP_TOKENS), model.emptyCache(), 0);
  const second = await model.step([argmax(first.logits)], first.cache, first.length);
  model.releaseCache(second.cache);
}

/**
 * Runs of each autoregressive measurement, ours and transformers.js's alike; the fastest counts.
 * With one run each, the order of the two flipped from one run to the next on this shared machine,
 * by about 10% either way: the noise, not either decoder. Three runs each, all of ours first,
 * still read 0.89 and 1.12 in two bench runs a few minutes apart, so the runs now take turns.
 */
export const AUTOREGRESSIVE_RUNS = 3;

/**
 * AUTOREGRESSIVE_RUNS runs of each measure, taking turns (ours, the peer's, ours, ...), so that
 * all meet the machine in the same state; the fastest run of each is kept whole.
 */
export async function fastestInTurns<T extends { generationMs: number }[]>(...measures: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const fastest: T[number][] = [];
  for (let run = 0; run < AUTOREGRESSIVE_RUNS; run++) {
    for (const [i, measure] of measures.entries()) {
      const next = await measure();
      if (!fastest[i] || next.generationMs < fastest[i].generationMs) fastest[i] = next;
    }
  }
  return fastest as T;
}

/**
 * One run of the fallback's decoder (CausalModel with its KV cache) on the fallback's
 * fill-in-the-middle prompt for the span: the prompt in one pass, then exactly `newTokens` greedy
 * tokens, one pass each, as transformers.js's `generate` with min_new_tokens = max_new_tokens
 * does. Not fillInTheMiddle itself: on random tied-embedding weights the likeliest next token is
 * the last one fed, `<|fim_middle|>`, a stop token, so the fallback would stop before writing
 * anything.
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
