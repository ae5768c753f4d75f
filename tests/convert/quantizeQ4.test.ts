import { describe, expect, it } from 'vitest';
import { Q4_BLOCK_SIZE, quantizeQ4 } from '../../src/convert/quantizeQ4';
import { createRng } from '../../src/random/rng';
import { dequantizeQ4 } from '../support/dequantizeQ4';

function randomMatrix(rows: number, cols: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: rows * cols }, () => 0.02 * rng.nextNormal());
}

describe('quantizeQ4', () => {
  it('is within half a step of every weight, with a last block shorter than 32 and an odd number of blocks', () => {
    const rows = 7;
    const cols = 3 * Q4_BLOCK_SIZE - 5;
    const matrix = randomMatrix(rows, cols, 3);
    const q = quantizeQ4(matrix, rows, cols);
    expect(q.blocksPerRow).toBe(3);
    const back = dequantizeQ4(q);
    for (let row = 0; row < rows; row++) {
      for (let col = 0; col < cols; col++) {
        const scale = q.scales[row * q.blocksPerRow + Math.floor(col / Q4_BLOCK_SIZE)]!;
        expect(Math.abs(back[row * cols + col]! - matrix[row * cols + col]!)).toBeLessThanOrEqual(scale / 2 + 1e-9);
      }
    }
  });

  it('keeps zero and the block range exactly, and rounds a value half-way between two levels up', () => {
    // Range [-0.5, 1]: scale 0.1, zero point 5. 0.25 is 2.5 steps, half-way between codes 7 and 8.
    const block = new Float32Array(Q4_BLOCK_SIZE);
    block.set([-0.5, 0, 1, 0.25]);
    const q = quantizeQ4(block, 1, Q4_BLOCK_SIZE);
    const back = dequantizeQ4(q);
    expect(back[0]).toBeCloseTo(-0.5, 6);
    expect(back[1]).toBe(0);
    expect(back[2]).toBeCloseTo(1, 6);
    expect(back[3]).toBeCloseTo(0.3, 6);
    expect(back.slice(4).every((value) => value === 0)).toBe(true);
  });

  it('packs two codes a byte, the lower column in the low nibble', () => {
    const block = new Float32Array(Q4_BLOCK_SIZE);
    block.set([0, 15, 3]);
    const q = quantizeQ4(block, 1, Q4_BLOCK_SIZE);
    // Range [0, 15]: scale 1, zero point 0, so codes are the values themselves.
    expect(q.scales[0]).toBe(1);
    expect(q.zeroPoints[0]).toBe(0);
    expect(Array.from(q.codes.slice(0, 2))).toEqual([0 | (15 << 4), 3]);
  });
});
