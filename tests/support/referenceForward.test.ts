import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedTensors, type QwenConfig } from '../../src/convert/qwenConfig';
import { applyRotary, type ReferenceOptions, referenceForward, referenceHiddenStates, referenceLogitsAt, rmsNorm, type TensorLookup } from './referenceForward';

type Weights = Map<string, Float64Array>;

/** A deterministic generator (mulberry32), so every run builds the same weights. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** hidden 8, 2 query heads sharing 1 kv head of dim 4, 2 layers, vocab 11: Qwen2 with q/k/v biases. */
function tinyConfig(overrides: Partial<QwenConfig> = {}): QwenConfig {
  return {
    architecture: 'qwen2',
    hiddenSize: 8,
    numLayers: 2,
    numHeads: 2,
    numKeyValueHeads: 1,
    headDim: 4,
    intermediateSize: 12,
    vocabSize: 11,
    maxPositions: 64,
    ropeTheta: 10000,
    rmsNormEps: 1e-6,
    tieWordEmbeddings: true,
    attentionBias: true,
    qkNorm: false,
    ...overrides,
  };
}

const QWEN3: Partial<QwenConfig> = { architecture: 'qwen3', attentionBias: false, qkNorm: true };

/** Every tensor the config needs: norm weights near 1, everything else in [-0.5, 0.5). */
function randomWeights(config: QwenConfig, seed: number): Weights {
  const next = randomSource(seed);
  const weights: Weights = new Map();
  for (const [name, shape] of expectedTensors(config)) {
    const isNorm = /norm\.weight$/.test(name);
    const values = new Float64Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = isNorm ? 0.8 + 0.4 * next() : next() - 0.5;
    weights.set(name, values);
  }
  return weights;
}

function lookup(weights: Weights): TensorLookup {
  return (name) => {
    const tensor = weights.get(name);
    if (tensor === undefined) throw new Error(`test weights lack ${name}`);
    return tensor;
  };
}

/** A copy whose named tensor is replaced by edit(copy of it). */
function withTensor(weights: Weights, name: string, edit: (values: Float64Array) => void): Weights {
  const copy = new Map(weights);
  const values = Float64Array.from(weights.get(name)!);
  edit(values);
  copy.set(name, values);
  return copy;
}

/** The logits of one position out of a row of referenceForward's [seq][vocab] output. */
function at(rowLogits: Float64Array, position: number, vocab: number): number[] {
  return Array.from(rowLogits.subarray(position * vocab, (position + 1) * vocab));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

const causal: ReferenceOptions = { attention: 'causal' };
const bidirectional: ReferenceOptions = { attention: 'bidirectional' };

describe('rmsNorm', () => {
  it('divides by the root mean square and scales by the weight', () => {
    // mean(x^2) = (1 + 4 + 9 + 16) / 4 = 7.5
    const expected = [1, 2, 3, 4].map((x, i) => ([1, 1, 2, 0.5][i]! * x) / Math.sqrt(7.5));
    expect(maxAbsDiff(rmsNorm([1, 2, 3, 4], [1, 1, 2, 0.5], 0), expected)).toBeLessThan(1e-15);
  });

  it('adds eps to the mean square, inside the root', () => {
    // mean(x^2) = 1, so 1 / sqrt(1 + 3) = 0.5 exactly
    expect(Array.from(rmsNorm([1, -1], [1, 1], 3))).toEqual([0.5, -0.5]);
  });
});

describe('applyRotary', () => {
  it('is the identity at position 0', () => {
    expect(Array.from(applyRotary([0.3, -1.2, 2.5, 0.7], 0, 10000))).toEqual([0.3, -1.2, 2.5, 0.7]);
  });

  it('rotates element i with element i + d/2 by position / theta^(2i/d) (rotate-half layout)', () => {
    const [q0, q1, q2, q3] = [1, 2, 3, 4];
    const position = 3;
    const a0 = position * 1; // i = 0: theta^0
    const a1 = position / Math.sqrt(100); // i = 1: theta^(2/4) with theta 100
    const expected = [q0 * Math.cos(a0) - q2 * Math.sin(a0), q1 * Math.cos(a1) - q3 * Math.sin(a1), q2 * Math.cos(a0) + q0 * Math.sin(a0), q3 * Math.cos(a1) + q1 * Math.sin(a1)];
    expect(maxAbsDiff(applyRotary([q0, q1, q2, q3], position, 100), expected)).toBeLessThan(1e-14);
  });

  it('makes q.k depend only on the offset between their positions', () => {
    const next = randomSource(7);
    const q = Array.from({ length: 8 }, () => next() - 0.5);
    const k = Array.from({ length: 8 }, () => next() - 0.5);
    const score = (qPosition: number, kPosition: number): number => dot(applyRotary(q, qPosition, 10000), applyRotary(k, kPosition, 10000));
    expect(Math.abs(score(2, 9) - score(7, 14))).toBeLessThan(1e-12);
    expect(Math.abs(score(11, 3) - score(16, 8))).toBeLessThan(1e-12);
    // ...and does depend on that offset, so the checks above are not vacuous.
    expect(Math.abs(score(2, 9) - score(2, 10))).toBeGreaterThan(1e-3);
  });
});

describe('referenceForward: attention masks', () => {
  const config = tinyConfig();
  const weights = lookup(randomWeights(config, 1));
  const vocab = config.vocabSize;

  it('causal: the logits at position i do not depend on tokens after i', () => {
    const [before] = referenceForward(config, weights, [[3, 1, 4, 1, 5]], causal);
    const [after] = referenceForward(config, weights, [[3, 1, 4, 9, 2]], causal);
    for (const position of [0, 1, 2]) expect(at(after!, position, vocab)).toEqual(at(before!, position, vocab));
    expect(maxAbsDiff(at(after!, 3, vocab), at(before!, 3, vocab))).toBeGreaterThan(1e-6);
  });

  it('block-causal: a block sees itself and earlier blocks, never a later one', () => {
    const blocks: ReferenceOptions = { attention: 'block-causal', blockSize: 2 };
    const [before] = referenceForward(config, weights, [[3, 1, 4, 1, 5, 9]], blocks);
    const [later] = referenceForward(config, weights, [[3, 1, 4, 1, 2, 6]], blocks);
    for (const position of [0, 1, 2, 3]) expect(at(later!, position, vocab)).toEqual(at(before!, position, vocab));
    // Position 2 sees position 3, in its own block.
    const [sameBlock] = referenceForward(config, weights, [[3, 1, 4, 7, 5, 9]], blocks);
    expect(maxAbsDiff(at(sameBlock!, 2, vocab), at(before!, 2, vocab))).toBeGreaterThan(1e-6);
    expect(at(sameBlock!, 1, vocab)).toEqual(at(before!, 1, vocab));
  });

  it('bidirectional: the logits at position 0 depend on the last token', () => {
    const [before] = referenceForward(config, weights, [[3, 1, 4, 1, 5]], bidirectional);
    const [after] = referenceForward(config, weights, [[3, 1, 4, 1, 2]], bidirectional);
    expect(maxAbsDiff(at(after!, 0, vocab), at(before!, 0, vocab))).toBeGreaterThan(1e-6);
  });

  it.each([['bidirectional' as const], ['causal' as const]])('%s: a padding token is invisible to real tokens', (attention) => {
    const attentionMask = [[1, 1, 1, 0]];
    const [padded] = referenceForward(config, weights, [[3, 1, 4, 7]], { attention, attentionMask });
    const [otherPad] = referenceForward(config, weights, [[3, 1, 4, 2]], { attention, attentionMask });
    const [unpadded] = referenceForward(config, weights, [[3, 1, 4]], { attention });
    for (const position of [0, 1, 2]) {
      expect(at(otherPad!, position, vocab)).toEqual(at(padded!, position, vocab));
      expect(at(unpadded!, position, vocab)).toEqual(at(padded!, position, vocab));
    }
  });

  it('left padding with matching position ids gives the unpadded logits', () => {
    const [padded] = referenceForward(config, weights, [[7, 3, 1, 4]], { attention: 'causal', attentionMask: [[0, 1, 1, 1]], positionIds: [[0, 0, 1, 2]] });
    const [unpadded] = referenceForward(config, weights, [[3, 1, 4]], causal);
    for (const position of [0, 1, 2]) expect(at(padded!, position + 1, vocab)).toEqual(at(unpadded!, position, vocab));
  });

  it('position ids change the result (they feed the rotation)', () => {
    const [shifted] = referenceForward(config, weights, [[3, 1, 4]], { attention: 'causal', positionIds: [[0, 2, 5]] });
    const [plain] = referenceForward(config, weights, [[3, 1, 4]], causal);
    expect(maxAbsDiff(at(shifted!, 2, vocab), at(plain!, 2, vocab))).toBeGreaterThan(1e-6);
  });

  it('a query with every key masked gets a zero attention output', () => {
    // Left padding under causal attention: position 0 may see only key 0, which is padding.
    const oneLayer = tinyConfig({ numLayers: 1 });
    const full = randomWeights(oneLayer, 2);
    const noAttention = withTensor(full, 'model.layers.0.self_attn.o_proj.weight', (values) => values.fill(0));
    const options: ReferenceOptions = { attention: 'causal', attentionMask: [[0, 1, 1]] };
    const [masked] = referenceHiddenStates(oneLayer, lookup(full), [[5, 3, 1]], options);
    const [silenced] = referenceHiddenStates(oneLayer, lookup(noAttention), [[5, 3, 1]], options);
    const hidden = oneLayer.hiddenSize;
    expect(Array.from(masked!.subarray(0, hidden))).toEqual(Array.from(silenced!.subarray(0, hidden)));
    expect(masked!.every(Number.isFinite)).toBe(true);
  });
});

describe('referenceForward: grouped-query attention', () => {
  // 4 query heads over 2 kv heads: heads 0 and 1 read kv head 0, heads 2 and 3 read kv head 1.
  const gqa = tinyConfig({ numHeads: 4, numKeyValueHeads: 2 });
  const mha = tinyConfig({ numHeads: 4, numKeyValueHeads: 4 });
  const gqaWeights = randomWeights(gqa, 3);
  const ids = [[2, 7, 1, 8, 2]];

  /** MHA weights whose kv head j is a copy of GQA kv head kvHeadFor(j). */
  function asMultiHead(kvHeadFor: (head: number) => number): Weights {
    const expanded = new Map(gqaWeights);
    const { headDim, hiddenSize } = gqa;
    for (let layer = 0; layer < gqa.numLayers; layer++) {
      for (const projection of ['k_proj', 'v_proj']) {
        for (const [suffix, rowSize] of [
          ['weight', hiddenSize],
          ['bias', 1],
        ] as const) {
          const name = `model.layers.${layer}.self_attn.${projection}.${suffix}`;
          const source = gqaWeights.get(name)!;
          const target = new Float64Array(mha.numKeyValueHeads * headDim * rowSize);
          for (let head = 0; head < mha.numKeyValueHeads; head++) {
            const block = headDim * rowSize;
            target.set(source.subarray(kvHeadFor(head) * block, (kvHeadFor(head) + 1) * block), head * block);
          }
          expanded.set(name, target);
        }
      }
    }
    return expanded;
  }

  it('equals multi-head attention with each kv head repeated for its group (repeat_kv)', () => {
    const grouped = referenceForward(gqa, lookup(gqaWeights), ids, causal);
    const repeated = referenceForward(mha, lookup(asMultiHead((head) => Math.floor(head / 2))), ids, causal);
    expect(Array.from(grouped[0]!)).toEqual(Array.from(repeated[0]!));
  });

  it('differs from assigning kv heads round-robin, so the check above can fail', () => {
    const grouped = referenceForward(gqa, lookup(gqaWeights), ids, causal);
    const roundRobin = referenceForward(mha, lookup(asMultiHead((head) => head % 2)), ids, causal);
    expect(maxAbsDiff(grouped[0]!, roundRobin[0]!)).toBeGreaterThan(1e-6);
  });
});

describe('referenceForward: Qwen3 q/k norm', () => {
  // A tiny eps, so that only the norm's eps term keeps it from being exactly scale invariant.
  const qwen3 = tinyConfig({ ...QWEN3, rmsNormEps: 1e-14 });
  const weights = randomWeights(qwen3, 4);
  const ids = [[4, 0, 9, 3]];
  /** Scales the rows of query head 0 (the first headDim rows of q_proj) in every layer. */
  const scaleHeadZero = (source: Weights): Weights => {
    let scaled = source;
    for (let layer = 0; layer < qwen3.numLayers; layer++) {
      scaled = withTensor(scaled, `model.layers.${layer}.self_attn.q_proj.weight`, (values) => {
        for (let i = 0; i < qwen3.headDim * qwen3.hiddenSize; i++) values[i] = values[i]! * 7;
      });
    }
    return scaled;
  };

  it('changes the result compared with the same weights without q/k norm', () => {
    const withNorm = referenceForward(qwen3, lookup(weights), ids, causal);
    const withoutNorm = referenceForward({ ...qwen3, qkNorm: false }, lookup(weights), ids, causal);
    expect(maxAbsDiff(withNorm[0]!, withoutNorm[0]!)).toBeGreaterThan(1e-6);
  });

  it('normalises each query head on its own: scaling one head of q_proj changes nothing', () => {
    const base = referenceForward(qwen3, lookup(weights), ids, causal);
    const scaled = referenceForward(qwen3, lookup(scaleHeadZero(weights)), ids, causal);
    expect(maxAbsDiff(base[0]!, scaled[0]!)).toBeLessThan(1e-9);
  });

  it('without q/k norm, the same scaling does change the result', () => {
    const plain = { ...qwen3, qkNorm: false };
    const base = referenceForward(plain, lookup(weights), ids, causal);
    const scaled = referenceForward(plain, lookup(scaleHeadZero(weights)), ids, causal);
    expect(maxAbsDiff(base[0]!, scaled[0]!)).toBeGreaterThan(1e-6);
  });
});

describe('referenceForward: LM head', () => {
  const ids = [[1, 2, 3]];

  it.each([
    ['untied: lm_head.weight', false, 'lm_head.weight'],
    ['tied: the embedding matrix', true, 'model.embed_tokens.weight'],
  ])('%s', (_, tieWordEmbeddings, headName) => {
    const config = tinyConfig({ tieWordEmbeddings });
    const weights = randomWeights(tinyConfig({ tieWordEmbeddings: false }), 5);
    const [hidden] = referenceHiddenStates(config, lookup(weights), ids, causal);
    const [logits] = referenceForward(config, lookup(weights), ids, causal);
    const head = weights.get(headName)!;
    const { hiddenSize, vocabSize } = config;
    for (let position = 0; position < ids[0]!.length; position++) {
      const state = hidden!.subarray(position * hiddenSize, (position + 1) * hiddenSize);
      const expected = Array.from({ length: vocabSize }, (_, v) => dot(state, head.subarray(v * hiddenSize, (v + 1) * hiddenSize)));
      expect(maxAbsDiff(at(logits!, position, vocabSize), expected)).toBeLessThan(1e-12);
    }
  });

  it('tied and untied differ when lm_head.weight differs from the embedding', () => {
    const weights = lookup(randomWeights(tinyConfig({ tieWordEmbeddings: false }), 5));
    const [tied] = referenceForward(tinyConfig({ tieWordEmbeddings: true }), weights, ids, causal);
    const [untied] = referenceForward(tinyConfig({ tieWordEmbeddings: false }), weights, ids, causal);
    expect(maxAbsDiff(tied!, untied!)).toBeGreaterThan(1e-6);
  });
});

describe('referenceForward: batches and positions', () => {
  const config = tinyConfig();
  const weights = lookup(randomWeights(config, 6));

  it('batch rows are independent', () => {
    const first = referenceForward(
      config,
      weights,
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ],
      bidirectional,
    );
    const second = referenceForward(
      config,
      weights,
      [
        [1, 2, 3, 4],
        [9, 0, 10, 3],
      ],
      bidirectional,
    );
    const alone = referenceForward(config, weights, [[1, 2, 3, 4]], bidirectional);
    expect(Array.from(second[0]!)).toEqual(Array.from(first[0]!));
    expect(Array.from(alone[0]!)).toEqual(Array.from(first[0]!));
    expect(maxAbsDiff(second[1]!, first[1]!)).toBeGreaterThan(1e-6);
  });

  it('returns one [seq * vocab] array per row', () => {
    const logits = referenceForward(
      config,
      weights,
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      causal,
    );
    expect(logits.map((row) => row.length)).toEqual([3 * config.vocabSize, 3 * config.vocabSize]);
  });

  it('referenceLogitsAt equals referenceForward at the requested positions', () => {
    const ids = [
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
    ];
    const options: ReferenceOptions = {
      attention: 'causal',
      attentionMask: [
        [1, 1, 1, 1, 1],
        [1, 1, 1, 0, 0],
      ],
    };
    const full = referenceForward(config, weights, ids, options);
    const picked = referenceLogitsAt(config, weights, ids, options, [[4, 0, 2], [1]]);
    expect(picked.map((row) => row.length)).toEqual([3, 1]);
    expect(Array.from(picked[0]![0]!)).toEqual(at(full[0]!, 4, config.vocabSize));
    expect(Array.from(picked[0]![1]!)).toEqual(at(full[0]!, 0, config.vocabSize));
    expect(Array.from(picked[0]![2]!)).toEqual(at(full[0]!, 2, config.vocabSize));
    expect(Array.from(picked[1]![0]!)).toEqual(at(full[1]!, 1, config.vocabSize));
  });

  it('accepts float32 tensors, computing in float64 from their values', () => {
    const weights64 = randomWeights(config, 6);
    const as32 = new Map([...weights64].map(([name, values]) => [name, Float32Array.from(values)]));
    const rounded = new Map([...weights64].map(([name, values]) => [name, values.map(Math.fround)]));
    const from32 = referenceForward(config, (name) => as32.get(name)!, [[1, 2, 3]], causal);
    const from64 = referenceForward(config, lookup(rounded), [[1, 2, 3]], causal);
    expect(Array.from(from32[0]!)).toEqual(Array.from(from64[0]!));
  });
});

describe('referenceForward: refused inputs', () => {
  const config = tinyConfig();
  const weights = randomWeights(config, 8);

  it('names a tensor of the wrong size', () => {
    const short = new Map(weights);
    short.set('model.layers.1.mlp.up_proj.weight', new Float64Array(5));
    expect(() => referenceForward(config, lookup(short), [[1]], causal)).toThrow(/model\.layers\.1\.mlp\.up_proj\.weight holds 5 values; its shape \[12, 8\] needs 96/);
  });

  it('refuses token ids outside the vocabulary and masks of the wrong shape', () => {
    expect(() => referenceForward(config, lookup(weights), [[1, 11]], causal)).toThrow(/inputIds\[0\]\[1\] is 11/);
    expect(() => referenceForward(config, lookup(weights), [[1, 2]], { attention: 'causal', attentionMask: [[1]] })).toThrow(/attentionMask\[0\] has 1 entries/);
    expect(() => referenceLogitsAt(config, lookup(weights), [[1, 2]], causal, [[2]])).toThrow(/positions\[0\]\[0\] is 2/);
  });

  it('refuses Qwen3 with attention_bias, whose o_proj bias expectedTensors does not list', () => {
    const qwen3WithBias = tinyConfig({ ...QWEN3, attentionBias: true });
    expect(() => referenceForward(qwen3WithBias, lookup(randomWeights(qwen3WithBias, 9)), [[1]], causal)).toThrow(/o_proj\.bias/);
  });
});

/**
 * An independent numpy implementation, written in the tensor form of transformers (cat(freqs, freqs) and
 * rotate_half, np.repeat for repeat_kv, a boolean mask with a -inf fill) rather than in the per-element loops of
 * referenceForward.ts, so the two share no code path.
 */
const NUMPY_QWEN = `
import json, sys
import numpy as np

def rms_norm(x, w, eps):
    return w * (x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps))

def rotate_half(x):
    half = x.shape[-1] // 2
    return np.concatenate([-x[..., half:], x[..., :half]], axis=-1)

def forward(case):
    c = case['config']
    W = {name: np.array(t['data'], dtype=np.float64).reshape(t['shape']) for name, t in case['tensors'].items()}
    ids = np.array(case['inputIds'])
    mask = np.array(case['attentionMask']).astype(bool)
    pos = np.array(case['positionIds'], dtype=np.float64)
    B, S = ids.shape
    H, KV, D, eps = c['numHeads'], c['numKeyValueHeads'], c['headDim'], c['rmsNormEps']

    inv_freq = 1.0 / (c['ropeTheta'] ** (np.arange(0, D, 2, dtype=np.float64) / D))
    freqs = pos[:, :, None] * inv_freq[None, None, :]
    emb = np.concatenate([freqs, freqs], axis=-1)
    cos, sin = np.cos(emb)[:, None], np.sin(emb)[:, None]          # B, 1, S, D

    allowed = np.broadcast_to(mask[:, None, None, :], (B, 1, S, S))
    if case['attention'] == 'causal':
        allowed = allowed & np.tril(np.ones((S, S), dtype=bool))[None, None]
    if case['attention'] == 'block-causal':
        block = np.floor(pos / case['blockSize'])
        allowed = allowed & (block[:, None, None, :] <= block[:, None, :, None])

    x = W['model.embed_tokens.weight'][ids]
    for layer in range(c['numLayers']):
        p = 'model.layers.%d.' % layer
        def proj(t, name):
            y = t @ W[p + name + '.weight'].T
            bias = W.get(p + name + '.bias')
            return y if bias is None else y + bias
        h = rms_norm(x, W[p + 'input_layernorm.weight'], eps)
        q = proj(h, 'self_attn.q_proj').reshape(B, S, H, D)
        k = proj(h, 'self_attn.k_proj').reshape(B, S, KV, D)
        v = proj(h, 'self_attn.v_proj').reshape(B, S, KV, D)
        if c['qkNorm']:
            q = rms_norm(q, W[p + 'self_attn.q_norm.weight'], eps)
            k = rms_norm(k, W[p + 'self_attn.k_norm.weight'], eps)
        q, k, v = (t.transpose(0, 2, 1, 3) for t in (q, k, v))
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = np.repeat(k, H // KV, axis=1)
        v = np.repeat(v, H // KV, axis=1)
        scores = np.where(allowed, (q @ k.transpose(0, 1, 3, 2)) / np.sqrt(D), -np.inf)
        peak = scores.max(axis=-1, keepdims=True)
        peak = np.where(np.isfinite(peak), peak, 0.0)
        e = np.where(allowed, np.exp(scores - peak), 0.0)
        total = e.sum(axis=-1, keepdims=True)
        probs = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
        attn = (probs @ v).transpose(0, 2, 1, 3).reshape(B, S, H * D)
        x = x + attn @ W[p + 'self_attn.o_proj.weight'].T
        h = rms_norm(x, W[p + 'post_attention_layernorm.weight'], eps)
        g = proj(h, 'mlp.gate_proj')
        x = x + proj(g / (1.0 + np.exp(-g)) * proj(h, 'mlp.up_proj'), 'mlp.down_proj')
    x = rms_norm(x, W['model.norm.weight'], eps)
    head = W['model.embed_tokens.weight'] if c['tieWordEmbeddings'] else W['lm_head.weight']
    return (x @ head.T).tolist()

with open(sys.argv[1]) as f:
    cases = json.load(f)
json.dump([forward(case) for case in cases], sys.stdout)
`;

interface CrossCheckCase {
  name: string;
  config: QwenConfig;
  weights: Weights;
  inputIds: number[][];
  options: Required<Omit<ReferenceOptions, 'blockSize' | 'blockIds'>> & { blockSize?: number };
}

/** Why the numpy cross-check cannot run on this machine, or null where python3 has numpy. */
function numpyMissing(): string | null {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'pipe' });
    return null;
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'python3 is not on PATH' : '`python3 -c "import numpy"` failed';
    return `skipped: the numpy cross-check needs python3 with numpy (apt-get install python3-numpy, or pip install numpy); here ${why}.`;
  }
}

function runNumpy(cases: CrossCheckCase[]): number[][][][] {
  const directory = mkdtempSync(join(tmpdir(), 'reference-forward-'));
  try {
    const file = join(directory, 'cases.json');
    const payload = cases.map(({ config, weights, inputIds, options }) => ({
      config,
      tensors: Object.fromEntries([...expectedTensors(config)].map(([name, shape]) => [name, { shape, data: Array.from(weights.get(name)!) }])),
      inputIds,
      attention: options.attention,
      attentionMask: options.attentionMask,
      positionIds: options.positionIds,
      blockSize: options.blockSize ?? null,
    }));
    writeFileSync(file, JSON.stringify(payload));
    return JSON.parse(execFileSync('python3', ['-c', NUMPY_QWEN, file], { encoding: 'utf8', maxBuffer: 64 << 20 })) as number[][][][];
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describe('referenceForward: cross-check against an independent numpy implementation', () => {
  // GQA (4 query heads, 2 kv heads) with biases; the Qwen3 case has head_dim != hidden / heads and an untied head.
  const qwen2 = tinyConfig({ hiddenSize: 16, numHeads: 4, numKeyValueHeads: 2, headDim: 4, intermediateSize: 24, vocabSize: 19, ropeTheta: 1000 });
  const qwen3 = tinyConfig({ ...QWEN3, hiddenSize: 12, numHeads: 4, numKeyValueHeads: 2, headDim: 6, intermediateSize: 20, vocabSize: 17, tieWordEmbeddings: false });
  const ids = (vocab: number): number[][] => [
    [1, 5, 9, 2, 14 % vocab, 3],
    [7, 0, 11, 4, 8, 16 % vocab],
  ];
  // Row 0 is right-padded, row 1 left-padded (so under causal attention its position 0 sees no key at all).
  const attentionMask = [
    [1, 1, 1, 1, 0, 0],
    [0, 1, 1, 1, 1, 1],
  ];
  const defaultPositions = [
    [0, 1, 2, 3, 4, 5],
    [0, 1, 2, 3, 4, 5],
  ];
  const shiftedPositions = [
    [0, 1, 2, 3, 4, 5],
    [0, 0, 1, 2, 3, 4],
  ];
  const cases: CrossCheckCase[] = [
    { name: 'qwen2 causal, padded', config: qwen2, weights: randomWeights(qwen2, 10), inputIds: ids(19), options: { attention: 'causal', attentionMask, positionIds: shiftedPositions } },
    { name: 'qwen2 bidirectional, padded', config: qwen2, weights: randomWeights(qwen2, 10), inputIds: ids(19), options: { attention: 'bidirectional', attentionMask, positionIds: defaultPositions } },
    { name: 'qwen3 causal', config: qwen3, weights: randomWeights(qwen3, 11), inputIds: ids(17), options: { attention: 'causal', attentionMask, positionIds: defaultPositions } },
    { name: 'qwen3 bidirectional', config: qwen3, weights: randomWeights(qwen3, 11), inputIds: ids(17), options: { attention: 'bidirectional', attentionMask, positionIds: shiftedPositions } },
    {
      name: 'qwen3 block-causal, blocks of 2',
      config: qwen3,
      weights: randomWeights(qwen3, 12),
      inputIds: ids(23),
      options: { attention: 'block-causal', blockSize: 2, attentionMask, positionIds: shiftedPositions },
    },
    {
      name: 'qwen2 block-causal, blocks of 4',
      config: qwen2,
      weights: randomWeights(qwen2, 13),
      inputIds: ids(29),
      options: { attention: 'block-causal', blockSize: 4, attentionMask, positionIds: defaultPositions },
    },
  ];

  it('agrees within 1e-9 on every logit', (context) => {
    const missing = numpyMissing();
    if (missing) {
      // Said in the output as well as in the skip note, which not every reporter prints.
      console.warn(`referenceForward: ${missing}`);
      context.skip(missing);
    }
    const expected = runNumpy(cases);
    cases.forEach(({ name, config, weights, inputIds, options }, index) => {
      const actual = referenceForward(config, lookup(weights), inputIds, options);
      const numpyRows = expected[index]!;
      let largest = 0;
      actual.forEach((row, b) => {
        const flat = numpyRows[b]!.flat();
        largest = Math.max(largest, ...flat.map(Math.abs));
        expect(maxAbsDiff(row, flat), `${name}, row ${b}`).toBeLessThan(1e-9);
      });
      // Logits of order one, so agreeing within 1e-9 is not agreeing on zeros.
      expect(largest, name).toBeGreaterThan(0.1);
    });
  });
});
