/**
 * The page of npm run bench:webgpu-matmul (bench/webgpu-matmul.ts drives it): onnxruntime's
 * MatMulNBits as the converter's q4 graphs use it, at accuracy_level 0 (what the exports set) and
 * 4 (which lets the WebGPU provider take its DP4A program: activations quantised to int8 per block,
 * integer dot products), timed on this browser's backends and checked against float64.
 */

import { DataType, GraphBuilder } from '../src/convert/onnxGraph';
import { Q4_BLOCK_SIZE, type Q4Matrix, quantizeQ4 } from '../src/convert/quantizeQ4';
import type { Backend } from '../src/models/backendChoice';
import { createRng } from '../src/random/rng';
import { useSelfHostedWasm } from '../src/runtime/browserRuntime';
import { probeGpu } from '../src/runtime/gpuProbe';
import { ort } from '../src/runtime/ortSession';
import { dequantizeQ4 } from '../tests/support/dequantizeQ4';
import { compareRows } from '../tests/support/logitsParity';

export interface MatmulBenchRequest {
  backends: Backend[];
  accuracyLevels: number[];
  /** Rows of the activations: a decode step, the padded head's minimum, a span pass. */
  rows: number[];
  wasmUrl: string;
  wasmThreads: number;
}

export interface MatmulBenchRow {
  backend: Backend;
  accuracyLevel: number;
  rows: number;
  msPerMatmul: number;
  /** Of the last layer's output against float64 with the same 4-bit weights (first rows at most 4). */
  relativeError: number;
}

export interface MatmulBenchResult {
  adapter: string | null;
  subgroups: boolean;
  wasmThreads: number;
  rows: MatmulBenchRow[];
}

declare global {
  interface Window {
    matmulBench(request: MatmulBenchRequest): Promise<MatmulBenchResult>;
  }
}

/** The 0.5B shape's MLP: up [4,864 x 896] then down [896 x 4,864], four layers of them. */
const HIDDEN = 896;
const INTERMEDIATE = 4864;
const LAYERS = 4;
const MATMULS = 2 * LAYERS;
const TIMED_RUNS = 3;
const CHECKED_ROWS = 4;

/** Random weights whose products keep the activations' scale: uniform with variance 1 / inputs. */
function randomWeights(rows: number, cols: number, seed: number): Q4Matrix {
  const rng = createRng(seed);
  const bound = Math.sqrt(3 / cols);
  return quantizeQ4(
    Float32Array.from({ length: rows * cols }, () => (2 * rng.nextFloat() - 1) * bound),
    rows,
    cols,
  );
}

async function matmulGraph(up: Q4Matrix, down: Q4Matrix, accuracyLevel: number): Promise<Uint8Array> {
  const g = new GraphBuilder();
  const weightsOf = (name: string, q: Q4Matrix) =>
    [
      { suffix: 'q4', dataType: DataType.UINT8, dims: [q.rows, q.blocksPerRow, Q4_BLOCK_SIZE / 2], bytes: q.codes },
      { suffix: 'scales', dataType: DataType.FLOAT, dims: [q.rows * q.blocksPerRow], bytes: new Uint8Array(q.scales.buffer) },
      { suffix: 'zero_points', dataType: DataType.UINT8, dims: [q.zeroPoints.length], bytes: q.zeroPoints },
    ].map(({ suffix, dataType, dims, bytes }) => g.external(`${name}.${suffix}`, dataType, dims, bytes.byteLength, async () => bytes));
  const upWeights = weightsOf('up', up);
  const downWeights = weightsOf('down', down);
  const matMulNBits = (x: string, weights: string[], q: Q4Matrix) =>
    g.op1('MatMulNBits', [x, ...weights], { K: { int: q.cols }, N: { int: q.rows }, bits: { int: 4 }, block_size: { int: Q4_BLOCK_SIZE }, accuracy_level: { int: accuracyLevel } }, 'com.microsoft');
  let x = g.input('x', DataType.FLOAT, ['rows', HIDDEN]);
  for (let layer = 0; layer < LAYERS; layer++) x = matMulNBits(matMulNBits(x, upWeights, up), downWeights, down);
  g.output(x, 'y', DataType.FLOAT, ['rows', HIDDEN]);
  // The weights go inside the model, so the page needs no external data files.
  for (const tensor of g.externalTensors) tensor.proto.rawData = await tensor.produce();
  return g.encode({ '': 17, 'com.microsoft': 1 }, 'builder-bench');
}

/** The rows of a [rows x width] matrix. */
const rowsOf = (values: Float32Array | Float64Array, width: number) => Array.from({ length: values.length / width }, (_, r) => values.subarray(r * width, (r + 1) * width));

/** y = x W^T in float64, W as [out, in]. */
function multiply(x: Float64Array, rows: number, weights: Float32Array, out: number, inp: number): Float64Array {
  const y = new Float64Array(rows * out);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < out; o++) {
      let sum = 0;
      for (let i = 0; i < inp; i++) sum += x[r * inp + i]! * weights[o * inp + i]!;
      y[r * out + o] = sum;
    }
  }
  return y;
}

function activations(rows: number): Float32Array {
  const rng = createRng(rows);
  return Float32Array.from({ length: rows * HIDDEN }, () => 2 * rng.nextFloat() - 1);
}

window.matmulBench = async (request) => {
  useSelfHostedWasm(request.wasmUrl, crossOriginIsolated ? request.wasmThreads : 1);
  const gpu = request.backends.includes('webgpu') ? await probeGpu() : null;
  // probeGpu does not ask for subgroups (the product has no use for them); DP4A needs them.
  const gpuNavigator = navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ features: { has(name: string): boolean } } | null> } };
  const subgroups = (await gpuNavigator.gpu?.requestAdapter())?.features.has('subgroups') ?? false;
  const up = randomWeights(INTERMEDIATE, HIDDEN, 1);
  const down = randomWeights(HIDDEN, INTERMEDIATE, 2);
  const [upFloat, downFloat] = [dequantizeQ4(up), dequantizeQ4(down)];
  const expected = new Map(
    request.rows.map((count) => {
      const checked = Math.min(count, CHECKED_ROWS);
      let x: Float64Array = Float64Array.from(activations(count).subarray(0, checked * HIDDEN));
      for (let layer = 0; layer < LAYERS; layer++) x = multiply(multiply(x, checked, upFloat, INTERMEDIATE, HIDDEN), checked, downFloat, HIDDEN, INTERMEDIATE);
      return [count, x];
    }),
  );
  const measured: MatmulBenchRow[] = [];
  for (const accuracyLevel of request.accuracyLevels) {
    const model = await matmulGraph(up, down, accuracyLevel);
    for (const backend of request.backends) {
      const session = await ort.InferenceSession.create(model, { executionProviders: [backend] });
      try {
        for (const count of request.rows) {
          const feeds = { x: new ort.Tensor('float32', activations(count), [count, HIDDEN]) };
          const first = (await session.run(feeds)).y!.data as Float32Array;
          const started = performance.now();
          for (let run = 0; run < TIMED_RUNS; run++) await session.run(feeds);
          const msPerMatmul = (performance.now() - started) / TIMED_RUNS / MATMULS;
          const want = expected.get(count)!;
          const { relative } = compareRows(rowsOf(first.subarray(0, want.length), HIDDEN), rowsOf(want, HIDDEN));
          measured.push({ backend, accuracyLevel, rows: count, msPerMatmul, relativeError: relative });
          console.log(`matmul: ${backend}, accuracy_level ${accuracyLevel}, ${count} rows: ${msPerMatmul.toFixed(1)} ms a matmul`);
        }
      } finally {
        await session.release();
      }
    }
  }
  return { adapter: gpu?.adapter ?? null, subgroups, wasmThreads: ort.env.wasm.numThreads ?? 1, rows: measured };
};
