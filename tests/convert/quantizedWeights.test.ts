import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { DataType, GraphBuilder, placeExternal } from '../../src/convert/onnxGraph';
import { type QuantizedWeights, q4Weights, q8Weights } from '../../src/convert/quantizedWeights';
import { quantizeQ4 } from '../../src/convert/quantizeQ4';
import { quantizeQ8 } from '../../src/convert/quantizeQ8';
import { parseQwenConfig } from '../../src/convert/qwenConfig';
import { buildQwenGraph } from '../../src/convert/qwenGraph';
import { createRng } from '../../src/random/rng';
import { dequantizeQ4 } from '../support/dequantizeQ4';

// A table of 11 rows of 72 columns: three 4-bit blocks a row (an odd count, the last one short).
const ROWS = 11;
const COLS = 72;
const rng = createRng(9);
const table = Float32Array.from({ length: ROWS * COLS }, () => 0.05 * rng.nextNormal());
const hidden = Float32Array.from({ length: 2 * 3 * COLS }, () => rng.nextNormal());
const ids = [3, 0, 10, 7, 7, 1];

/** The embedding of `ids` and the tied head over `hidden`, as one ONNX model with its external data. */
async function embedAndHead(pieces: (g: GraphBuilder) => QuantizedWeights) {
  const g = new GraphBuilder();
  const weights = pieces(g);
  const rows = weights.embed(g.input('ids', DataType.INT64, [2, 3]), 'table', ROWS, COLS);
  const logits = weights.head(g.input('hidden', DataType.FLOAT, ['batch', 'sequence', COLS]), 'table', ROWS, COLS);
  g.output(rows, 'rows', DataType.FLOAT, [2, 3, COLS]);
  g.output(logits, 'logits', DataType.FLOAT, ['batch', 'sequence', ROWS]);
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of g.externalTensors) {
    const bytes = await tensor.produce();
    placeExternal(tensor, 'weights.bin', offset);
    parts.push(bytes.slice());
    offset += bytes.byteLength;
  }
  const data = new Uint8Array(offset);
  parts.reduce((at, part) => (data.set(part, at), at + part.byteLength), 0);
  return { model: g.encode({ '': 17, 'com.microsoft': 1 }, 'test'), data, tensorCount: g.externalTensors.length };
}

const builds = {
  'onnxruntime-web (Node, WASM)': async () => (await import('onnxruntime-web')) as typeof Ort,
  // The build the app loads; its WASM provider lacks some CPU kernels (GatherBlockQuantized). Its
  // ES bundle does not load under Vitest (a dynamic require of node:os), its CommonJS build does.
  'onnxruntime-web/webgpu on its WASM provider': async () => createRequire(import.meta.url)('onnxruntime-web/webgpu') as typeof Ort,
};

/** Runs the model on `ids` and on the first batch x sequence rows of `hidden` (all six unless asked). */
async function run(build: keyof typeof builds, model: { model: Uint8Array; data: Uint8Array }, [batch, sequence] = [2, 3]) {
  const ort = await builds[build]();
  const session = await ort.InferenceSession.create(model.model, { executionProviders: ['wasm'], externalData: [{ path: 'weights.bin', data: model.data }] });
  const outputs = await session.run({
    ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [2, 3]),
    hidden: new ort.Tensor('float32', hidden.slice(0, batch * sequence * COLS), [batch, sequence, COLS]),
  });
  const result = { rows: outputs.rows!.data as Float32Array, logits: outputs.logits!.data as Float32Array };
  await session.release();
  return result;
}

/** Rows of `dequantized` at `ids`, and hidden x dequantized^T. */
function expected(dequantized: Float32Array) {
  const rows = new Float32Array(ids.length * COLS);
  ids.forEach((id, i) => rows.set(dequantized.subarray(id * COLS, (id + 1) * COLS), i * COLS));
  const logits = new Float32Array(ids.length * ROWS);
  for (let t = 0; t < ids.length; t++) {
    for (let r = 0; r < ROWS; r++) {
      let sum = 0;
      for (let c = 0; c < COLS; c++) sum += hidden[t * COLS + c]! * dequantized[r * COLS + c]!;
      logits[t * ROWS + r] = sum;
    }
  }
  return { rows, logits };
}

const maxAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const relative = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / b.reduce((s, v) => s + v * v, 0));

describe.each(Object.keys(builds) as (keyof typeof builds)[])('quantised embedding and tied head on %s', (build) => {
  const weights = { read: async () => table };

  it('q4: looks rows up exactly as dequantizeQ4 gives them, and the head multiplies by the same 4-bit bytes', async () => {
    const model = await embedAndHead((g) => q4Weights(g, weights));
    expect(model.tensorCount).toBe(3);
    const { rows, logits } = await run(build, model);
    const want = expected(dequantizeQ4(quantizeQ4(table, ROWS, COLS)));
    expect(maxAbs(rows, want.rows)).toBeLessThan(1e-7);
    expect(maxAbs(logits, want.logits)).toBeLessThan(1e-4);
  });

  it('q4: gives one, two or three rows the logits they get among six (the head pads them to four rows)', async () => {
    const model = await embedAndHead((g) => q4Weights(g, weights));
    const all = (await run(build, model)).logits;
    const shapes: [number, number][] = [
      [1, 1],
      [1, 2],
      [1, 3],
      [3, 1],
    ];
    for (const shape of shapes) {
      const { logits } = await run(build, model, shape);
      expect(logits).toHaveLength(shape[0]! * shape[1]! * ROWS);
      expect(maxAbs(logits, all.subarray(0, logits.length))).toBeLessThan(1e-6);
    }
  });

  it('q8: looks rows up as codes x row scale, and the head reads the same int8 table (activations quantised per tensor)', async () => {
    const model = await embedAndHead((g) => q8Weights(g, weights));
    expect(model.tensorCount).toBe(2);
    const { rows, logits } = await run(build, model);
    const q = quantizeQ8(table, ROWS, COLS);
    const want = expected(Float32Array.from(q.codes, (code, i) => code * q.scales[Math.floor(i / COLS)]!));
    expect(maxAbs(rows, want.rows)).toBeLessThan(1e-7);
    expect(relative(logits, want.logits)).toBeLessThan(0.02);
  });
});

describe('the 0.5B shape at each precision, counted from the graph the converter builds', () => {
  // Qwen2.5-Coder-0.5B's config.json fields (the shape bench/precision-speed.ts measures).
  const config = parseQwenConfig({
    model_type: 'qwen2',
    hidden_size: 896,
    num_hidden_layers: 24,
    num_attention_heads: 14,
    num_key_value_heads: 2,
    intermediate_size: 4864,
    vocab_size: 151936,
    max_position_embeddings: 32768,
    rms_norm_eps: 1e-6,
    rope_theta: 1e6,
    tie_word_embeddings: true,
  });
  const unread = { read: () => Promise.reject(new Error('counting needs no weights')) };
  const tensorsOf = (precision: 'q4' | 'q8') => buildQwenGraph({ config, kind: 'autoregressive', precision, weights: unread, toFloat16: () => new Uint8Array() }).externalTensors;

  it.each([
    ['q4', 350e6],
    ['q8', 600e6],
  ] as const)('%s holds no float32 table beside its quantised one and stays under %d bytes', (precision, bound) => {
    const tensors = tensorsOf(precision);
    const floatTables = tensors.filter((t) => t.proto.dataType === DataType.FLOAT && t.byteLength >= 151936 * 896 * 4);
    expect(floatTables.map((t) => t.proto.name)).toEqual([]);
    expect(tensors.filter((t) => String(t.proto.name).startsWith('model.embed_tokens.')).length).toBe(precision === 'q4' ? 3 : 2);
    expect(tensors.reduce((sum, t) => sum + t.byteLength, 0)).toBeLessThan(bound);
  });
});
