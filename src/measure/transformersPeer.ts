import type { Backend } from '../models/backendChoice';
import { backendPrecision } from '../models/backendChoice';
import { type ModelPrecision, modelGraphPath } from '../models/modelPrecision';
import type { CodeTokenizer } from '../runtime/codeTokenizer';
import { presentNames } from '../runtime/loadModel';
import { ort } from '../runtime/ortSession';
import type { ContextFile } from './contextFiles';
import { fimPrompt } from './fimPrompt';
import { WARM_UP_TOKENS } from './measureAutoregressive';
import type { PeakMemory } from './peakMemory';

/** Hugging Face transformers.js `generate` on the same export, file and span, measured. */
export interface PeerMeasurement {
  fileTokens: number;
  newTokens: number;
  generationMs: number;
  tokensPerSecond: number;
  loadMs: number;
  /** Null in a browser page, which cannot see its process's memory. */
  peakRssMb: number | null;
}

type Transformers = typeof import('@huggingface/transformers');

/** Where transformers.js finds the autoregressive folder, in Node (paths) or in a page (URLs). */
export interface PeerModelFolder {
  /** transformers.js's `env.localModelPath`: the folder (or URL) that holds the model folder, with a trailing slash. */
  root: string;
  name: string;
}

let loaded: Promise<Transformers> | undefined;

/**
 * transformers.js on our onnxruntime-web, not its own runtime: in Node it would pick
 * onnxruntime-node (native code, another backend), in a page the onnxruntime-web build it bundles
 * (another version), but it takes the runtime a host puts at `globalThis[Symbol.for('onnxruntime')]`.
 * Our runtime's WASM location must be set first, since transformers.js points an unset one at a CDN.
 */
function transformersOnOurRuntime(): Promise<Transformers> {
  loaded ??= (async () => {
    (globalThis as Record<symbol, unknown>)[Symbol.for('onnxruntime')] = ort;
    const transformers = await import('@huggingface/transformers');
    transformers.env.allowRemoteModels = false;
    transformers.env.allowLocalModels = true;
    // A page would otherwise keep the model in its Cache Storage, and the next run would not load it.
    transformers.env.useBrowserCache = false;
    return transformers;
  })();
  return loaded;
}

/** transformers.js loaded on the autoregressive folder, warmed up, ready for runs. */
export interface PeerDecoder {
  /** One greedy `generate` of exactly `newTokens` tokens on the file's prompt, the prefill included as for our fallback. */
  measure(file: ContextFile, newTokens: number): Promise<PeerMeasurement>;
  dispose(): Promise<void>;
}

/**
 * Loads the autoregressive model folder with transformers.js at `precision` and warms it up as
 * our decoder is (warmUpDecoder: the first file's first prompt tokens, then one more token). On
 * WebGPU the keys and values stay on the GPU, as transformers.js keeps them on its own WebGPU
 * device and as our fallback does.
 */
export async function loadPeer(
  folder: PeerModelFolder,
  backend: Backend,
  tokenizer: CodeTokenizer,
  memory: PeakMemory,
  firstFile: ContextFile,
  precision: ModelPrecision = backendPrecision(backend),
): Promise<PeerDecoder> {
  const { AutoConfig, AutoModelForCausalLM, Tensor, env } = await transformersOnOurRuntime();
  env.localModelPath = folder.root;
  const loadStarted = performance.now();
  // Read once: the layer count names the outputs to keep on the GPU, and the model load takes it as it is.
  const config = await AutoConfig.from_pretrained(folder.name);
  const layers = (config as unknown as { num_hidden_layers: number }).num_hidden_layers;
  const onDevice = backend === 'webgpu' ? { preferredOutputLocation: Object.fromEntries(presentNames(layers).map((name) => [name, 'gpu-buffer' as const])) } : {};
  // transformers.js's own dtype names are ours: 'q8' reads onnx/model_quantized.onnx and 'q4'
  // onnx/model_q4.onnx, the files our exports write (huggingface/transformers.js src/utils/dtypes.js).
  const dataFile = `${modelGraphPath(precision)}_data`;
  const model = await AutoModelForCausalLM.from_pretrained(folder.name, {
    config,
    dtype: precision,
    // With a host's runtime transformers.js knows no device names; 'auto' passes the providers below through.
    device: 'auto',
    session_options: {
      executionProviders: [backend],
      // transformers.js looks for external data only where its config names it; given as a string, it
      // reads the file from the model folder itself and hands onnxruntime-web the bytes.
      externalData: [{ path: dataFile.slice('onnx/'.length), data: dataFile }],
      ...onDevice,
    },
  });
  const loadMs = performance.now() - loadStarted;
  const generate = async (ids: readonly number[], tokens: number) => {
    const inputIds = new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]);
    const attentionMask = new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]);
    const output = (await model.generate({ input_ids: inputIds, attention_mask: attentionMask, max_new_tokens: tokens, min_new_tokens: tokens, do_sample: false })) as { dims: number[] };
    return output.dims[1]! - ids.length;
  };
  try {
    await generate(fimPrompt(tokenizer, firstFile).slice(0, WARM_UP_TOKENS), 2);
  } catch (error) {
    await model.dispose();
    throw error;
  }
  return {
    async measure(file, newTokens) {
      const ids = fimPrompt(tokenizer, file);
      memory.reset();
      const started = performance.now();
      const written = await generate(ids, newTokens);
      const generationMs = performance.now() - started;
      return { fileTokens: file.tokens, newTokens: written, generationMs, tokensPerSecond: written / (generationMs / 1000), loadMs, peakRssMb: memory.peakMb() };
    },
    dispose: async () => {
      await model.dispose();
    },
  };
}
