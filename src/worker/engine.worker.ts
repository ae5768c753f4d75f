/// <reference lib="webworker" />

import { InputError } from '../errors/inputErrors';
import { PatchPipeline, type GenerationProgress } from '../generate/patchPipeline';
import { chooseRuntime, type GpuCapabilities, type Runtime } from '../models/backendChoice';
import { MANIFEST_FILE } from '../models/modelManifest';
import type { GeneratedPatch } from '../plan/refactorPlan';
import type { CausalModel } from '../runtime/causalModel';
import type { DiffusionModel } from '../runtime/diffusionModel';
import { gpuDeviceLost, probeGpu } from '../runtime/gpuProbe';
import { loadModel } from '../runtime/loadModel';
import { MissingModelFileError } from '../runtime/modelFiles';
import { openModelReader } from '../runtime/modelSource';
import { useSelfHostedWasm } from '../runtime/ortSession';
import { SyntaxParser } from '../syntax/syntaxParser';
import type { EngineErrorKind, EngineReply, EngineRequest } from './engineProtocol';

declare const self: DedicatedWorkerGlobalScope;
const reply = (message: EngineReply) => self.postMessage(message);

type ModelRequest = Exclude<EngineRequest, { type: 'cancel' }>;

interface Loaded {
  key: string;
  runtime: Runtime;
  diffusion: DiffusionModel;
  fallback?: CausalModel;
  /** The background hash of files loaded on the cache's record (loadModel): a result is returned only once it holds. */
  integrity: Promise<void>;
}

/** The GPU failed under a run: the page replaces this worker and runs the request again on WASM. */
class GpuFault extends Error {
  override name = 'GpuFault';
}

let parser: Promise<SyntaxParser> | undefined;
let gpu: Promise<GpuCapabilities> | undefined;
let loaded: Loaded | undefined;
/** Rejects once the GPU device is lost; a lost device stays lost for the life of this worker. */
let failOnGpuFault: (fault: GpuFault) => void = () => undefined;
const gpuFault = new Promise<never>((_, reject) => (failOnGpuFault = reject));
gpuFault.catch(() => undefined);
let watchingDevice = false;
const running = new Map<number, AbortController>();

/** One model job at a time: the sessions are not re-entrant, and a warm-up must not race a Generate. */
let queue: Promise<unknown> = Promise.resolve();
function exclusive<T>(job: () => Promise<T>): Promise<T> {
  const run = queue.then(job, job);
  queue = run.catch(() => undefined);
  return run;
}

/** The models of the settings on the runtime chosen for them, loaded once and kept while the settings name the same ones. */
async function models(request: ModelRequest): Promise<Loaded> {
  const { config, siteUrl, id } = request;
  gpu ??= probeGpu();
  const runtime = chooseRuntime({ ...config, gpuFault: request.type === 'generate' ? request.gpuFault : undefined }, await gpu);
  const key = JSON.stringify([config.model, config.fallback && config.fallbackModel, runtime.precision, runtime.backend]);
  if (loaded?.key === key) return { ...loaded, runtime };
  await loaded?.diffusion.release();
  await loaded?.fallback?.release();
  loaded = undefined;
  reply({ id, type: 'progress', progress: { phase: 'loading', message: `Loading ${config.model} (${runtime.precision}) on ${runtime.label}…` } });
  const diffusion = await loadModel(await openModelReader(config.model, siteUrl, runtime.precision), runtime.precision, runtime.backend).catch((error: unknown) => {
    if (error instanceof MissingModelFileError && error.path === MANIFEST_FILE) {
      throw new InputError(
        `The model ${config.model} is not installed: there is no models/${config.model}/manifest.json. Load its converted folder in the Models panel (Load model folder), convert it into public/models with builder convert (see the README), or pick the demo preset.`,
      );
    }
    throw error;
  });
  if (diffusion.kind !== 'diffusion') throw new InputError(`${config.model} is not a diffusion model.`);
  let fallback: CausalModel | undefined;
  const checks = [diffusion.integrity];
  if (config.fallback && config.fallbackModel) {
    reply({ id, type: 'progress', progress: { phase: 'loading', message: `Loading the fallback ${config.fallbackModel}…` } });
    const model = await loadModel(await openModelReader(config.fallbackModel, siteUrl, runtime.precision), runtime.precision, runtime.backend);
    if (model.kind !== 'autoregressive') throw new InputError(`${config.fallbackModel} is not an autoregressive model.`);
    fallback = model.model;
    checks.push(model.integrity);
  }
  if (runtime.backend === 'webgpu' && !watchingDevice) {
    watchingDevice = true;
    void gpuDeviceLost().then((reason) => failOnGpuFault(new GpuFault(reason)));
  }
  const integrity = Promise.all(checks).then(() => undefined);
  integrity.catch(() => undefined);
  loaded = { key, runtime, diffusion: diffusion.model, fallback, integrity };
  return loaded;
}

async function pipelineFor(request: ModelRequest, loadedModels: Loaded, readSource: (path: string) => Promise<string>): Promise<PatchPipeline> {
  parser ??= SyntaxParser.create((file) => new URL(`wasm/${file}`, request.siteUrl).href);
  const { diffusion, fallback, runtime } = loadedModels;
  return new PatchPipeline({
    parser: await parser,
    models: { diffusion, quant: runtime.precision, fallback },
    config: request.type === 'prepare' ? { ...request.config, steps: WARM_UP.steps, maxRemaskRounds: 0, fallback: false } : request.config,
    readSource,
    mode: request.type === 'generate' ? request.mode : 'body',
  });
}

/** A short generation on a tiny file: it compiles the shaders of both the full and the cached passes. */
const WARM_UP = { fileName: 'warm_up.py', source: 'def warm_up(n):\n    return n + 1\n', target: 'warm_up', steps: 2 };

/** Whether the file named in a plan is the one open in the editor: the app works on that file alone. */
const isOpenFile = (path: string, openFile: string) => path === openFile || path.endsWith(`/${openFile}`);

async function run(request: ModelRequest, signal: AbortSignal): Promise<EngineReply> {
  useSelfHostedWasm(new URL('wasm/', request.siteUrl).href);
  const loadedModels = await models(request);
  // A cached file found corrupt (and discarded) fails this request, and the next one loads afresh.
  loadedModels.integrity.catch(async () => {
    if (loaded !== loadedModels) return;
    loaded = undefined;
    await loadedModels.diffusion.release();
    await loadedModels.fallback?.release();
  });
  const { runtime } = loadedModels;
  if (request.type === 'prepare') {
    const started = performance.now();
    const pipeline = await pipelineFor(request, loadedModels, async () => WARM_UP.source);
    await pipeline.generatePatch({ filePath: WARM_UP.fileName, editTargets: [WARM_UP.target], intent: 'add one' }, { signal });
    await loadedModels.integrity;
    return { id: request.id, type: 'ready', runtime, warmUpMs: performance.now() - started };
  }
  const openFile = request.plans[0]?.filePath ?? '';
  const { sources } = request;
  const pipeline = await pipelineFor(request, loadedModels, async (path) => {
    if (sources) {
      if (!Object.hasOwn(sources, path)) throw new InputError(`${path} was not sent with the request; open it in the folder's tree and try again.`);
      return sources[path]!;
    }
    if (!isOpenFile(path, openFile)) throw new InputError(`${path} is not the file open in the editor (${openFile}); the app changes one file at a time; builder batch changes several.`);
    return request.source;
  });
  const onProgress = (progress: GenerationProgress) => reply({ id: request.id, type: 'progress', progress });
  const patches: GeneratedPatch[] =
    request.plans.length === 1 ? [await pipeline.generatePatch(request.plans[0]!, { signal, onProgress })] : await pipeline.generateBatch(request.plans, { signal, onProgress });
  // A batch turns a cancel into error patches, one per plan left; the page wants to hear "cancelled".
  if (signal.aborted) throw signal.reason;
  if (request.type === 'generate' && request.gpuFault) for (const patch of patches) patch.notes.push(...runtime.notices);
  await loadedModels.integrity;
  return { id: request.id, type: 'result', patches, runtime };
}

function errorKind(error: unknown, signal: AbortSignal): EngineErrorKind {
  if (error instanceof GpuFault) return 'gpu';
  if (signal.aborted) return 'cancelled';
  if (error instanceof InputError) return 'input';
  // onnxruntime-web reports GPU memory exhaustion and lost devices only in its messages.
  if (loaded?.runtime.backend === 'webgpu' && /out of memory|device (is |was )?lost|GPUDevice/i.test(String((error as Error)?.message))) return 'gpu';
  return 'internal';
}

async function handle(request: ModelRequest): Promise<void> {
  const controller = new AbortController();
  running.set(request.id, controller);
  try {
    const work = exclusive(() => run(request, controller.signal));
    // A lost device can leave session.run pending for ever: the fault ends the request regardless.
    reply(await Promise.race([work, gpuFault]));
  } catch (error) {
    reply({ id: request.id, type: 'error', kind: errorKind(error, controller.signal), message: error instanceof Error ? error.message : String(error) });
  } finally {
    running.delete(request.id);
  }
}

self.onmessage = ({ data }: MessageEvent<EngineRequest>) => {
  if (data.type === 'cancel') running.get(data.target)?.abort();
  else void handle(data);
};
