import { DataType, type GraphBuilder } from './onnxGraph';
import { Q4_BLOCK_SIZE, type Q4Matrix, quantizeQ4 } from './quantizeQ4';
import { type Q8Matrix, quantizeQ8, transposedCodes } from './quantizeQ8';

export interface QuantizedWeightReader {
  /** A checkpoint tensor by its Hugging Face name, row-major, as float32. */
  read(name: string): Promise<Float32Array>;
}

/** The graph pieces of a quantised model: its linear layers, its embedding lookup and its head. */
export interface QuantizedWeights {
  /** y = x W^T for the Hugging Face weight `${name}.weight` of shape [out, inp]; x is [..., inp]. */
  linear(x: string, name: string, out: number, inp: number): string;
  /** Token ids [b, s] to float32 rows [b, s, cols] of the table `${name}.weight` [rows, cols]. */
  embed(ids: string, name: string, rows: number, cols: number): string;
  /** Logits [..., rows] by the table `${name}.weight` [rows, cols]; the same bytes as `embed` reads where the head is tied. */
  head(x: string, name: string, rows: number, cols: number): string;
}

const int = (value: number) => ({ int: value });
const ints = (values: number[]) => ({ ints: values });
const bytesOf = (values: Float32Array | Int8Array) => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/**
 * One quantisation per weight, whose parts (codes, scales, zero points) are written one after
 * another and dropped once the last is out, so one weight at a time is held while converting.
 */
function quantisedOnce<Q>(weights: QuantizedWeightReader, quantise: (w: Float32Array, rows: number, cols: number) => Q) {
  const pending = new Map<string, { value: Promise<Q>; partsLeft: number }>();
  return (name: string, rows: number, cols: number, parts: number) => async (): Promise<Q> => {
    let entry = pending.get(name);
    if (!entry) {
      entry = { value: weights.read(`${name}.weight`).then((w) => quantise(w, rows, cols)), partsLeft: parts };
      pending.set(name, entry);
    }
    if (--entry.partsLeft === 0) pending.delete(name);
    return entry.value;
  };
}

/**
 * 8-bit weights for onnxruntime's WASM backend: each matmul is DynamicQuantizeLinear (the
 * activations to uint8, one scale a tensor) and MatMulInteger against int8 weights with one scale
 * per output channel, then Cast and Mul by the two scales. onnxruntime fuses exactly this pattern
 * into DynamicQuantizeMatMul on its CPU provider (microsoft/onnxruntime
 * onnxruntime/core/optimizer/dynamic_quantize_matmul_fusion.cc; the kernel in
 * onnxruntime/contrib_ops/cpu/quantization/dynamic_quantize_matmul.cc), an int8 GEMM in MLAS,
 * where the WASM build's MatMulNBits unpacks its 4-bit weights to float on every call. MatMulInteger
 * takes uint8 A against int8 B on the CPU provider (onnxruntime/core/providers/cpu/math/
 * matmul_integer.cc). The WebGPU provider has no MatMulInteger and runs these nodes on its CPU
 * fallback, which is why q8 is WASM's precision and q4 WebGPU's.
 *
 * The embedding table is int8 with a scale per row, looked up with Gather, Cast and Mul; a tied
 * head reads the same table through a Transpose of the initializer, which onnxruntime's constant
 * folding does once at load.
 */
export function q8Weights(g: GraphBuilder, weights: QuantizedWeightReader): QuantizedWeights {
  const once = quantisedOnce<Q8Matrix>(weights, quantizeQ8);
  const scalesOf = (name: string, rows: number, cols: number) =>
    g.external(`${name}.weight.q8_scales`, DataType.FLOAT, [rows], rows * 4, async () => bytesOf((await once(name, rows, cols, 2)()).scales));
  const matmul = (x: string, codes: string, scales: string) => {
    const [quantised, scale, zeroPoint] = g.op('DynamicQuantizeLinear', [x], {}, 3) as [string, string, string];
    const product = g.op1('Cast', [g.op1('MatMulInteger', [quantised, codes, zeroPoint])], { to: int(DataType.FLOAT) });
    return g.op1('Mul', [product, g.op1('Mul', [scale, scales])]);
  };
  const tables = new Map<string, { codes: string; scales: string }>();
  const table = (name: string, rows: number, cols: number) => {
    let found = tables.get(name);
    if (!found) {
      const codes = g.external(`${name}.weight.q8_rows`, DataType.INT8, [rows, cols], rows * cols, async () => bytesOf((await once(name, rows, cols, 2)()).codes));
      found = { codes, scales: scalesOf(name, rows, cols) };
      tables.set(name, found);
    }
    return found;
  };
  const linear = (x: string, name: string, out: number, inp: number) => {
    const codes = g.external(`${name}.weight.q8`, DataType.INT8, [inp, out], inp * out, async () => bytesOf(transposedCodes(await once(name, out, inp, 2)())));
    return matmul(x, codes, scalesOf(name, out, inp));
  };
  return {
    linear,
    embed(ids, name, rows, cols) {
      const { codes, scales } = table(name, rows, cols);
      const values = g.op1('Cast', [g.op1('Gather', [codes, ids], { axis: int(0) })], { to: int(DataType.FLOAT) });
      return g.op1('Mul', [values, g.op1('Unsqueeze', [g.op1('Gather', [scales, ids], { axis: int(0) }), g.constantInts([-1])])]);
    },
    head(x, name, rows, cols) {
      // An untied head is stored transposed like any linear layer; a tied one reads the table.
      const tied = tables.get(name);
      return tied ? matmul(x, g.op1('Transpose', [tied.codes], { perm: ints([1, 0]) }), tied.scales) : linear(x, name, rows, cols);
    },
  };
}

/** The fewest rows the 4-bit head multiplies at once (see `head` below). */
const HEAD_MIN_ROWS = 4;

/**
 * 4-bit weights for WebGPU: MatMulNBits (onnxruntime's com.microsoft contrib operator) with blocks
 * of 32, a float scale and a 4-bit zero point per block. The embedding is looked up in the same
 * packed bytes as the tied head multiplies by, unpacked with Gather, Cast and float arithmetic
 * (high nibble floor(b / 16), low nibble b - 16 high), which both the WASM and the WebGPU builds
 * of onnxruntime-web run; onnxruntime's own GatherBlockQuantized has no kernel in the WebGPU
 * build's WASM provider.
 */
export function q4Weights(g: GraphBuilder, weights: QuantizedWeightReader): QuantizedWeights {
  const once = quantisedOnce<Q4Matrix>(weights, quantizeQ4);
  const stored = new Map<string, { codes: string; scales: string; zeroPoints: string; blocks: number }>();
  const matrix = (name: string, rows: number, cols: number) => {
    let found = stored.get(name);
    if (!found) {
      const blocks = Math.ceil(cols / Q4_BLOCK_SIZE);
      const zeroBytes = rows * Math.ceil(blocks / 2);
      const part = once(name, rows, cols, 3);
      found = {
        blocks,
        codes: g.external(`${name}.weight.q4`, DataType.UINT8, [rows, blocks, Q4_BLOCK_SIZE / 2], rows * blocks * (Q4_BLOCK_SIZE / 2), async () => (await part()).codes),
        scales: g.external(`${name}.weight.scales`, DataType.FLOAT, [rows * blocks], rows * blocks * 4, async () => bytesOf((await part()).scales)),
        zeroPoints: g.external(`${name}.weight.zero_points`, DataType.UINT8, [zeroBytes], zeroBytes, async () => (await part()).zeroPoints),
      };
      stored.set(name, found);
    }
    return found;
  };
  const linear = (x: string, name: string, out: number, inp: number) => {
    const { codes, scales, zeroPoints } = matrix(name, out, inp);
    return g.op1('MatMulNBits', [x, codes, scales, zeroPoints], { K: int(inp), N: int(out), bits: int(4), block_size: int(Q4_BLOCK_SIZE) }, 'com.microsoft');
  };
  const sixteen = g.constantFloats([16], []);
  /** Packed bytes [..., n] as float nibbles [..., n, 2], the low nibble first as quantizeQ4 packs them. */
  const nibbles = (bytes: string) => {
    const packed = g.op1('Cast', [bytes], { to: int(DataType.FLOAT) });
    const high = g.op1('Floor', [g.op1('Div', [packed, sixteen])]);
    const low = g.op1('Sub', [packed, g.op1('Mul', [high, sixteen])]);
    const last = g.constantInts([-1]);
    return g.op1('Concat', [g.op1('Unsqueeze', [low, last]), g.op1('Unsqueeze', [high, last])], { axis: int(-1) });
  };
  return {
    linear,
    embed(ids, name, rows, cols) {
      const { codes, scales, zeroPoints, blocks } = matrix(name, rows, cols);
      const gather = (data: string) => g.op1('Gather', [data, ids], { axis: int(0) });
      // [b, s, blocks, 16, 2] -> [b, s, blocks, 32]
      const codeValues = g.op1('Reshape', [nibbles(gather(codes)), g.constantInts([0, 0, blocks, Q4_BLOCK_SIZE])]);
      const perRow = (data: string, width: number) => g.op1('Reshape', [data, g.constantInts([rows, width])]);
      const zeroValues = g.op1('Reshape', [nibbles(gather(perRow(zeroPoints, Math.ceil(blocks / 2)))), g.constantInts([0, 0, -1])]);
      const blockZeros = g.op1('Slice', [zeroValues, g.constantInts([0]), g.constantInts([blocks]), g.constantInts([-1])]);
      const blockScales = gather(perRow(scales, blocks));
      const perBlock = (value: string) => g.op1('Unsqueeze', [value, g.constantInts([-1])]);
      const values = g.op1('Mul', [g.op1('Sub', [codeValues, perBlock(blockZeros)]), perBlock(blockScales)]);
      const flat = g.op1('Reshape', [values, g.constantInts([0, 0, blocks * Q4_BLOCK_SIZE])]);
      return blocks * Q4_BLOCK_SIZE === cols ? flat : g.op1('Slice', [flat, g.constantInts([0]), g.constantInts([cols]), g.constantInts([-1])]);
    },
    head(x, name, rows, cols) {
      // On WebGPU, MatMulNBits below 4 rows takes its default program, one workgroup per 8 output
      // columns and row: 18,992 for a 151,936-token head (microsoft/onnxruntime,
      // contrib_ops/webgpu/quantization/matmul_nbits.cc, ApplyMatMulNBits; the tiled programs need
      // M >= kMinMForTileOptimization, 4). Under SwiftShader one decode step of the demo model's
      // head took 26-34 s as one row and 0.8-1.2 s padded to 4 rows; on WASM both took 0.1-0.2 s. Every
      // decode step, and every diffusion step with under 4 masked tokens, is such a pass. So the
      // head runs at least 4 rows (zeros under the real ones), and the real rows are cut out after.
      const flat = g.op1('Reshape', [x, g.constantInts([-1, cols])]);
      const count = g.op1('Slice', [g.op1('Shape', [flat]), g.constantInts([0]), g.constantInts([1])]);
      const zeros = g.constantFloats(new Array((HEAD_MIN_ROWS - 1) * cols).fill(0), [HEAD_MIN_ROWS - 1, cols]);
      const atLeast = g.op1('Max', [count, g.constantInts([HEAD_MIN_ROWS])]);
      const padded = g.op1('Slice', [g.op1('Concat', [flat, zeros], { axis: int(0) }), g.constantInts([0]), atLeast, g.constantInts([0])]);
      const logits = g.op1('Slice', [linear(padded, name, rows, cols), g.constantInts([0]), count, g.constantInts([0])]);
      const leading = g.op1('Slice', [g.op1('Shape', [x]), g.constantInts([0]), g.constantInts([-1])]);
      return g.op1('Reshape', [logits, g.op1('Concat', [leading, g.constantInts([rows])], { axis: int(0) })]);
    },
  };
}
