import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDiffusionConfig } from '../core/diffusionConfig';
import { CausalModel } from '../model/causalModel';
import { DiffusionModel } from '../model/diffusionModel';
import { loadModel } from '../model/loadModel';
import { nodeModelReader } from '../model/nodeModelReader';
import { ort, timeSessionRuns, type RunTime } from '../model/ortSession';
import { benchModels, QWEN_CODER_05B, TINY, type BenchModelSpec } from './benchModels';
import { summarize, type BenchReport, type ModelResult } from './benchReport';
import { contextFiles, type ContextFile } from './contextFiles';
import { machineInfo } from './machineInfo';
import { measureAutoregressive } from './measureAutoregressive';
import { measureDiffusion, type DiffusionMeasurement } from './measureDiffusion';
import { peakMemory, type PeakMemory } from './peakMemory';
import { measurePeer } from './transformersPeer';

/** How one model shape is measured; the 0.5B shape takes fewer steps and tokens to fit the time limit. */
interface ModelPlan {
  spec: BenchModelSpec;
  steps: number;
  /** Guidance scale; 1 runs one row per pass instead of the preset's two. */
  cfgScale: number;
  /** File sizes the autoregressive fallback and transformers.js run on. */
  autoregressiveFiles: readonly number[];
  newTokens: number;
  note: string | null;
}

export interface BenchOptions {
  /** Tiny models only, for a smoke test. */
  quick: boolean;
  /** Where generated models are kept between runs. */
  cacheDir: string;
  log(line: string): void;
}

const WASM_THREADS = 2;
const SPAN_TOKENS = 128;
const FILE_TOKENS = [200, 2000] as const;
const SOURCE = 'fixtures/real/python/_urls.py';
const INSTRUCTION = 'Make this iterative and validate its inputs.';
// The "fast" preset's sampler (guidance 5: two rows per pass, temperature 0.2, context cache every 8
// steps) with each plan's steps and guidance.
const PRESET = 'fast';
const SEED = 7;

const TINY_PLAN: ModelPlan = { spec: TINY, steps: 20, cfgScale: 5, autoregressiveFiles: FILE_TOKENS, newTokens: SPAN_TOKENS, note: null };
const TINY_QUICK_PLAN: ModelPlan = { spec: TINY, steps: 8, cfgScale: 5, autoregressiveFiles: [200], newTokens: 16, note: 'quick: 8 steps, the autoregressive runs on the 200-token file with 16 new tokens' };
const QWEN_05B_PLAN: ModelPlan = {
  spec: QWEN_CODER_05B,
  steps: 4,
  cfgScale: 1,
  autoregressiveFiles: [200],
  newTokens: 16,
  note:
    "to fit the 10-minute limit on 2 cores: 4 steps instead of the preset's 20 (cached: one refresh, then 3 span passes), " +
    'no guidance (one row per pass instead of two), and the autoregressive runs on the 200-token file only, 16 new tokens',
};

const sourcePath = fileURLToPath(new URL(`../../${SOURCE}`, import.meta.url));

/** Loads a model folder with every session it opens timed; returns the model, its RunTimes and the load time. */
async function timedLoad(dir: string) {
  const runTimes: RunTime[] = [];
  timeSessionRuns((time) => runTimes.push(time));
  const started = performance.now();
  try {
    const loaded = await loadModel(nodeModelReader(dir), 'q4', 'wasm');
    return { loaded, runTimes, loadMs: performance.now() - started };
  } finally {
    timeSessionRuns(undefined);
  }
}

async function measureModel(plan: ModelPlan, options: BenchOptions, memory: PeakMemory): Promise<ModelResult> {
  const pair = await benchModels(options.cacheDir, plan.spec, options.log);
  const config = createDiffusionConfig({ preset: PRESET, steps: plan.steps, cfgScale: plan.cfgScale, seed: SEED });
  const diffusionLoad = await timedLoad(pair.diffusionDir);
  if (!(diffusionLoad.loaded.model instanceof DiffusionModel)) throw new Error(`${pair.diffusionDir} is not a diffusion model`);
  const diffusion = diffusionLoad.loaded.model;
  const files = contextFiles(diffusion.tokenizer, readFileSync(sourcePath, 'utf8'), FILE_TOKENS, SPAN_TOKENS);
  const uncached: DiffusionMeasurement[] = [];
  const cached: DiffusionMeasurement[] = [];
  try {
    for (const file of files) {
      for (const cacheInterval of [0, config.cacheInterval]) {
        options.log(`${plan.spec.id}: diffusion, ${file.tokens}-token file, ${cacheInterval === 0 ? 'uncached' : `cache every ${cacheInterval}`}`);
        const run = await measureDiffusion(diffusion, diffusionLoad.runTimes, memory, { file, instruction: INSTRUCTION, settings: { ...config, cacheInterval }, seed: SEED });
        (cacheInterval === 0 ? uncached : cached).push(run);
      }
    }
  } finally {
    await diffusion.release();
  }

  const causalLoad = await timedLoad(pair.autoregressiveDir);
  if (!(causalLoad.loaded.model instanceof CausalModel)) throw new Error(`${pair.autoregressiveDir} is not an autoregressive model`);
  const causal = causalLoad.loaded.model;
  const autoregressiveFiles: ContextFile[] = files.filter((file) => plan.autoregressiveFiles.includes(file.tokens));
  const autoregressive = [];
  try {
    for (const file of autoregressiveFiles) {
      options.log(`${plan.spec.id}: autoregressive fallback, ${file.tokens}-token file`);
      autoregressive.push(await measureAutoregressive(causal, causalLoad.runTimes, memory, file, plan.newTokens));
    }
  } finally {
    await causal.release();
  }

  let peer = null;
  let peerError = null;
  try {
    options.log(`${plan.spec.id}: transformers.js generate`);
    peer = await measurePeer(pair.autoregressiveDir, causal.tokenizer, memory, autoregressiveFiles, plan.newTokens);
  } catch (error) {
    peerError = `transformers.js failed: ${(error as Error).message.split('\n')[0]}`;
  }
  return {
    id: plan.spec.id,
    label: plan.spec.label,
    steps: plan.steps,
    cfgScale: plan.cfgScale,
    note: plan.note,
    loadMs: { diffusion: diffusionLoad.loadMs, autoregressive: causalLoad.loadMs },
    uncached,
    cached,
    autoregressive,
    peer,
    peerError,
  };
}

/** Measures every model shape in turn (tiny first: onnxruntime's WASM memory only grows) and reports. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  ort.env.wasm.numThreads = WASM_THREADS;
  const memory = peakMemory();
  const plans = options.quick ? [TINY_QUICK_PLAN] : [TINY_PLAN, QWEN_05B_PLAN];
  const models: ModelResult[] = [];
  for (const plan of plans) models.push(await measureModel(plan, options, memory));
  const summary = summarize(models.at(-1)!);
  return {
    ...summary,
    date: new Date().toISOString(),
    wallMs: performance.now() - started,
    machine: machineInfo(ort.env.wasm.numThreads ?? WASM_THREADS, null),
    setup: { source: SOURCE, spanTokens: SPAN_TOKENS, fileTokens: FILE_TOKENS, instruction: INSTRUCTION, preset: PRESET, seed: SEED, backend: 'wasm', precision: 'q4' },
    models,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
