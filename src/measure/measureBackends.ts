import type { Backend } from '../models/backendChoice';
import type { ModelPrecision } from '../models/modelPrecision';
import type { CausalModel } from '../runtime/causalModel';
import type { DiffusionModel } from '../runtime/diffusionModel';
import type { LoadedModel } from '../runtime/loadModel';
import { settle } from './measureAutoregressive';

/** One runtime's passes on one precision of the same model folders. */
export interface BackendPasses {
  backend: Backend;
  precision: ModelPrecision;
  /** Per sequence length: one whole pass (every position, 128 asked for), the fastest of its runs. */
  wholePassMs: Record<number, number>;
  /** Per sequence length: one span pass (the 128 asked positions) against the cache of the rest, the fastest of its runs. */
  spanPassMs: Record<number, number>;
  /** Greedy autoregressive decoding after a prompt of `promptTokens`. */
  decodeTokensPerSecond: number;
}

/** Native over WASM at one precision. */
export interface BackendComparison {
  precision: ModelPrecision;
  lengths: number[];
  spanTokens: number;
  promptTokens: number;
  newTokens: number;
  wasm: BackendPasses;
  native: BackendPasses;
}

export interface BackendMeasureOptions {
  /** Loads a folder of the shape (its diffusion or autoregressive model) on a backend at a precision. */
  load(kind: 'diffusion' | 'autoregressive', backend: Backend, precision: ModelPrecision): Promise<LoadedModel>;
  /** Source text, tokenized and cut to each length. */
  source: string;
  lengths: readonly number[];
  spanTokens: number;
  promptTokens: number;
  newTokens: number;
  /** Runs of each pass at the shortest length; the longest runs once each (at 2,016 tokens a WASM pass takes tens of seconds). */
  runs: number;
  log(line: string): void;
}

async function fastest(runs: number, pass: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await pass();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** The first `length` tokens of the source with the `span` tokens in the middle masked, and the masked positions. */
function maskedRow(ids: readonly number[], length: number, span: number, maskTokenId: number): { row: number[]; positions: number[] } {
  if (ids.length < length) throw new RangeError(`the source has ${ids.length} tokens; the comparison needs ${length}`);
  const row = ids.slice(0, length);
  const start = Math.floor((length - span) / 2);
  const positions = Array.from({ length: span }, (_, i) => start + i);
  for (const position of positions) row[position] = maskTokenId;
  return { row, positions };
}

async function diffusionPasses(model: DiffusionModel, options: BackendMeasureOptions, passes: Pick<BackendPasses, 'wholePassMs' | 'spanPassMs'>): Promise<void> {
  const ids = model.tokenizer.encode(options.source);
  const maskTokenId = model.manifest.maskTokenId!;
  const shortest = Math.min(...options.lengths);
  // The first pass of a session pays for its allocations: it is left out.
  const warmUp = maskedRow(ids, shortest, options.spanTokens, maskTokenId);
  await model.predict({ rows: [warmUp.row], positions: warmUp.positions, rowWeights: [1], temperature: 0, topK: 1 });
  for (const length of options.lengths) {
    const runs = length === shortest ? options.runs : 1;
    const { row, positions } = maskedRow(ids, length, options.spanTokens, maskTokenId);
    const request = { rows: [row], positions, rowWeights: [1], temperature: 0, topK: 1 };
    passes.wholePassMs[length] = await fastest(runs, () => model.predict(request));
    if (!model.canCache) continue;
    const { cache } = await model.predictAndCache(request, positions);
    try {
      passes.spanPassMs[length] = await fastest(Math.max(runs, 2), () => model.predictSpan(request, cache));
    } finally {
      cache.release();
    }
    options.log(`  ${length} tokens: whole pass ${passes.wholePassMs[length]!.toFixed(0)} ms, span pass ${passes.spanPassMs[length]?.toFixed(0)} ms`);
  }
}

function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}

/** Tokens per second of greedy decoding after the prompt, the prompt's own pass not counted. */
async function decodeRate(model: CausalModel, options: BackendMeasureOptions): Promise<number> {
  const prompt = model.tokenizer.encode(options.source).slice(0, options.promptTokens);
  let step = await model.step(prompt, model.emptyCache(), 0);
  const started = performance.now();
  for (let token = 0; token < options.newTokens; token++) step = await model.step([argmax(step.logits)], step.cache, step.length);
  const seconds = (performance.now() - started) / 1000;
  model.releaseCache(step.cache);
  return options.newTokens / seconds;
}

async function measureOn(backend: Backend, precision: ModelPrecision, options: BackendMeasureOptions): Promise<BackendPasses> {
  options.log(`${backend} at ${precision}`);
  const passes: BackendPasses = { backend, precision, wholePassMs: {}, spanPassMs: {}, decodeTokensPerSecond: 0 };
  const diffusion = await options.load('diffusion', backend, precision);
  try {
    if (diffusion.kind !== 'diffusion') throw new Error('expected a diffusion model');
    await settle();
    await diffusionPasses(diffusion.model, options, passes);
  } finally {
    await diffusion.model.release();
  }
  const autoregressive = await options.load('autoregressive', backend, precision);
  try {
    if (autoregressive.kind !== 'autoregressive') throw new Error('expected an autoregressive model');
    await settle();
    // One untimed run first, for the same reason as the diffusion model's warm-up pass.
    await decodeRate(autoregressive.model, { ...options, newTokens: 1 });
    passes.decodeTokensPerSecond = await decodeRate(autoregressive.model, options);
  } finally {
    await autoregressive.model.release();
  }
  options.log(`  decode ${passes.decodeTokensPerSecond.toFixed(1)} tokens/s`);
  return passes;
}

/**
 * The same model folders on onnxruntime-web's WASM and on onnxruntime-node's native CPU kernels,
 * one precision after the other, each model loaded alone (both 0.5B sessions at once would measure
 * the machine's memory, not the runtimes).
 */
export async function compareBackends(precisions: readonly ModelPrecision[], options: BackendMeasureOptions): Promise<BackendComparison[]> {
  const comparisons: BackendComparison[] = [];
  for (const precision of precisions) {
    const wasm = await measureOn('wasm', precision, options);
    const native = await measureOn('native', precision, options);
    const { lengths, spanTokens, promptTokens, newTokens } = options;
    comparisons.push({ precision, lengths: [...lengths], spanTokens, promptTokens, newTokens, wasm, native });
  }
  return comparisons;
}
