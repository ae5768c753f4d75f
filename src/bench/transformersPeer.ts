import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeTokenizer } from '../model/codeTokenizer';
import { ort } from '../model/ortSession';
import type { ContextFile } from './contextFiles';
import { fimPrompt } from './fimPrompt';
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

let loaded: Promise<Transformers> | undefined;

/**
 * transformers.js on our onnxruntime-web, not its own runtime: in Node it would pick
 * onnxruntime-node (native code, another backend), but it takes the runtime a host puts at
 * `globalThis[Symbol.for('onnxruntime')]`. The WASM files are pointed at the installed package
 * first, since transformers.js would otherwise point them at a CDN.
 */
function transformersOnOurRuntime(): Promise<Transformers> {
  loaded ??= (async () => {
    const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
    ort.env.wasm.wasmPaths ??= pathToFileURL(`${ortDist}/`).href;
    (globalThis as Record<symbol, unknown>)[Symbol.for('onnxruntime')] = ort;
    const transformers = await import('@huggingface/transformers');
    transformers.env.allowRemoteModels = false;
    transformers.env.allowLocalModels = true;
    return transformers;
  })();
  return loaded;
}

/**
 * Loads the autoregressive model folder with transformers.js and runs greedy `generate` for
 * exactly `newTokens` tokens on each file, timing each run (the prompt's prefill included, as
 * for our fallback).
 */
export async function measurePeer(modelDir: string, tokenizer: CodeTokenizer, memory: PeakMemory, files: readonly ContextFile[], newTokens: number): Promise<PeerMeasurement[]> {
  const { AutoModelForCausalLM, Tensor, env } = await transformersOnOurRuntime();
  env.localModelPath = `${dirname(modelDir)}/`;
  const loadStarted = performance.now();
  const model = await AutoModelForCausalLM.from_pretrained(basename(modelDir), {
    dtype: 'q4',
    // With a host's runtime transformers.js knows no device names; 'auto' passes the providers below through.
    device: 'auto',
    session_options: {
      executionProviders: ['wasm'],
      // In Node transformers.js leaves external data for onnxruntime-node to find beside the graph; onnxruntime-web needs it given.
      externalData: [{ path: 'model_q4.onnx_data', data: join('onnx', 'model_q4.onnx_data') }],
    },
  });
  const loadMs = performance.now() - loadStarted;
  try {
    const measurements: PeerMeasurement[] = [];
    for (const file of files) {
      const ids = fimPrompt(tokenizer, file);
      const inputIds = new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]);
      const attentionMask = new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]);
      memory.reset();
      const started = performance.now();
      const output = (await model.generate({ input_ids: inputIds, attention_mask: attentionMask, max_new_tokens: newTokens, min_new_tokens: newTokens, do_sample: false })) as { dims: number[] };
      const generationMs = performance.now() - started;
      const written = output.dims[1]! - ids.length;
      measurements.push({ fileTokens: file.tokens, newTokens: written, generationMs, tokensPerSecond: written / (generationMs / 1000), loadMs, peakRssMb: memory.peakMb() });
    }
    return measurements;
  } finally {
    await model.dispose();
  }
}
