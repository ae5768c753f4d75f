import { Q4_BLOCK_SIZE, type Q4Matrix } from '../../src/convert/quantizeQ4';

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
