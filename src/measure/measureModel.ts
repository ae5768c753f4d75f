import type { Backend } from '../models/backendChoice';
import { backendPrecision } from '../models/backendChoice';
import { createDiffusionConfig } from '../models/diffusionConfig';
import type { ModelPrecision } from '../models/modelPrecision';
import { CausalModel } from '../runtime/causalModel';
import type { CodeTokenizer } from '../runtime/codeTokenizer';
import { DiffusionModel } from '../runtime/diffusionModel';
import { type LoadedModel, loadModel } from '../runtime/loadModel';
import type { ModelFileReader } from '../runtime/modelFiles';
import { type OrtRuntime, webRuntime } from '../runtime/ortSession';
import { type RunTime, timeSessionRuns } from '../runtime/sessionRunTiming';
import { CACHE_INTERVAL, FILE_TOKENS, INSTRUCTION, type ModelPlan, PRESET, SEED, SPAN_TOKENS } from './benchPlans';
import type { FallbackAndPeer, ModelResult } from './benchReport';
import { type ContextFile, contextFiles } from './contextFiles';
import { fimPrompt } from './fimPrompt';
import { measureAttention } from './measureAttention';
import { type AutoregressiveMeasurement, fastestInTurns, measureAutoregressive, settle, warmUpDecoder } from './measureAutoregressive';
import { type DiffusionMeasurement, measureDiffusion } from './measureDiffusion';
import type { PeakMemory } from './peakMemory';
import type { PeerDecoder, PeerMeasurement } from './transformersPeer';

/** A model loaded with every session it opened timed. */
export interface TimedLoad {
  loaded: LoadedModel;
  runTimes: RunTime[];
  loadMs: number;
}

/** Loads a model folder, by default at the precision the engine picks for the backend (q4 on WebGPU, q8 on WASM), every session it opens timed. */
export async function timedLoad(reader: ModelFileReader, backend: Backend, precision: ModelPrecision = backendPrecision(backend), runtime: OrtRuntime = webRuntime): Promise<TimedLoad> {
  const runTimes: RunTime[] = [];
  timeSessionRuns((time) => runTimes.push(time));
  const started = performance.now();
  try {
    const loaded = await loadModel(reader, precision, backend, runtime);
    return { loaded, runTimes, loadMs: performance.now() - started };
  } finally {
    timeSessionRuns(undefined);
  }
}

/** What measuring needs from where it runs: Node or a browser page. */
export interface BenchEnvironment {
  /** The backend's own precision unless another is named. */
  load(kind: 'diffusion' | 'autoregressive', precision?: ModelPrecision): Promise<TimedLoad>;
  /** The text of SOURCE, the file the spans are cut from. */
  source: string;
  memory: PeakMemory;
  /** transformers.js on the autoregressive model; absent where it does not run, with why. */
  peer: ((tokenizer: CodeTokenizer, firstFile: ContextFile, precision?: ModelPrecision) => Promise<PeerDecoder>) | { unavailable: string };
  log(line: string): void;
}

/** One model shape: the diffusion model uncached and cached on each file, then the fallback's decoder and the peer. */
export async function measureModel(plan: ModelPlan, env: BenchEnvironment): Promise<ModelResult> {
  const config = createDiffusionConfig({ preset: PRESET, steps: plan.steps, cfgScale: plan.cfgScale, seed: SEED });
  const diffusionLoad = await env.load('diffusion');
  if (!(diffusionLoad.loaded.model instanceof DiffusionModel)) throw new Error('the diffusion folder holds no diffusion model');
  const diffusion = diffusionLoad.loaded.model;
  const files = contextFiles(diffusion.tokenizer, env.source, FILE_TOKENS, SPAN_TOKENS);
  const uncached: DiffusionMeasurement[] = [];
  const cached: DiffusionMeasurement[] = [];
  try {
    for (const file of files) {
      for (const cacheInterval of [0, CACHE_INTERVAL]) {
        env.log(`${plan.spec.id}: diffusion, ${file.tokens}-token file, ${cacheInterval === 0 ? 'uncached' : `cache every ${cacheInterval}`}`);
        const run = await measureDiffusion(diffusion, diffusionLoad.runTimes, env.memory, { file, instruction: INSTRUCTION, settings: { ...config, cacheInterval }, seed: SEED });
        (cacheInterval === 0 ? uncached : cached).push(run);
      }
    }
  } finally {
    await diffusion.release();
  }
  env.log(`${plan.spec.id}: attention alone, as in each cached run's span passes`);
  const attentionAlone = await measureAttention(diffusion.memory.attention, diffusion.backend, plan.cfgScale > 1 ? 2 : 1, cached);

  const own = await measureFallbackAndPeer(
    env,
    plan.spec.id,
    undefined,
    files.filter((file) => plan.autoregressiveFiles.includes(file.tokens)),
    plan.newTokens,
  );
  const also = plan.peerAlsoAt;
  const alsoAt =
    also && also.precision !== backendPrecision(diffusion.backend)
      ? {
          precision: also.precision,
          ...(await measureFallbackAndPeer(
            env,
            `${plan.spec.id} at ${also.precision}`,
            also.precision,
            files.filter((file) => also.files.includes(file.tokens)),
            also.newTokens,
          )),
        }
      : null;
  return {
    id: plan.spec.id,
    label: plan.spec.label,
    steps: plan.steps,
    cfgScale: plan.cfgScale,
    note: plan.note,
    loadMs: { diffusion: diffusionLoad.loadMs, autoregressive: own.loadMs },
    uncached,
    cached,
    attentionAlone,
    autoregressive: own.autoregressive,
    peer: own.peer,
    peerError: own.peerError,
    alsoAt,
  };
}

/**
 * The fallback's decoder and transformers.js on the same export, both loaded and warmed up, then
 * on each file in turns (fastestInTurns); at the backend's precision unless told. Where
 * transformers.js fails, ours is still measured and the failure said.
 */
async function measureFallbackAndPeer(
  env: BenchEnvironment,
  label: string,
  precision: ModelPrecision | undefined,
  files: readonly ContextFile[],
  newTokens: number,
): Promise<FallbackAndPeer & { loadMs: number }> {
  const causalLoad = await env.load('autoregressive', precision);
  if (!(causalLoad.loaded.model instanceof CausalModel)) throw new Error('the autoregressive folder holds no autoregressive model');
  const causal = causalLoad.loaded.model;
  const failed = (error: unknown) => `transformers.js failed: ${(error as Error).message.split('\n')[0]}`;
  let peer: PeerDecoder | null = null;
  let peerError = typeof env.peer === 'function' ? null : env.peer.unavailable;
  const autoregressive: AutoregressiveMeasurement[] = [];
  const peerRuns: PeerMeasurement[] = [];
  try {
    await warmUpDecoder(causal, fimPrompt(causal.tokenizer, files[0]!));
    if (typeof env.peer === 'function') {
      env.log(`${label}: transformers.js loaded beside it`);
      peer = await env.peer(causal.tokenizer, files[0]!, precision).catch((error: unknown) => {
        peerError = failed(error);
        return null;
      });
    }
    await settle();
    for (const file of files) {
      const ours = () => measureAutoregressive(causal, causalLoad.runTimes, env.memory, file, newTokens);
      const running = peer;
      if (running) {
        env.log(`${label}: autoregressive fallback and transformers.js generate in turns, ${file.tokens}-token file`);
        try {
          const [mine, theirs] = await fastestInTurns<[AutoregressiveMeasurement, PeerMeasurement]>(ours, () => running.measure(file, newTokens));
          autoregressive.push(mine);
          peerRuns.push(theirs);
          continue;
        } catch (error) {
          peerError = failed(error);
          peer = null;
          await running.dispose();
        }
      }
      env.log(`${label}: autoregressive fallback, ${file.tokens}-token file`);
      autoregressive.push((await fastestInTurns<[AutoregressiveMeasurement]>(ours))[0]);
    }
  } finally {
    await causal.release();
    await peer?.dispose();
  }
  return { loadMs: causalLoad.loadMs, autoregressive, peer: peerRuns.length > 0 ? peerRuns : null, peerError };
}
