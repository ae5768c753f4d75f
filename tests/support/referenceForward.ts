/**
 * A float64 reference forward pass of Qwen2 and Qwen3 causal language models, written from the semantics of
 * Hugging Face transformers (models/qwen2/modeling_qwen2.py, models/qwen3/modeling_qwen3.py). Tests use it as the
 * oracle the ONNX export is checked against, so it is plain loops that read line by line against that source,
 * not fast code.
 *
 * Where transformers computes in float32 (RMSNorm, rotary angles, softmax) this computes in float64; an export run
 * in float32 is expected to agree within float32 tolerance, not bit for bit.
 */
import { expectedTensors, type QwenConfig } from '../../src/convert/qwenConfig';

/** A checkpoint tensor by its Hugging Face name: row-major, with the shape expectedTensors gives it. */
export type TensorLookup = (name: string) => Float32Array | Float64Array;

export interface ReferenceOptions {
  /**
   * 'causal' also masks every key after the query; 'bidirectional' masks only padding keys; 'block-causal' masks
   * keys whose block (position // blockSize, from positionIds) comes after the query's, as dLLM's BD3LM sampler
   * does (ZHZisZZ/dllm dllm/core/samplers/bd3lm.py, _prepare_for_sampling: bid_k <= bid_q).
   */
  attention: 'bidirectional' | 'causal' | 'block-causal';
  /** Positions per block, for 'block-causal'. */
  blockSize?: number;
  /**
   * The block of each position, [batch][seq], for 'block-causal' where blocks are not position // blockSize: dLLM's
   * BD3LM sampler left-pads the prompt to a block boundary and counts blocks over the padded columns while its
   * rotary positions skip the padding (bd3lm.py, _prepare_for_sampling).
   */
  blockIds?: number[][];
  /**
   * 1 = real token, 0 = padding; [batch][seq]; default all ones. Padding keys are masked out for every query.
   * Padding queries are still computed (their outputs are defined but meaningless); a query with no unmasked key
   * at all gets an attention output of zeros, see attendRow.
   */
  attentionMask?: number[][];
  /** Rotary positions, [batch][seq]; default 0..seq-1 in every row, for bidirectional and causal alike. */
  positionIds?: number[][];
}

type Tensor = Float32Array | Float64Array;

interface LayerWeights {
  inputNorm: Tensor;
  qProj: Tensor;
  kProj: Tensor;
  vProj: Tensor;
  qBias: Tensor | undefined;
  kBias: Tensor | undefined;
  vBias: Tensor | undefined;
  qNorm: Tensor | undefined;
  kNorm: Tensor | undefined;
  oProj: Tensor;
  postAttentionNorm: Tensor;
  gateProj: Tensor;
  upProj: Tensor;
  downProj: Tensor;
}

interface ModelWeights {
  embedTokens: Tensor;
  layers: LayerWeights[];
  finalNorm: Tensor;
  /** lm_head.weight, or the embedding matrix when the checkpoint ties them. */
  lmHead: Tensor;
}

/** One batch row with its options resolved to concrete arrays. */
interface Row {
  ids: number[];
  mask: number[];
  positions: number[];
  blocks: number[] | undefined;
}

/** Fetches every tensor once, checking each against the shape expectedTensors gives it, so a wrong layout fails by name. */
function loadWeights(config: QwenConfig, weights: TensorLookup): ModelWeights {
  if (config.architecture === 'qwen3' && config.attentionBias) {
    // transformers' Qwen3Attention gives o_proj a bias as well when attention_bias is set, a tensor expectedTensors
    // does not list; refusing keeps this oracle from silently disagreeing with transformers.
    throw new Error('reference forward: Qwen3 with attention_bias (which adds o_proj.bias) is not supported.');
  }
  const shapes = expectedTensors(config);
  const tensor = (name: string): Tensor => {
    const shape = shapes.get(name);
    if (shape === undefined) throw new Error(`reference forward: ${name} is not a tensor of this configuration.`);
    const data = weights(name);
    const size = shape.reduce((product, dim) => product * dim, 1);
    if (data.length !== size) {
      throw new Error(`reference forward: ${name} holds ${data.length} values; its shape [${shape.join(', ')}] needs ${size}.`);
    }
    return data;
  };
  const layers: LayerWeights[] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const p = `model.layers.${layer}`;
    layers.push({
      inputNorm: tensor(`${p}.input_layernorm.weight`),
      qProj: tensor(`${p}.self_attn.q_proj.weight`),
      kProj: tensor(`${p}.self_attn.k_proj.weight`),
      vProj: tensor(`${p}.self_attn.v_proj.weight`),
      qBias: config.attentionBias ? tensor(`${p}.self_attn.q_proj.bias`) : undefined,
      kBias: config.attentionBias ? tensor(`${p}.self_attn.k_proj.bias`) : undefined,
      vBias: config.attentionBias ? tensor(`${p}.self_attn.v_proj.bias`) : undefined,
      qNorm: config.qkNorm ? tensor(`${p}.self_attn.q_norm.weight`) : undefined,
      kNorm: config.qkNorm ? tensor(`${p}.self_attn.k_norm.weight`) : undefined,
      oProj: tensor(`${p}.self_attn.o_proj.weight`),
      postAttentionNorm: tensor(`${p}.post_attention_layernorm.weight`),
      gateProj: tensor(`${p}.mlp.gate_proj.weight`),
      upProj: tensor(`${p}.mlp.up_proj.weight`),
      downProj: tensor(`${p}.mlp.down_proj.weight`),
    });
  }
  const embedTokens = tensor('model.embed_tokens.weight');
  return {
    embedTokens,
    layers,
    finalNorm: tensor('model.norm.weight'),
    lmHead: asFloat64(config.tieWordEmbeddings ? embedTokens : tensor('lm_head.weight')),
  };
}

const float64Copies = new WeakMap<Tensor, Float64Array>();

/**
 * The tensor as a Float64Array, converted once per tensor: the same values (every float32 is a float64), and the LM
 * head's vocabulary-sized matrix, read for every position of every pass, is read faster so.
 */
function asFloat64(tensor: Tensor): Float64Array {
  if (tensor instanceof Float64Array) return tensor;
  let copy = float64Copies.get(tensor);
  if (copy === undefined) {
    copy = Float64Array.from(tensor);
    float64Copies.set(tensor, copy);
  }
  return copy;
}

function checkIntegerRows(name: string, rows: number[][], batch: number, seq: number, valid: (value: number) => boolean, what: string): void {
  if (rows.length !== batch) throw new Error(`reference forward: ${name} has ${rows.length} rows; inputIds has ${batch}.`);
  rows.forEach((row, b) => {
    if (row.length !== seq) throw new Error(`reference forward: ${name}[${b}] has ${row.length} entries; the sequence length is ${seq}.`);
    const bad = row.findIndex((value) => !valid(value));
    if (bad >= 0) throw new Error(`reference forward: ${name}[${b}][${bad}] is ${row[bad]}; expected ${what}.`);
  });
}

/** Checks the inputs are one [batch][seq] rectangle, as the ONNX model's tensors are, and fills in the defaults. */
function resolveRows(config: QwenConfig, inputIds: number[][], options: ReferenceOptions): Row[] {
  const batch = inputIds.length;
  if (batch === 0) throw new Error('reference forward: inputIds has no rows.');
  const seq = inputIds[0]!.length;
  if (seq === 0) throw new Error('reference forward: inputIds rows are empty.');
  checkIntegerRows('inputIds', inputIds, batch, seq, (id) => Number.isInteger(id) && id >= 0 && id < config.vocabSize, `a token id in [0, ${config.vocabSize})`);
  const masks = options.attentionMask ?? inputIds.map((row) => row.map(() => 1));
  checkIntegerRows('attentionMask', masks, batch, seq, (value) => value === 0 || value === 1, '0 or 1');
  const positions = options.positionIds ?? inputIds.map((row) => row.map((_, index) => index));
  checkIntegerRows('positionIds', positions, batch, seq, (value) => Number.isInteger(value), 'an integer');
  if (options.blockIds !== undefined) checkIntegerRows('blockIds', options.blockIds, batch, seq, (value) => Number.isInteger(value), 'an integer');
  return inputIds.map((ids, b) => ({ ids, mask: masks[b]!, positions: positions[b]!, blocks: options.blockIds?.[b] }));
}

/** y = x @ W^T + b for `rows` vectors of length inSize; W is [outSize, inSize] row-major, as nn.Linear stores it. */
function linear(x: Float64Array, rows: number, weight: Tensor, bias: Tensor | undefined, inSize: number, outSize: number): Float64Array {
  const y = new Float64Array(rows * outSize);
  // Output feature outermost, so each weight row is read once for all tokens: the LM head's matrix is the big one.
  for (let o = 0; o < outSize; o++) {
    const weightRow = o * inSize;
    for (let r = 0; r < rows; r++) {
      const inputRow = r * inSize;
      // Four products a turn of the loop, added one at a time in the same order: the same sum, with less loop overhead.
      let sum = 0;
      let i = 0;
      for (; i + 4 <= inSize; i += 4) {
        sum += x[inputRow + i]! * weight[weightRow + i]!;
        sum += x[inputRow + i + 1]! * weight[weightRow + i + 1]!;
        sum += x[inputRow + i + 2]! * weight[weightRow + i + 2]!;
        sum += x[inputRow + i + 3]! * weight[weightRow + i + 3]!;
      }
      for (; i < inSize; i++) sum += x[inputRow + i]! * weight[weightRow + i]!;
      y[r * outSize + o] = bias === undefined ? sum : sum + bias[o]!;
    }
  }
  return y;
}

/** RMSNorm over each of `rows` consecutive vectors of length `size`: weight * x / sqrt(mean(x^2) + eps). */
function rmsNormRows(x: Float64Array, rows: number, size: number, weight: ArrayLike<number>, eps: number): Float64Array {
  const y = new Float64Array(rows * size);
  for (let r = 0; r < rows; r++) {
    const start = r * size;
    let sumOfSquares = 0;
    for (let i = 0; i < size; i++) sumOfSquares += x[start + i]! * x[start + i]!;
    const inverseRms = 1 / Math.sqrt(sumOfSquares / size + eps);
    for (let i = 0; i < size; i++) y[start + i] = weight[i]! * (x[start + i]! * inverseRms);
  }
  return y;
}

/** RMSNorm of one vector; exported so tests can check the normalisation on its own. */
export function rmsNorm(x: ArrayLike<number>, weight: ArrayLike<number>, eps: number): Float64Array {
  if (weight.length !== x.length) throw new Error(`rmsNorm: weight has ${weight.length} values, x has ${x.length}.`);
  return rmsNormRows(Float64Array.from(x), 1, x.length, weight, eps);
}

/**
 * cos and sin of position * inv_freq[i] with inv_freq[i] = 1 / theta^(2i/d), for i < d/2, one row per position.
 * transformers duplicates the angles to length d (cat(freqs, freqs)); both halves are equal, so one is kept.
 */
function rotaryAngles(positions: readonly number[], headDim: number, theta: number): { cos: Float64Array; sin: Float64Array } {
  const half = headDim / 2;
  const cos = new Float64Array(positions.length * half);
  const sin = new Float64Array(positions.length * half);
  positions.forEach((position, t) => {
    for (let i = 0; i < half; i++) {
      const angle = position * (1 / theta ** ((2 * i) / headDim));
      cos[t * half + i] = Math.cos(angle);
      sin[t * half + i] = Math.sin(angle);
    }
  });
  return { cos, sin };
}

/**
 * x*cos + rotate_half(x)*sin, in place, for the head vector of length 2*half at `offset`. rotate_half(x) is
 * concat(-x[half:], x[:half]), so element i pairs with element i + half (not with its neighbour, as in GPT-J).
 */
function rotateHead(x: Float64Array, offset: number, half: number, cos: Float64Array, sin: Float64Array, angleRow: number): void {
  for (let i = 0; i < half; i++) {
    const first = x[offset + i]!;
    const second = x[offset + half + i]!;
    const c = cos[angleRow + i]!;
    const s = sin[angleRow + i]!;
    x[offset + i] = first * c - second * s;
    x[offset + half + i] = second * c + first * s;
  }
}

/** Rotary embedding of one head vector at one position; exported so tests can check the rotation on its own. */
export function applyRotary(vector: ArrayLike<number>, position: number, theta: number): Float64Array {
  if (vector.length % 2 !== 0) throw new Error(`applyRotary: the vector length (${vector.length}) must be even.`);
  const rotated = Float64Array.from(vector);
  const { cos, sin } = rotaryAngles([position], vector.length, theta);
  rotateHead(rotated, 0, vector.length / 2, cos, sin, 0);
  return rotated;
}

/** Which keys each query may attend to, [query][key]: padding keys never, later keys (or keys of later blocks) not under causal (block-causal) attention. */
function allowedKeys(row: Row, options: ReferenceOptions): Uint8Array {
  const seq = row.ids.length;
  const allowed = new Uint8Array(seq * seq);
  const blockSize = options.blockSize ?? 0;
  if (options.attention === 'block-causal' && row.blocks === undefined && !(Number.isInteger(blockSize) && blockSize > 0)) {
    throw new Error('reference forward: block-causal attention needs a positive integer blockSize or blockIds.');
  }
  const block = (index: number) => (row.blocks === undefined ? Math.floor(row.positions[index]! / blockSize) : row.blocks[index]!);
  const later = (key: number, query: number) => (options.attention === 'causal' ? key > query : options.attention === 'block-causal' ? block(key) > block(query) : false);
  for (let query = 0; query < seq; query++) {
    for (let key = 0; key < seq; key++) {
      allowed[query * seq + key] = row.mask[key] === 1 && !later(key, query) ? 1 : 0;
    }
  }
  return allowed;
}

/**
 * Grouped-query attention of one row: query head j reads kv head floor(j / (numHeads / numKeyValueHeads)), as
 * transformers' repeat_kv does; scores are q.k / sqrt(head_dim), softmaxed over the allowed keys.
 *
 * A query with no allowed key (a padding query under causal attention with left padding) gets zeros, as every loop
 * below skips disallowed keys: transformers' result there depends on the attention kernel, and those positions are
 * padding that no test should compare.
 * q, k, v are [seq][heads * headDim]; so is the result, heads concatenated as o_proj expects.
 */
function attendRow(config: QwenConfig, q: Float64Array, k: Float64Array, v: Float64Array, seq: number, allowed: Uint8Array): Float64Array {
  const { numHeads, numKeyValueHeads, headDim } = config;
  const queriesPerKvHead = numHeads / numKeyValueHeads;
  const qWidth = numHeads * headDim;
  const kvWidth = numKeyValueHeads * headDim;
  const scaling = headDim ** -0.5;
  const output = new Float64Array(seq * qWidth);
  const scores = new Float64Array(seq);
  for (let query = 0; query < seq; query++) {
    for (let head = 0; head < numHeads; head++) {
      const qOffset = query * qWidth + head * headDim;
      const kvOffset = Math.floor(head / queriesPerKvHead) * headDim;
      let peak = -Infinity;
      for (let key = 0; key < seq; key++) {
        if (allowed[query * seq + key] === 0) continue;
        let dot = 0;
        for (let i = 0; i < headDim; i++) dot += q[qOffset + i]! * k[key * kvWidth + kvOffset + i]!;
        scores[key] = dot * scaling;
        peak = Math.max(peak, scores[key]!);
      }
      let total = 0;
      for (let key = 0; key < seq; key++) {
        if (allowed[query * seq + key] === 0) continue;
        scores[key] = Math.exp(scores[key]! - peak);
        total += scores[key]!;
      }
      for (let key = 0; key < seq; key++) {
        if (allowed[query * seq + key] === 0) continue;
        const probability = scores[key]! / total;
        for (let i = 0; i < headDim; i++) output[qOffset + i] = output[qOffset + i]! + probability * v[key * kvWidth + kvOffset + i]!;
      }
    }
  }
  return output;
}

function addInPlace(target: Float64Array, addend: Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i] = target[i]! + addend[i]!;
}

/** The decoder stack for one row, ending with the final norm: [seq][hidden]. Rows never see each other. */
function hiddenStatesOfRow(config: QwenConfig, model: ModelWeights, row: Row, options: ReferenceOptions): Float64Array {
  const { hiddenSize, numHeads, numKeyValueHeads, headDim, intermediateSize, rmsNormEps: eps } = config;
  const seq = row.ids.length;
  const x = new Float64Array(seq * hiddenSize);
  row.ids.forEach((id, t) => x.set(model.embedTokens.subarray(id * hiddenSize, (id + 1) * hiddenSize), t * hiddenSize));
  const allowed = allowedKeys(row, options);
  const { cos, sin } = rotaryAngles(row.positions, headDim, config.ropeTheta);
  const half = headDim / 2;

  for (const layer of model.layers) {
    const attentionInput = rmsNormRows(x, seq, hiddenSize, layer.inputNorm, eps);
    let q = linear(attentionInput, seq, layer.qProj, layer.qBias, hiddenSize, numHeads * headDim);
    let k = linear(attentionInput, seq, layer.kProj, layer.kBias, hiddenSize, numKeyValueHeads * headDim);
    const v = linear(attentionInput, seq, layer.vProj, layer.vBias, hiddenSize, numKeyValueHeads * headDim);
    // Qwen3 normalises each head's query and key before the rotation.
    if (layer.qNorm !== undefined) q = rmsNormRows(q, seq * numHeads, headDim, layer.qNorm, eps);
    if (layer.kNorm !== undefined) k = rmsNormRows(k, seq * numKeyValueHeads, headDim, layer.kNorm, eps);
    for (let t = 0; t < seq; t++) {
      for (let head = 0; head < numHeads; head++) rotateHead(q, (t * numHeads + head) * headDim, half, cos, sin, t * half);
      for (let head = 0; head < numKeyValueHeads; head++) rotateHead(k, (t * numKeyValueHeads + head) * headDim, half, cos, sin, t * half);
    }
    const attended = attendRow(config, q, k, v, seq, allowed);
    addInPlace(x, linear(attended, seq, layer.oProj, undefined, numHeads * headDim, hiddenSize));

    const mlpInput = rmsNormRows(x, seq, hiddenSize, layer.postAttentionNorm, eps);
    const gate = linear(mlpInput, seq, layer.gateProj, undefined, hiddenSize, intermediateSize);
    const up = linear(mlpInput, seq, layer.upProj, undefined, hiddenSize, intermediateSize);
    for (let i = 0; i < gate.length; i++) gate[i] = (gate[i]! / (1 + Math.exp(-gate[i]!))) * up[i]!; // silu(gate) * up
    addInPlace(x, linear(gate, seq, layer.downProj, undefined, intermediateSize, hiddenSize));
  }
  return rmsNormRows(x, seq, hiddenSize, model.finalNorm, eps);
}

/** The hidden states after the final norm, the LM head's input: one Float64Array per batch row, [seq][hidden] row-major. */
export function referenceHiddenStates(config: QwenConfig, weights: TensorLookup, inputIds: number[][], options: ReferenceOptions): Float64Array[] {
  const rows = resolveRows(config, inputIds, options);
  const model = loadWeights(config, weights);
  return rows.map((row) => hiddenStatesOfRow(config, model, row, options));
}

/** Logits for every position: one Float64Array per batch row, [seq][vocab] row-major (the layout of one row of the ONNX [batch, seq, vocab] output). */
export function referenceForward(config: QwenConfig, weights: TensorLookup, inputIds: number[][], options: ReferenceOptions): Float64Array[] {
  const rows = resolveRows(config, inputIds, options);
  const model = loadWeights(config, weights);
  return rows.map((row) => {
    const hidden = hiddenStatesOfRow(config, model, row, options);
    return linear(hidden, row.ids.length, model.lmHead, undefined, config.hiddenSize, config.vocabSize);
  });
}

/**
 * Logits only at the given positions of each row: result[b][k] is the [vocab] logits at positions[b][k]. The LM head
 * is the costly part with a real vocabulary, so it runs for the requested positions only. The values are identical
 * to referenceForward's at those positions.
 */
export function referenceLogitsAt(config: QwenConfig, weights: TensorLookup, inputIds: number[][], options: ReferenceOptions, positions: number[][]): Float64Array[][] {
  const rows = resolveRows(config, inputIds, options);
  if (positions.length !== rows.length) throw new Error(`referenceLogitsAt: positions has ${positions.length} rows; inputIds has ${rows.length}.`);
  const model = loadWeights(config, weights);
  const { hiddenSize, vocabSize } = config;
  return rows.map((row, b) => {
    const wanted = positions[b]!;
    const seq = row.ids.length;
    const bad = wanted.findIndex((position) => !Number.isInteger(position) || position < 0 || position >= seq);
    if (bad >= 0) throw new Error(`referenceLogitsAt: positions[${b}][${bad}] is ${wanted[bad]}; expected a position in [0, ${seq}).`);
    const hidden = hiddenStatesOfRow(config, model, row, options);
    const picked = new Float64Array(wanted.length * hiddenSize);
    wanted.forEach((position, k) => picked.set(hidden.subarray(position * hiddenSize, (position + 1) * hiddenSize), k * hiddenSize));
    const logits = linear(picked, wanted.length, model.lmHead, undefined, hiddenSize, vocabSize);
    return wanted.map((_, k) => logits.slice(k * vocabSize, (k + 1) * vocabSize));
  });
}
