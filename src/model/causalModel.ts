import type { CodeTokenizer } from './codeTokenizer';
import { int64Tensor as int64, ort, type Backend } from './ortSession';

/** The keys and values of the tokens seen so far, per layer, as the decoder contract names them. */
export type KeyValueCache = Record<string, ort.Tensor>;

export interface CausalStep {
  /** [tokens, vocab] logits of the tokens fed in this step. */
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

  constructor(
    readonly tokenizer: CodeTokenizer,
    readonly backend: Backend,
    private readonly session: ort.InferenceSession,
    config: Record<string, unknown>,
  ) {
    this.layers = Number(config.num_hidden_layers);
    this.keyValueHeads = Number(config.num_key_value_heads ?? config.num_attention_heads);
    this.headDim = Number(config.head_dim ?? Number(config.hidden_size) / Number(config.num_attention_heads));
    this.maxPositions = Number(config.max_position_embeddings ?? 32768);
  }

  emptyCache(): KeyValueCache {
    const cache: KeyValueCache = {};
    for (let layer = 0; layer < this.layers; layer++) {
      for (const part of ['key', 'value']) cache[`past_key_values.${layer}.${part}`] = new ort.Tensor('float32', new Float32Array(0), [1, this.keyValueHeads, 0, this.headDim]);
    }
    return cache;
  }

  /** Feeds tokens after `past` (the cache of `pastLength` tokens) and returns their logits and the grown cache. */
  async step(tokens: readonly number[], cache: KeyValueCache, pastLength: number): Promise<CausalStep> {
    const total = pastLength + tokens.length;
    const outputs = await this.session.run({
      input_ids: int64(tokens, [1, tokens.length]),
      attention_mask: int64(new Array<number>(total).fill(1), [1, total]),
      position_ids: int64(Array.from(tokens, (_, i) => pastLength + i), [1, tokens.length]),
      ...cache,
    });
    const next: KeyValueCache = {};
    for (let layer = 0; layer < this.layers; layer++) {
      for (const part of ['key', 'value']) next[`past_key_values.${layer}.${part}`] = outputs[`present.${layer}.${part}`]!;
    }
    const logits = outputs.logits!;
    return { logits: logits.data as Float32Array, vocabSize: Number(logits.dims.at(-1)), cache: next, length: total };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
