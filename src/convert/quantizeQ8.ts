/**
 * A [rows x cols] matrix quantised symmetrically per row to int8: one float scale per row, codes in
 * -127..127, zero at zero. For a Hugging Face linear weight of shape [out, in] a row is an output
 * channel, which is what onnxruntime's MatMulInteger takes as B's per-column scale after the
 * transpose; for the embedding table a row is a token's vector, looked up with Gather.
 */
export interface Q8Matrix {
  rows: number;
  cols: number;
  /** [rows, cols], row-major. */
  codes: Int8Array;
  /** [rows] */
  scales: Float32Array;
}

export function quantizeQ8(matrix: Float32Array, rows: number, cols: number): Q8Matrix {
  const codes = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    const from = row * cols;
    let largest = 0;
    for (let i = from; i < from + cols; i++) {
      const magnitude = Math.abs(matrix[i]!);
      if (magnitude > largest) largest = magnitude;
    }
    // An all-zero row keeps scale 1 so its codes (all 0) still dequantise to zero, never NaN.
    const scale = largest > 0 ? largest / 127 : 1;
    scales[row] = scale;
    // floor(x + 0.5) rather than Math.round, which cost 12 ns a call in V8 here (see quantizeQ4);
    // |value / scale| <= 127 by construction, so no clamp is needed.
    for (let i = from; i < from + cols; i++) codes[i] = Math.floor(matrix[i]! / scale + 0.5);
  }
  return { rows, cols, codes, scales };
}

/** The codes as [cols, rows]: MatMulInteger's B for y = x W^T. */
export function transposedCodes(q: Q8Matrix): Int8Array {
  const out = new Int8Array(q.codes.length);
  for (let r = 0; r < q.rows; r++) for (let c = 0; c < q.cols; c++) out[c * q.rows + r] = q.codes[r * q.cols + c]!;
  return out;
}
