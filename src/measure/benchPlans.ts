import type { TinyModelScale } from '../convert/tinyModel';
import { backendPrecision } from '../models/backendChoice';
import type { ModelPrecision } from '../models/modelPrecision';

/**
 * The models the benchmark runs: a diffusion model and the autoregressive model of the same
 * shape, random weights converted to q4 and q8 (WebGPU's and WASM's precisions). Speed does not depend on the weights' values, so random
 * ones stand for the real checkpoints, which the benchmark must not download.
 */
export interface BenchModelSpec {
  id: string;
  /** What the shape is, for the table. */
  label: string;
  scale: TinyModelScale;
  seed: number;
}

/** The demo models' shape (hidden 64, 2 layers, 4 heads over 2 key/value heads). */
export const TINY: BenchModelSpec = { id: 'tiny', label: 'tiny demo shape (hidden 64, 2 layers)', scale: {}, seed: 1 };

/**
 * Qwen2.5-Coder-0.5B's shape, which Open-dCoder 0.5B shares: hidden 896, 24 layers, 14 heads over
 * 2 key/value heads of 64, MLP 4,864, vocabulary 151,936, tied embeddings, rope_theta 1e6.
 */
export const QWEN_CODER_05B: BenchModelSpec = {
  id: 'qwen2.5-coder-0.5b-shape',
  label: 'Open-dCoder 0.5B / Qwen2.5-Coder-0.5B shape',
  scale: { hiddenSize: 896, numLayers: 24, numHeads: 14, numKeyValueHeads: 2, intermediateSize: 4864 },
  seed: 5,
};

/** How one model shape is measured; the larger shapes take fewer steps and tokens to fit the time limit. */
export interface ModelPlan {
  spec: BenchModelSpec;
  steps: number;
  /** Guidance scale; 1 runs one row per pass instead of the preset's two. */
  cfgScale: number;
  /** File sizes the autoregressive fallback and transformers.js run on. */
  autoregressiveFiles: readonly number[];
  newTokens: number;
  note: string | null;
  /**
   * The fallback and transformers.js once more at another precision, on the files named, where the
   * backend's own precision is a different one: q4 on WASM, since the issue compares us with
   * transformers.js at both of its WASM dtypes.
   */
  peerAlsoAt: { precision: ModelPrecision; files: readonly number[]; newTokens: number } | null;
}

export const SPAN_TOKENS = 128;
export const FILE_TOKENS = [200, 2000] as const;
export const SOURCE = 'fixtures/real/python/_urls.py';
export const INSTRUCTION = 'Make this iterative and validate its inputs.';
// The "fast" preset's sampler with each plan's steps and guidance.
export const PRESET = 'fast';
// The cached runs refresh the context cache every 8 steps, Builder's own sampler's default
// (diffusionConfig's COMMON): the real presets now run their authors' exact samplers, uncached.
export const CACHE_INTERVAL = 8;
export const SEED = 7;

/** A run's settings, as its report states them. */
export const benchSetup = (backend: string) => ({
  source: SOURCE,
  spanTokens: SPAN_TOKENS,
  fileTokens: FILE_TOKENS,
  instruction: INSTRUCTION,
  preset: PRESET,
  seed: SEED,
  backend,
  precision: backendPrecision(backend === 'webgpu' ? 'webgpu' : 'wasm'),
});

// At q4 on WASM a token takes tens of milliseconds even on the tiny shape (MatMulNBits unpacks the
// 151,936-row head on every call), so the q4 comparison is the short file and 32 tokens.
export const TINY_PLAN: ModelPlan = {
  spec: TINY,
  steps: 20,
  cfgScale: 5,
  autoregressiveFiles: FILE_TOKENS,
  newTokens: SPAN_TOKENS,
  note: null,
  peerAlsoAt: { precision: 'q4', files: [200], newTokens: 32 },
};
export const TINY_QUICK_PLAN: ModelPlan = {
  spec: TINY,
  steps: 8,
  cfgScale: 5,
  autoregressiveFiles: [200],
  newTokens: 16,
  note: 'quick: 8 steps, the autoregressive runs on the 200-token file with 16 new tokens',
  peerAlsoAt: null,
};
export const QWEN_05B_PLAN: ModelPlan = {
  spec: QWEN_CODER_05B,
  steps: 4,
  cfgScale: 1,
  autoregressiveFiles: [200],
  newTokens: 16,
  note:
    "to fit the 10-minute limit on 2 cores: 4 steps instead of the preset's 20 (cached: one refresh, then 3 span passes), " +
    'no guidance (one row per pass instead of two), and the autoregressive runs on the 200-token file only, 16 new tokens',
  peerAlsoAt: null,
};

/**
 * The tiny shape in Chromium. WebGPU here is SwiftShader, a GPU emulated on the CPU, where one pass
 * over 2,000 tokens takes about 30 s even for the tiny model (most of it the vocabulary head over
 * the 128 masked positions); so 4 steps and no guidance, on both backends alike so that they compare.
 */
export const BROWSER_PLAN: ModelPlan = {
  spec: TINY,
  steps: 4,
  cfgScale: 1,
  autoregressiveFiles: FILE_TOKENS,
  newTokens: 8,
  note: 'to fit the 10-minute limit with WebGPU emulated on the CPU (SwiftShader): 4 steps (cached: one refresh, then 3 span passes) and no guidance, 8 new tokens for the autoregressive runs',
  peerAlsoAt: null,
};
export const BROWSER_QUICK_PLAN: ModelPlan = {
  ...BROWSER_PLAN,
  steps: 2,
  autoregressiveFiles: [200],
  newTokens: 4,
  note: 'quick: 2 steps and no guidance, the autoregressive runs on the 200-token file with 4 new tokens',
};
