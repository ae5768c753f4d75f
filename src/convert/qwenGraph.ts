import type { ModelKindName } from '../models/modelManifest';
import type { ModelPrecision } from '../models/modelPrecision';
import { chunkedTopK } from './chunkedTopK';
import { groupedAttention } from './groupedAttention';
import { DataType, GraphBuilder } from './onnxGraph';
import { q4Weights, q8Weights } from './quantizedWeights';
import type { QwenConfig } from './qwenConfig';

export interface WeightReader {
  /** A checkpoint tensor by its Hugging Face name, row-major, as float32. */
  read(name: string): Promise<Float32Array>;
}

export interface QwenGraphOptions {
  config: QwenConfig;
  kind: ModelKindName;
  precision: ModelPrecision;
  weights: WeightReader;
  toFloat16(values: Float32Array): Uint8Array;
  /** Diffusion graphs: how the tokens of a pass see each other (the manifest's `attention`); bidirectional unless told. */
  attention?: DiffusionAttention;
}

/**
 * The version of the diffusion graph's contract, recorded in the manifest (`graphVersion`): 2 added
 * `neg_entropy`; folders without the field hold version 1.
 */
export const DIFFUSION_GRAPH_VERSION = 2;

export type DiffusionAttention = { kind: 'bidirectional' } | { kind: 'block-causal'; blockSize: number };

const MASKED = -1e9;
const int = (value: number) => ({ int: value });
const ints = (values: number[]) => ({ ints: values });

function transpose(matrix: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(matrix.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = matrix[r * cols + c]!;
  return out;
}

const bytesOf = (values: Float32Array) => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/**
 * The Qwen2/Qwen3 transformer as an ONNX graph of operators that onnxruntime-web runs on both
 * WebGPU and WASM, attention included (groupedAttention).
 *
 * Diffusion graphs take a batch of rows (the conditional row and, under guidance, the
 * unconditional one), compute logits only at `logit_positions` (indices into this pass's
 * tokens), combine the rows with `row_weights`, divide by `temperature` and return the top-k
 * with the log-normaliser and the negative entropy, so a step reads back O(positions x k) numbers. They also take
 * `past_key_values.N.key|value`, keys and values of other positions that this pass's tokens
 * attend to (empty for a pass over the whole sequence), with `attention_mask` covering past and
 * present keys: a padding mask, since attention is bidirectional (block-causal graphs also mask keys of later blocks, blockCausalBias). Their `present.N.key|value` are
 * the keys and values of this pass's own tokens only, rotary embedding applied, so a pass over
 * the whole sequence yields a context cache whose order does not matter, and a pass over a span
 * never copies the cache out again.
 *
 * Autoregressive graphs follow the decoder contract of the public Qwen2.5 ONNX exports, with a
 * KV cache whose `present` is past and present keys together.
 */
export function buildQwenGraph({ config, kind, precision, weights, toFloat16, attention = { kind: 'bidirectional' } }: QwenGraphOptions): GraphBuilder {
  const g = new GraphBuilder();
  const { hiddenSize: h, headDim: d, numHeads: nq, numKeyValueHeads: nkv, intermediateSize: m, vocabSize: v } = config;
  const fourBit = precision === 'q4' || precision === 'q4f16';
  const halfTable = precision === 'fp16' || precision === 'q4f16';

  const floatWeight = (name: string, dims: number[], transform: (w: Float32Array) => Float32Array = (w) => w) =>
    g.external(
      name,
      DataType.FLOAT,
      dims,
      dims.reduce((a, b) => a * b, 4),
      async () => bytesOf(transform(await weights.read(name))),
    );

  const halfWeight = (name: string, dims: number[], transform: (w: Float32Array) => Float32Array = (w) => w) =>
    g.external(
      `${name}.fp16`,
      DataType.FLOAT16,
      dims,
      dims.reduce((a, b) => a * b, 2),
      async () => toFloat16(transform(await weights.read(name))),
    );

  const quantised = precision === 'q8' ? q8Weights(g, weights) : fourBit ? q4Weights(g, weights) : null;
  /** y = x W^T (+ b) for a Hugging Face weight of shape [out, inp]. */
  const linear = (x: string, name: string, out: number, inp: number, bias: boolean): string => {
    let y: string;
    if (quantised) {
      y = quantised.linear(x, name, out, inp);
    } else {
      const toInOut = (w: Float32Array) => transpose(w, out, inp);
      const w = precision === 'fp32' ? floatWeight(`${name}.weight`, [inp, out], toInOut) : g.op1('Cast', [halfWeight(`${name}.weight`, [inp, out], toInOut)], { to: int(DataType.FLOAT) });
      y = g.op1('MatMul', [x, w]);
    }
    return bias ? g.op1('Add', [y, floatWeight(`${name}.bias`, [out])]) : y;
  };

  const eps = g.constantFloats([config.rmsNormEps], []);
  const rmsNorm = (x: string, weightName: string, size: number): string => {
    const meanSquare = g.op1('ReduceMean', [g.op1('Mul', [x, x])], { axes: ints([-1]), keepdims: int(1) });
    const normalised = g.op1('Div', [x, g.op1('Sqrt', [g.op1('Add', [meanSquare, eps])])]);
    return g.op1('Mul', [normalised, floatWeight(weightName, [size])]);
  };

  // Inputs.
  const inputIds = g.input('input_ids', DataType.INT64, ['batch', 'sequence']);
  const attentionMask = g.input('attention_mask', DataType.INT64, ['batch', 'total_sequence']);
  const positionIds = g.input('position_ids', DataType.INT64, ['batch', 'sequence']);

  // Embeddings: a quantised table is looked up in its own codes (shared with a tied head); a float16
  // table as it is, and only the rows found are converted.
  const embedding = quantised && !halfTable ? null : halfTable ? halfWeight('model.embed_tokens.weight', [v, h]) : floatWeight('model.embed_tokens.weight', [v, h]);
  let hidden = embedding === null ? quantised!.embed(inputIds, 'model.embed_tokens', v, h) : g.op1('Gather', [embedding, inputIds], { axis: int(0) });
  if (halfTable) hidden = g.op1('Cast', [hidden], { to: int(DataType.FLOAT) });

  // Rotary embeddings, rotate-half layout: angle = position * theta^(-2i/d), duplicated to d.
  const inverseFrequencies = Array.from({ length: d / 2 }, (_, i) => 1 / config.ropeTheta ** ((2 * i) / d));
  const positions = g.op1('Unsqueeze', [g.op1('Cast', [positionIds], { to: int(DataType.FLOAT) }), g.constantInts([2])]);
  const frequencies = g.op1('Mul', [positions, g.constantFloats(inverseFrequencies)]);
  const angles = g.op1('Unsqueeze', [g.op1('Concat', [frequencies, frequencies], { axis: int(-1) }), g.constantInts([1])]);
  const cos = g.op1('Cos', [angles]);
  const sin = g.op1('Sin', [angles]);
  const halves = g.constantInts([d / 2, d / 2]);
  const rotary = (x: string): string => {
    const [first, second] = g.op('Split', [x, halves], { axis: int(-1) }, 2) as [string, string];
    const rotated = g.op1('Concat', [g.op1('Neg', [second]), first], { axis: int(-1) });
    return g.op1('Add', [g.op1('Mul', [x, cos]), g.op1('Mul', [rotated, sin])]);
  };

  // The additive attention mask: padding keys, and for causal models the keys after each query.
  const keyMask = g.op1('Cast', [attentionMask], { to: int(DataType.FLOAT) });
  let maskBias = g.op1('Unsqueeze', [g.op1('Mul', [g.op1('Sub', [keyMask, g.constantFloats([1], [])]), g.constantFloats([-MASKED], [])]), g.constantInts([1, 2, 3])]);
  if (kind === 'autoregressive') {
    const scalarIndex = (i: number) => g.constantInts([i], []);
    const queryLength = g.op1('Gather', [g.op1('Shape', [inputIds]), scalarIndex(1)], { axis: int(0) });
    const totalLength = g.op1('Gather', [g.op1('Shape', [attentionMask]), scalarIndex(1)], { axis: int(0) });
    const one = g.constantInts([1], []);
    const queryPositions = g.op1('Unsqueeze', [g.op1('Range', [g.op1('Sub', [totalLength, queryLength]), totalLength, one]), g.constantInts([1])]);
    const keyPositions = g.op1('Unsqueeze', [g.op1('Range', [g.constantInts([0], []), totalLength, one]), g.constantInts([0])]);
    const future = g.op1('Cast', [g.op1('Greater', [keyPositions, queryPositions])], { to: int(DataType.FLOAT) });
    maskBias = g.op1('Add', [maskBias, g.op1('Mul', [future, g.constantFloats([MASKED], [])])]);
  }
  if (kind === 'diffusion' && attention.kind === 'block-causal') maskBias = g.op1('Add', [maskBias, blockCausalBias(g, inputIds, attentionMask, positionIds, attention.blockSize)]);

  const headsShape = (heads: number) => g.constantInts([0, 0, heads, d]);
  const toHeads = [0, 2, 1, 3];
  const presents: string[] = [];

  for (let layer = 0; layer < config.numLayers; layer++) {
    const p = `model.layers.${layer}`;
    const normed = rmsNorm(hidden, `${p}.input_layernorm.weight`, h);
    const projectHeads = (name: string, heads: number, norm: string | null) => {
      let x = g.op1('Reshape', [linear(normed, `${p}.self_attn.${name}`, heads * d, h, config.attentionBias), headsShape(heads)]);
      if (norm) x = rmsNorm(x, `${p}.self_attn.${norm}.weight`, d);
      return g.op1('Transpose', [x], { perm: ints(toHeads) });
    };
    const query = rotary(projectHeads('q_proj', nq, config.qkNorm ? 'q_norm' : null));
    const ownKey = rotary(projectHeads('k_proj', nkv, config.qkNorm ? 'k_norm' : null));
    const ownValue = projectHeads('v_proj', nkv, null);
    const pastKey = g.input(`past_key_values.${layer}.key`, DataType.FLOAT, ['batch', nkv, 'past_sequence', d]);
    const pastValue = g.input(`past_key_values.${layer}.value`, DataType.FLOAT, ['batch', nkv, 'past_sequence', d]);
    const key = g.op1('Concat', [pastKey, ownKey], { axis: int(2) });
    const value = g.op1('Concat', [pastValue, ownValue], { axis: int(2) });
    presents.push(...(kind === 'autoregressive' ? [key, value] : [ownKey, ownValue]));
    const attended = groupedAttention(g, { query, key, value, maskBias, heads: nq, keyValueHeads: nkv, headDim: d });
    const merged = g.op1('Reshape', [g.op1('Transpose', [attended], { perm: ints(toHeads) }), g.constantInts([0, 0, -1])]);
    hidden = g.op1('Add', [hidden, linear(merged, `${p}.self_attn.o_proj`, h, nq * d, false)]);

    const normed2 = rmsNorm(hidden, `${p}.post_attention_layernorm.weight`, h);
    const gate = linear(normed2, `${p}.mlp.gate_proj`, m, h, false);
    const up = linear(normed2, `${p}.mlp.up_proj`, m, h, false);
    const activated = g.op1('Mul', [g.op1('Mul', [gate, g.op1('Sigmoid', [gate])]), up]);
    hidden = g.op1('Add', [hidden, linear(activated, `${p}.mlp.down_proj`, h, m, false)]);
  }
  hidden = rmsNorm(hidden, 'model.norm.weight', h);

  const headName = config.tieWordEmbeddings ? 'model.embed_tokens' : 'lm_head';
  /** Logits for hidden states of shape [..., h], as [..., v]. */
  const lmHead = (x: string): string => {
    if (quantised) return quantised.head(x, headName, v, h);
    const flat = g.op1('Reshape', [x, g.constantInts([-1, h])]);
    const untied = () => (halfTable ? halfWeight('lm_head.weight', [v, h]) : floatWeight('lm_head.weight', [v, h]));
    const stored = headName === 'model.embed_tokens' ? embedding! : untied();
    const table = halfTable ? g.op1('Cast', [stored], { to: int(DataType.FLOAT) }) : stored;
    const logits = g.op1('Gemm', [flat, table], { transB: int(1) });
    const leading = g.op1('Slice', [g.op1('Shape', [x]), g.constantInts([0]), g.constantInts([-1])]);
    return g.op1('Reshape', [logits, g.op1('Concat', [leading, g.constantInts([v])], { axis: int(0) })]);
  };

  const outputPresents = (length: string) =>
    presents.forEach((present, i) => {
      const layer = Math.floor(i / 2);
      g.output(present, `present.${layer}.${i % 2 === 0 ? 'key' : 'value'}`, DataType.FLOAT, ['batch', nkv, length, d]);
    });
  if (kind === 'autoregressive') {
    // The last `num_logits_to_keep` positions (all for 0), as transformers.js's exports take it:
    // while generating only the last one is wanted, and the head over a whole prompt would cost
    // prompt x vocabulary.
    const keep = g.op1('Unsqueeze', [g.input('num_logits_to_keep', DataType.INT64, []), g.constantInts([0])]);
    const kept = g.op1('Slice', [hidden, g.op1('Neg', [keep]), g.constantInts([Number.MAX_SAFE_INTEGER]), g.constantInts([1])]);
    g.output(lmHead(kept), 'logits', DataType.FLOAT, ['batch', 'kept_sequence', v]);
    outputPresents('total_sequence');
    return g;
  }

  const logitPositions = g.input('logit_positions', DataType.INT64, ['positions']);
  const rowWeights = g.input('row_weights', DataType.FLOAT, ['batch']);
  const temperature = g.input('temperature', DataType.FLOAT, [1]);
  const topK = g.input('top_k', DataType.INT64, [1]);
  // The head is linear, so the rows are combined before it: one head pass serves both guidance
  // rows, where the vocabulary-wide matmul would otherwise dominate a span step.
  const picked = g.op1('Gather', [hidden, logitPositions], { axis: int(1) });
  const weighted = g.op1('Mul', [picked, g.op1('Reshape', [rowWeights, g.constantInts([-1, 1, 1])])]);
  const combined = g.op1('ReduceSum', [weighted, g.constantInts([0])], { keepdims: int(1) });
  const guided = g.op1('Div', [lmHead(combined), temperature]);
  const top = chunkedTopK(g, guided, topK, v);
  g.output(top.values, 'top_values', DataType.FLOAT, [1, 'positions', 'k']);
  g.output(top.indices, 'top_indices', DataType.INT64, [1, 'positions', 'k']);
  const logNormalizer = g.op1('ReduceLogSumExp', [guided], { axes: ints([-1]), keepdims: int(0) });
  g.output(logNormalizer, 'log_normalizer', DataType.FLOAT, [1, 'positions']);
  // The negative entropy over the whole vocabulary, as the Dream family's samplers score a position
  // (SalesforceAIResearch/CoDA CoDALanguageModel/generation_utils.py sample_tokens, neg_entropy:
  // sum(p * log(p + 1e-10))): computed here, one number per position, so no vocabulary-sized row is
  // read back. Written as sum(p * z) - logsumexp(z), which holds two vocabulary-sized intermediates
  // rather than five; the 1e-10 changes the sum by at most vocabulary x 1e-10 (1.5e-5 for Qwen's).
  const expected = g.op1('ReduceSum', [g.op1('Mul', [g.op1('Softmax', [guided], { axis: int(-1) }), guided]), g.constantInts([-1])], { keepdims: int(0) });
  g.output(g.op1('Sub', [expected, logNormalizer]), 'neg_entropy', DataType.FLOAT, [1, 'positions']);
  outputPresents('sequence');
  return g;
}

/**
 * The additive mask of block-causal attention, [batch, 1, 1, sequence, total_sequence]: a query
 * sees a key unless the key's block (position // blockSize) comes after its own, as dLLM's BD3LM
 * sampler builds it (ZHZisZZ/dllm dllm/core/samplers/bd3lm.py, _prepare_for_sampling: bid_k <= bid_q).
 * This pass's keys are at `position_ids`; past keys at 0 .. past - 1, which is where a context cache
 * from a pass over the whole sequence holds them, so a span pass against the cache keeps the rule.
 */
function blockCausalBias(g: GraphBuilder, inputIds: string, attentionMask: string, positionIds: string, blockSize: number): string {
  const blockOf = (positions: string) => g.op1('Floor', [g.op1('Div', [positions, g.constantFloats([blockSize], [])])]);
  const ownBlocks = blockOf(g.op1('Cast', [positionIds], { to: int(DataType.FLOAT) }));
  const queryBlocks = g.op1('Unsqueeze', [ownBlocks, g.constantInts([2])]);
  const ownKeyBlocks = g.op1('Unsqueeze', [ownBlocks, g.constantInts([1])]);
  const lengthOf = (tensor: string) => g.op1('Gather', [g.op1('Shape', [tensor]), g.constantInts([1], [])], { axis: int(0) });
  const pastLength = g.op1('Cast', [g.op1('Sub', [lengthOf(attentionMask), lengthOf(inputIds)])], { to: int(DataType.FLOAT) });
  const pastPositions = g.op1('Range', [g.constantFloats([0], []), pastLength, g.constantFloats([1], [])]);
  const pastKeyBlocks = g.op1('Unsqueeze', [blockOf(pastPositions), g.constantInts([0, 1])]);
  const later = g.op1('Concat', [g.op1('Greater', [pastKeyBlocks, queryBlocks]), g.op1('Greater', [ownKeyBlocks, queryBlocks])], { axis: int(-1) });
  return g.op1('Unsqueeze', [g.op1('Mul', [g.op1('Cast', [later], { to: int(DataType.FLOAT) }), g.constantFloats([MASKED], [])]), g.constantInts([1, 2])]);
}
