import type { Backend } from '../models/backendChoice';
import type { ModelManifest } from '../models/modelManifest';
import type { CodeTokenizer } from './codeTokenizer';
import { int64Tensor, type ModelSession, type ort } from './ortSession';

/** How many final positions get logits; 0 for all (transformers.js feeds 1 while generating). */
const KEEP_LOGITS = 'num_logits_to_keep';

/** The keys and values of the tokens seen so far, per layer, as the decoder contract names them. */
export type KeyValueCache = Record<string, ort.Tensor>;

export interface CausalStep {
  /** [tokens, vocab] logits of the tokens fed in this step, or with `logits: 'last'` (the default) [1, vocab] of the last one. */
  logits: Float32Array;
  vocabSize: number;
  cache: KeyValueCache;
  /** Tokens the cache now holds. */
  length: number;
}

/**
 * An autoregressive decoder with the contract of the public Qwen2.5 ONNX exports: input_ids,
 * attention_mask, position_ids, past_key_values.N.key|value -> logits, present.N.key|value.
 */
export class CausalModel {
  private readonly layers: number;
  private readonly keyValueHeads: number;
  private readonly headDim: number;
  /** The longest sequence the model was trained for. */
  readonly maxPositions: number;
  /** Whether the graph takes `num_logits_to_keep` (as transformers.js exports do), so logits of a prompt's other tokens are never computed. */
  private readonly keepsLastLogits: boolean;

  constructor(
    readonly tokenizer: CodeTokenizer,
    readonly backend: Backend,
    private readonly session: ModelSession,
    config: Record<string, unknown>,
    /** Its own manifest: the fallback reads its prompt template and stop tokens from it. */
    readonly manifest: ModelManifest,
  ) {
    this.layers = Number(config.num_hidden_layers);
    this.keyValueHeads = Number(config.num_key_value_heads ?? config.num_attention_heads);
    this.headDim = Number(config.head_dim ?? Number(config.hidden_size) / Number(config.num_attention_heads));
    this.maxPositions = Number(config.max_position_embeddings ?? 32768);
    this.keepsLastLogits = session.inputNames.includes(KEEP_LOGITS);
  }

  emptyCache(): KeyValueCache {
    const cache: KeyValueCache = {};
    for (let layer = 0; layer < this.layers; layer++) {
      for (const part of ['key', 'value']) cache[`past_key_values.${layer}.${part}`] = new this.session.Tensor('float32', new Float32Array(0), [1, this.keyValueHeads, 0, this.headDim]);
    }
    return cache;
  }

  /**
   * Feeds tokens after `past` (the cache of `pastLength` tokens) and returns the grown cache and
   * the logits of the last token (of every token fed with `logits: 'all'`). A graph without
   * `num_logits_to_keep` computes them all, and the last row is cut out of them. On WebGPU the cache stays on the GPU: the
   * cache passed in is freed once the grown one exists, and the last one goes to releaseCache.
   */
  async step(tokens: readonly number[], cache: KeyValueCache, pastLength: number, logits: 'last' | 'all' = 'last'): Promise<CausalStep> {
    const total = pastLength + tokens.length;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: this.int64(tokens, [1, tokens.length]),
      attention_mask: this.int64(new Array<number>(total).fill(1), [1, total]),
      position_ids: this.int64(
        Array.from(tokens, (_, i) => pastLength + i),
        [1, tokens.length],
      ),
      ...cache,
    };
    if (this.keepsLastLogits) feeds[KEEP_LOGITS] = new this.session.Tensor('int64', BigInt64Array.of(logits === 'last' ? 1n : 0n), []);
    const outputs = await this.session.run(feeds);
    this.releaseCache(cache);
    const next: KeyValueCache = {};
    for (let layer = 0; layer < this.layers; layer++) {
      for (const part of ['key', 'value']) next[`past_key_values.${layer}.${part}`] = outputs[`present.${layer}.${part}`]!;
    }
    const result = outputs.logits!;
    const all = result.data as Float32Array;
    const vocabSize = Number(result.dims.at(-1));
    return { logits: logits === 'last' ? all.subarray(all.length - vocabSize) : all, vocabSize, cache: next, length: total };
  }

  /** Frees a cache's tensors that live on the GPU (those in JS memory are left to the garbage collector). */
  releaseCache(cache: KeyValueCache): void {
    for (const tensor of Object.values(cache)) if (tensor.location === 'gpu-buffer') tensor.dispose();
  }

  private int64(values: readonly number[], dims: number[]): ort.Tensor {
    return int64Tensor(this.session.Tensor, values, dims);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
