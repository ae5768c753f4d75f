/** Weights per block of MatMulNBits, the layout onnxruntime's 4-bit matmul reads. */
export const Q4_BLOCK_SIZE = 32;

/**
 * A [rows x cols] matrix quantised along its columns in blocks of 32: 4-bit codes, a float scale and
 * a 4-bit zero point per block (asymmetric, so a block of all-positive weights uses all 16 levels).
 */
export interface Q4Matrix {
  rows: number;
  cols: number;
  blocksPerRow: number;
  /** [rows, blocksPerRow, 16] bytes, two codes a byte, the lower column in the low nibble. */
  codes: Uint8Array;
  /** [rows * blocksPerRow] */
  scales: Float32Array;
  /** [rows, ceil(blocksPerRow / 2)] bytes, two zero points a byte, low nibble first. */
  zeroPoints: Uint8Array;
}

export function quantizeQ4(matrix: Float32Array, rows: number, cols: number): Q4Matrix {
  const blocksPerRow = Math.ceil(cols / Q4_BLOCK_SIZE);
  const codes = new Uint8Array(rows * blocksPerRow * (Q4_BLOCK_SIZE / 2));
  const scales = new Float32Array(rows * blocksPerRow);
  const zeroBytesPerRow = Math.ceil(blocksPerRow / 2);
  const zeroPoints = new Uint8Array(rows * zeroBytesPerRow);
  for (let row = 0; row < rows; row++) {
    for (let block = 0; block < blocksPerRow; block++) {
      const from = row * cols + block * Q4_BLOCK_SIZE;
      const count = Math.min(Q4_BLOCK_SIZE, cols - block * Q4_BLOCK_SIZE);
      // The range always holds zero, so zero (and padding past the last column) is exact.
      let low = 0;
      let high = 0;
      for (let i = 0; i < count; i++) {
        low = Math.min(low, matrix[from + i]!);
        high = Math.max(high, matrix[from + i]!);
      }
      const scale = high > low ? (high - low) / 15 : 1;
      const zeroPoint = Math.min(15, Math.max(0, Math.round(-low / scale)));
      const blockIndex = row * blocksPerRow + block;
      scales[blockIndex] = scale;
      zeroPoints[row * zeroBytesPerRow + (block >> 1)]! |= zeroPoint << ((block & 1) * 4);
      for (let i = 0; i < Q4_BLOCK_SIZE; i++) {
        const value = i < count ? matrix[from + i]! : 0;
        const code = Math.min(15, Math.max(0, Math.round(value / scale) + zeroPoint));
        codes[blockIndex * (Q4_BLOCK_SIZE / 2) + (i >> 1)]! |= code << ((i & 1) * 4);
      }
    }
  }
  return { rows, cols, blocksPerRow, codes, scales, zeroPoints };
}

/** The matrix the quantised one stands for, as the runtime computes it. */
export function dequantizeQ4(q: Q4Matrix): Float32Array {
  const out = new Float32Array(q.rows * q.cols);
  const zeroBytesPerRow = Math.ceil(q.blocksPerRow / 2);
  for (let row = 0; row < q.rows; row++) {
    for (let col = 0; col < q.cols; col++) {
      const block = Math.floor(col / Q4_BLOCK_SIZE);
      const i = col % Q4_BLOCK_SIZE;
      const blockIndex = row * q.blocksPerRow + block;
      const code = (q.codes[blockIndex * (Q4_BLOCK_SIZE / 2) + (i >> 1)]! >> ((i & 1) * 4)) & 15;
      const zeroPoint = (q.zeroPoints[row * zeroBytesPerRow + (block >> 1)]! >> ((block & 1) * 4)) & 15;
      out[row * q.cols + col] = (code - zeroPoint) * q.scales[blockIndex]!;
    }
  }
  return out;
}
