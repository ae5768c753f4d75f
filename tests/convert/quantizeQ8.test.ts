import { describe, expect, it } from 'vitest';
import { quantizeQ8, transposedCodes } from '../../src/convert/quantizeQ8';
import { createRng } from '../../src/random/rng';

describe('quantizeQ8', () => {
  it('is within half a step of every weight, one scale per row, the row largest at ±127', () => {
    const rng = createRng(5);
    const rows = 6;
    const cols = 37;
    const matrix = Float32Array.from({ length: rows * cols }, (_, i) => (1 + (i % rows)) * 0.01 * rng.nextNormal());
    const q = quantizeQ8(matrix, rows, cols);
    for (let row = 0; row < rows; row++) {
      const values = matrix.subarray(row * cols, (row + 1) * cols);
      const largest = Math.max(...Array.from(values, Math.abs));
      expect(q.scales[row]).toBeCloseTo(largest / 127, 9);
      const codes = q.codes.subarray(row * cols, (row + 1) * cols);
      expect(Math.max(...Array.from(codes, Math.abs))).toBe(127);
      values.forEach((value, i) => expect(Math.abs(codes[i]! * q.scales[row]! - value)).toBeLessThanOrEqual(q.scales[row]! / 2 + 1e-9));
    }
  });

  it('keeps zero exact, an all-zero row at scale 1, and rounds half-way up', () => {
    // Row 0: largest 127 / 128, so the scale is 1/128 exactly; then half a step and minus one and a half.
    const step = 1 / 128;
    const q = quantizeQ8(Float32Array.from([127 * step, 0, step / 2, -1.5 * step, 0, 0, 0, 0]), 2, 4);
    expect(Array.from(q.codes)).toEqual([127, 0, 1, -1, 0, 0, 0, 0]);
    expect(q.scales[1]).toBe(1);
  });

  it('transposes the codes to [cols, rows], the layout MatMulInteger takes as B', () => {
    const q = quantizeQ8(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3);
    expect(Array.from(transposedCodes(q))).toEqual([q.codes[0], q.codes[3], q.codes[1], q.codes[4], q.codes[2], q.codes[5]]);
  });
});
