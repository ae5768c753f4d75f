/// <reference lib="webworker" />
import { InputError } from '../core/inputErrors';
import { SyntaxParser } from '../core/syntaxParser';
import type { DiffusionConfig } from '../core/diffusionConfig';
import type { CausalModel } from '../model/causalModel';
import type { DiffusionModel } from '../model/diffusionModel';
import { httpModelReader } from '../model/httpModelReader';
import { loadModel } from '../model/loadModel';
import { MANIFEST_FILE } from '../model/manifest';
import { MissingModelFileError } from '../model/modelFiles';
import { useSelfHostedWasm, type Backend } from '../model/ortSession';
import { Builder } from '../sampler/builder';
import type { EngineReply, EngineRequest } from './engineProtocol';

declare const self: DedicatedWorkerGlobalScope;
const reply = (message: EngineReply) => self.postMessage(message);

interface Loaded {
  key: string;
  diffusion: DiffusionModel;
  fallback?: CausalModel;
}

let parser: Promise<SyntaxParser> | undefined;
let loaded: Loaded | undefined;
const running = new Map<number, AbortController>();

function backendFor(config: DiffusionConfig): Backend {
  if (config.backend !== 'auto') return config.backend;
  return 'gpu' in navigator ? 'webgpu' : 'wasm';
}

/** The models of the settings, loaded once and kept while the settings name the same ones. */
async function models(config: DiffusionConfig, siteUrl: string, id: number): Promise<Loaded> {
  const backend = backendFor(config);
  const key = JSON.stringify([config.model, config.fallback && config.fallbackModel, config.precision, backend]);
  if (loaded?.key === key) return loaded;
  await loaded?.diffusion.release();
  await loaded?.fallback?.release();
  loaded = undefined;
  const url = (model: string) => new URL(`models/${model}/`, siteUrl).href;
  reply({ id, type: 'progress', progress: { phase: 'loading', message: `Loading ${config.model} (${config.precision}) on ${backend}…` } });
  const diffusion = await loadModel(httpModelReader(url(config.model)), config.precision, backend).catch((error: unknown) => {
    if (error instanceof MissingModelFileError && error.path === MANIFEST_FILE) {
      throw new InputError(`The model ${config.model} is not installed: there is no models/${config.model}/manifest.json. Convert it into public/models with builder convert (see the README), or pick the demo preset.`);
    }
    throw error;
  });
  if (diffusion.kind !== 'diffusion') throw new InputError(`${config.model} is not a diffusion model.`);
  let fallback: CausalModel | undefined;
  if (config.fallback && config.fallbackModel) {
    reply({ id, type: 'progress', progress: { phase: 'loading', message: `Loading the fallback ${config.fallbackModel}…` } });
    const model = await loadModel(httpModelReader(url(config.fallbackModel)), config.precision, backend);
    if (model.kind !== 'autoregressive') throw new InputError(`${config.fallbackModel} is not an autoregressive model.`);
    fallback = model.model;
  }
  loaded = { key, diffusion: diffusion.model, fallback };
  return loaded;
}

async function generate(request: Extract<EngineRequest, { type: 'generate' }>): Promise<void> {
  const controller = new AbortController();
  running.set(request.id, controller);
  try {
    useSelfHostedWasm(new URL('wasm/', request.siteUrl).href);
    parser ??= SyntaxParser.create((file) => new URL(`wasm/${file}`, request.siteUrl).href);
    const { diffusion, fallback } = await models(request.config, request.siteUrl, request.id);
    const builder = new Builder({
      parser: await parser,
      models: { diffusion, quant: request.config.precision, fallback },
      config: request.config,
      readSource: async () => request.source,
      mode: request.mode,
    });
    const patch = await builder.generatePatch(request.plan, {
      signal: controller.signal,
      onProgress: (progress) => reply({ id: request.id, type: 'progress', progress }),
    });
    reply({ id: request.id, type: 'result', patch, backend: diffusion.backend });
  } catch (error) {
    const kind = controller.signal.aborted ? 'cancelled' : error instanceof InputError ? 'input' : 'internal';
    reply({ id: request.id, type: 'error', kind, message: error instanceof Error ? error.message : String(error) });
  } finally {
    running.delete(request.id);
  }
}

self.onmessage = ({ data }: MessageEvent<EngineRequest>) => {
  if (data.type === 'cancel') running.get(data.target)?.abort();
  else void generate(data);
};
