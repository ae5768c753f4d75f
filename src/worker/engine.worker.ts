/// <reference lib="webworker" />

import { serializeError } from '../errors/errorTransfer';
import { InputError } from '../errors/inputErrors';
import { PatchPipeline } from '../generate/patchPipeline';
import { chooseRuntime, type GpuCapabilities, type Runtime } from '../models/backendChoice';
import { MANIFEST_FILE } from '../models/modelManifest';
import type { EngineRun } from '../plan/engine';
import { browserRuntime, useSelfHostedWasm } from '../runtime/browserRuntime';
import { gpuDeviceLost, probeGpu } from '../runtime/gpuProbe';
import { loadModel } from '../runtime/loadModel';
import { MissingModelFileError } from '../runtime/modelFiles';
import { openModelReader } from '../runtime/modelSource';
import { type LoadedPipelineModels, loadPipelineModels } from '../runtime/pipelineModels';
import { SyntaxParser } from '../syntax/syntaxParser';
import { ENGINE_ERRORS, type EngineErrorKind, type EngineReply, type EngineRequest, type PageFiles } from './engineProtocol';

declare const self: DedicatedWorkerGlobalScope;
const reply = (message: EngineReply) => self.postMessage(message);

type ModelRequest = Exclude<EngineRequest, { type: 'cancel' }>;

interface Loaded {
  key: string;
  runtime: Runtime;
  /** A result is returned only once their integrity (the background hash of files loaded on the cache's record) holds. */
  models: LoadedPipelineModels;
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
  await loaded?.models.release();
  loaded = undefined;
  const load = async (name: string, message: string) => {
    reply({ id, type: 'progress', progress: { phase: 'loading', message } });
    return loadModel(await openModelReader(name, siteUrl, runtime.precision), runtime.precision, runtime.backend, browserRuntime(runtime.backend));
  };
  const pair = await loadPipelineModels({
    diffusion: {
      name: config.model,
      setting: 'the model setting',
      load: () =>
        load(config.model, `Loading ${config.model} (${runtime.precision}) on ${runtime.label}…`).catch((error: unknown) => {
          if (error instanceof MissingModelFileError && error.path === MANIFEST_FILE) {
            throw new InputError(
              `The model ${config.model} is not installed: there is no models/${config.model}/manifest.json. Load its converted folder in the Models panel (Load model folder), convert it into public/models with builder convert (see the README), or pick the demo preset.`,
            );
          }
          throw error;
        }),
    },
    fallback:
      config.fallback && config.fallbackModel
        ? { name: config.fallbackModel, setting: 'the fallback model setting', load: () => load(config.fallbackModel!, `Loading the fallback ${config.fallbackModel}…`) }
        : undefined,
  });
  if (runtime.backend === 'webgpu' && !watchingDevice) {
    watchingDevice = true;
    void gpuDeviceLost().then((reason) => failOnGpuFault(new GpuFault(reason)));
  }
  loaded = { key, runtime, models: pair };
  return loaded;
}

/** A short generation on a tiny file: it compiles the shaders of both the full and the cached passes. */
const WARM_UP = { plan: { filePath: 'warm_up.py', editTargets: ['warm_up'], intent: 'add one', text: 'def warm_up(n):\n    return n + 1\n', maskMode: 'body' as const }, steps: 2 };

/** The pipeline over the loaded models; it reads no file: a plan brings its text, and a related file named by path comes from the page's files. */
async function pipelineFor(request: ModelRequest, { models: pair, runtime }: Loaded): Promise<PatchPipeline> {
  parser ??= SyntaxParser.create((file) => new URL(`wasm/${file}`, request.siteUrl).href);
  const { sources, editorFile }: PageFiles = request.type === 'generate' ? request.files : { sources: {} };
  return new PatchPipeline({
    parser: await parser,
    models: { diffusion: pair.diffusion, precision: runtime.precision, fallback: pair.fallback },
    config: request.type === 'prepare' ? { ...request.config, steps: WARM_UP.steps, maxRemaskRounds: 0, fallback: false } : request.config,
    readSource: async (path) => {
      if (Object.hasOwn(sources, path)) return sources[path]!;
      if (editorFile !== undefined) throw new InputError(`${path} is not the file open in the editor (${editorFile}); the app changes one file at a time; builder batch changes several.`);
      throw new InputError(`${path} was not sent with the request; open it in the folder's tree and try again.`);
    },
    runtime,
  });
}

async function run(request: ModelRequest, signal: AbortSignal): Promise<EngineReply> {
  useSelfHostedWasm(new URL('wasm/', request.siteUrl).href);
  const loadedModels = await models(request);
  // A cached file found corrupt (and discarded) fails this request, and the next one loads afresh.
  loadedModels.models.integrity.catch(async () => {
    if (loaded?.models !== loadedModels.models) return;
    loaded = undefined;
    await loadedModels.models.release();
  });
  const pipeline = await pipelineFor(request, loadedModels);
  if (request.type === 'prepare') {
    const started = performance.now();
    await pipeline.generate([WARM_UP.plan], { signal });
    await loadedModels.models.integrity;
    return { id: request.id, type: 'ready', runtime: loadedModels.runtime, warmUpMs: performance.now() - started };
  }
  const { patches, runtime }: EngineRun = await pipeline.generate(request.plans, { signal, onProgress: (progress) => reply({ id: request.id, type: 'progress', progress }) });
  if (request.gpuFault) for (const patch of patches) patch.notes.push(...runtime.notices);
  await loadedModels.models.integrity;
  return { id: request.id, type: 'result', patches, runtime };
}

function errorKind(error: unknown, signal: AbortSignal): EngineErrorKind {
  if (error instanceof GpuFault) return 'gpu';
  if (signal.aborted) return 'cancelled';
  // onnxruntime-web reports GPU memory exhaustion and lost devices only in its messages.
  if (loaded?.runtime.backend === 'webgpu' && /out of memory|device (is |was )?lost|GPUDevice/i.test(String((error as Error)?.message))) return 'gpu';
  return 'failed';
}

async function handle(request: ModelRequest): Promise<void> {
  const controller = new AbortController();
  running.set(request.id, controller);
  try {
    const work = exclusive(() => run(request, controller.signal));
    // A lost device can leave session.run pending for ever: the fault ends the request regardless.
    reply(await Promise.race([work, gpuFault]));
  } catch (error) {
    const kind = errorKind(error, controller.signal);
    // Whatever a cancelled run threw on its way out, the page hears the cancel.
    const thrown = kind === 'cancelled' && (error as Error)?.name !== 'AbortError' ? controller.signal.reason : error;
    reply({ id: request.id, type: 'error', kind, error: serializeError(thrown, ENGINE_ERRORS) });
  } finally {
    running.delete(request.id);
  }
}

self.onmessage = ({ data }: MessageEvent<EngineRequest>) => {
  if (data.type === 'cancel') running.get(data.target)?.abort();
  else void handle(data);
};
