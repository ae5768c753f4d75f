import { InputError } from '../errors/inputErrors';
import { MODEL_FAMILIES } from '../models/modelFamilies';

export type QwenArchitecture = 'qwen2' | 'qwen3';

/** The shape of a Qwen2 or Qwen3 transformer, read from a checkpoint's config.json. */
export interface QwenConfig {
  architecture: QwenArchitecture;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKeyValueHeads: number;
  headDim: number;
  intermediateSize: number;
  vocabSize: number;
  maxPositions: number;
  ropeTheta: number;
  rmsNormEps: number;
  tieWordEmbeddings: boolean;
  /** q/k/v projections carry biases (Qwen2); Qwen3 has none and normalises q and k per head instead. */
  attentionBias: boolean;
  /** Qwen3's per-head RMSNorm on queries and keys. */
  qkNorm: boolean;
}

function positiveInteger(raw: Record<string, unknown>, key: string, fallback?: number): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new InputError(`config.json: "${key}" must be a positive integer; got ${JSON.stringify(raw[key])}.`);
  }
  return value;
}

function positiveNumber(raw: Record<string, unknown>, key: string, fallback: number): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !(value > 0)) throw new InputError(`config.json: "${key}" must be a positive number; got ${JSON.stringify(raw[key])}.`);
  return value;
}

/** The body behind each model_type the family table knows: "a2d-qwen3" and "CoDA" are Qwen3 bodies, "Dream" a Qwen2 one. */
function bodyOf(modelType: string): { body: QwenArchitecture } | undefined {
  const family = MODEL_FAMILIES.find((f) => Object.hasOwn(f.recognise.modelTypes, modelType));
  return family && { body: family.recognise.modelTypes[modelType]! };
}

/**
 * rope_scaling changes the rotary angles (linear, dynamic, yarn, llama3 ...); the graph computes
 * plain RoPE only, so a checkpoint that scales is refused by the scaling's name, never converted wrong.
 */
function checkRopeScaling(config: Record<string, unknown>): void {
  const scaling = config.rope_scaling;
  if (scaling === undefined || scaling === null) return;
  const type = typeof scaling === 'object' ? ((scaling as Record<string, unknown>).rope_type ?? (scaling as Record<string, unknown>).type) : scaling;
  if (type === 'default') return;
  throw new InputError(`config.json has rope_scaling "${String(type)}"; Builder's graph computes unscaled rotary embeddings only, so it cannot convert this checkpoint.`);
}

/** Reads a Hugging Face config.json; a model_type the family table does not know is refused by name. */
export function parseQwenConfig(raw: unknown): QwenConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError('config.json is not a JSON object.');
  const config = raw as Record<string, unknown>;
  const architectures = Array.isArray(config.architectures) ? config.architectures.join(', ') : undefined;
  const known = typeof config.model_type === 'string' ? bodyOf(config.model_type) : undefined;
  if (!known) {
    const seen = config.model_type === undefined ? (architectures ? `architectures ${architectures}` : 'no "model_type"') : `model_type "${String(config.model_type)}"`;
    const types = [...new Set(MODEL_FAMILIES.flatMap((f) => Object.keys(f.recognise.modelTypes)))].map((t) => `"${t}"`).join(', ');
    throw new InputError(`config.json has ${seen}; Builder converts Qwen2 and Qwen3 bodies (model_type ${types}).`);
  }
  checkRopeScaling(config);
  if (config.use_sliding_window === true) throw new InputError("config.json has use_sliding_window true; Builder's graph attends to the whole sequence, so it cannot convert this checkpoint.");
  const hiddenSize = positiveInteger(config, 'hidden_size');
  const numHeads = positiveInteger(config, 'num_attention_heads');
  const numKeyValueHeads = positiveInteger(config, 'num_key_value_heads', numHeads);
  if (numHeads % numKeyValueHeads !== 0) {
    throw new InputError(`config.json: num_attention_heads (${numHeads}) must be a multiple of num_key_value_heads (${numKeyValueHeads}).`);
  }
  const headDim = positiveInteger(config, 'head_dim', Math.floor(hiddenSize / numHeads));
  if (headDim % 2 !== 0) throw new InputError(`config.json: head_dim (${headDim}) must be even for rotary embeddings.`);
  const architecture = known.body;
  return {
    architecture,
    hiddenSize,
    numLayers: positiveInteger(config, 'num_hidden_layers'),
    numHeads,
    numKeyValueHeads,
    headDim,
    intermediateSize: positiveInteger(config, 'intermediate_size'),
    vocabSize: positiveInteger(config, 'vocab_size'),
    maxPositions: positiveInteger(config, 'max_position_embeddings', 32768),
    ropeTheta: positiveNumber(config, 'rope_theta', 10000),
    rmsNormEps: positiveNumber(config, 'rms_norm_eps', 1e-6),
    // Absent means untied, as in transformers' Qwen2Config, Qwen3Config and DreamConfig; CoDA's
    // config.json leaves it out and its model never ties (SalesforceAIResearch/CoDA modeling_coda.py).
    tieWordEmbeddings: config.tie_word_embeddings === true,
    attentionBias: architecture === 'qwen2' ? config.attention_bias !== false : config.attention_bias === true,
    qkNorm: architecture === 'qwen3',
  };
}

/** The tensors a checkpoint of this shape holds, by Hugging Face name, with their shapes. */
export function expectedTensors(config: QwenConfig): Map<string, number[]> {
  const { hiddenSize: h, headDim: d, numHeads: q, numKeyValueHeads: kv, intermediateSize: m, vocabSize: v } = config;
  const tensors = new Map<string, number[]>([['model.embed_tokens.weight', [v, h]]]);
  for (let layer = 0; layer < config.numLayers; layer++) {
    const p = `model.layers.${layer}`;
    tensors.set(`${p}.input_layernorm.weight`, [h]);
    tensors.set(`${p}.self_attn.q_proj.weight`, [q * d, h]);
    tensors.set(`${p}.self_attn.k_proj.weight`, [kv * d, h]);
    tensors.set(`${p}.self_attn.v_proj.weight`, [kv * d, h]);
    if (config.attentionBias) {
      tensors.set(`${p}.self_attn.q_proj.bias`, [q * d]);
      tensors.set(`${p}.self_attn.k_proj.bias`, [kv * d]);
      tensors.set(`${p}.self_attn.v_proj.bias`, [kv * d]);
    }
    if (config.qkNorm) {
      tensors.set(`${p}.self_attn.q_norm.weight`, [d]);
      tensors.set(`${p}.self_attn.k_norm.weight`, [d]);
    }
    tensors.set(`${p}.self_attn.o_proj.weight`, [h, q * d]);
    tensors.set(`${p}.post_attention_layernorm.weight`, [h]);
    tensors.set(`${p}.mlp.gate_proj.weight`, [m, h]);
    tensors.set(`${p}.mlp.up_proj.weight`, [m, h]);
    tensors.set(`${p}.mlp.down_proj.weight`, [h, m]);
  }
  tensors.set('model.norm.weight', [h]);
  if (!config.tieWordEmbeddings) tensors.set('lm_head.weight', [v, h]);
  return tensors;
}
