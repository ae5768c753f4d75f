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
  // A 0.5B model's 494M weights pass through here per conversion. Math.round cost 12 ns a call in
  // V8 here, floor(x + 0.5) 1 ns; they differ only at one ulp below a half-integer.
  const codeOf = (value: number, scale: number, zeroPoint: number) => {
    const code = Math.floor(value / scale + 0.5) + zeroPoint;
    return code < 0 ? 0 : Math.min(code, 15);
  };
  for (let row = 0; row < rows; row++) {
    for (let block = 0; block < blocksPerRow; block++) {
      const from = row * cols + block * Q4_BLOCK_SIZE;
      const count = Math.min(Q4_BLOCK_SIZE, cols - block * Q4_BLOCK_SIZE);
      // The range always holds zero, so zero (and padding past the last column) is exact.
      let low = 0;
      let high = 0;
      for (let i = from; i < from + count; i++) {
        const value = matrix[i]!;
        if (value < low) low = value;
        if (value > high) high = value;
      }
      const scale = high > low ? (high - low) / 15 : 1;
      const zeroPoint = Math.min(15, Math.max(0, Math.round(-low / scale)));
      const blockIndex = row * blocksPerRow + block;
      scales[blockIndex] = scale;
      zeroPoints[row * zeroBytesPerRow + (block >> 1)]! |= zeroPoint << ((block & 1) * 4);
      const out = blockIndex * (Q4_BLOCK_SIZE / 2);
      for (let i = 0; i < Q4_BLOCK_SIZE; i += 2) {
        const even = i < count ? codeOf(matrix[from + i]!, scale, zeroPoint) : zeroPoint;
        const odd = i + 1 < count ? codeOf(matrix[from + i + 1]!, scale, zeroPoint) : zeroPoint;
        codes[out + (i >> 1)] = even | (odd << 4);
      }
    }
  }
  return { rows, cols, blocksPerRow, codes, scales, zeroPoints };
}
