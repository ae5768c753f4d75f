import { describe, expect, it } from 'vitest';
import { bytesToFloat32, float32ToBytes } from '../../src/convert/dtypes';

/** Float32 values with exactly these bit patterns. */
function floatsFromBits(...bits: number[]): Float32Array {
  return new Float32Array(new Uint32Array(bits).buffer);
}

/** Little-endian bytes of these 16-bit patterns. */
function halfBytes(...bits: number[]): Uint8Array {
  return new Uint8Array(bits.flatMap((value) => [value & 0xff, value >>> 8]));
}

function encodedHalves(dtype: 'BF16' | 'F16', values: Float32Array): number[] {
  const bytes = float32ToBytes(dtype, values);
  return Array.from({ length: values.length }, (_, i) => bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
}

describe('bfloat16', () => {
  it('decodes bit patterns: one, minus two, negative zero, infinity, NaN, the smallest subnormal', () => {
    const values = bytesToFloat32('BF16', halfBytes(0x3f80, 0xc000, 0x8000, 0x7f80, 0x7fc0, 0x0001));
    expect(Array.from(values.subarray(0, 4))).toEqual([1, -2, -0, Infinity]);
    expect(values[4]).toBeNaN();
    expect(values[5]).toBe(2 ** -133);
  });

  it('rounds to nearest, ties to even', () => {
    const values = floatsFromBits(
      0x3f800000, // 1: exact
      0x3f808000, // halfway above 0x3f80 (even): stays
      0x3f818000, // halfway above 0x3f81 (odd): up to 0x3f82
      0x3f808001, // just past halfway: up
      0x3f807fff, // just below halfway: down
      0xbf818000, // negative tie to even: magnitude up
      0x7f7fffff, // largest float32: rounds to infinity
      0x3f7fffff, // just below 1: carries into the exponent
    );
    expect(encodedHalves('BF16', values)).toEqual([0x3f80, 0x3f80, 0x3f82, 0x3f81, 0x3f80, 0xbf82, 0x7f80, 0x3f80]);
  });

  it('keeps NaN a NaN, sign included, even when the payload sits only in the dropped bits', () => {
    expect(encodedHalves('BF16', floatsFromBits(0x7fc00000, 0x7f800001, 0xffffffff, 0x7f800000))).toEqual([0x7fc0, 0x7fc0, 0xffff, 0x7f80]);
  });

  it('round-trips every bfloat16 value exactly', () => {
    const all = halfBytes(...Array.from({ length: 0x10000 }, (_, bits) => bits));
    const decoded = bytesToFloat32('BF16', all);
    const reencoded = float32ToBytes('BF16', decoded);
    // NaNs come back quiet, so compare the non-NaN patterns bit for bit and NaNs as NaNs.
    for (let bits = 0; bits < 0x10000; bits++) {
      const back = reencoded[2 * bits]! | (reencoded[2 * bits + 1]! << 8);
      if (Number.isNaN(decoded[bits])) expect((back & 0x7f80) === 0x7f80 && (back & 0x7f) !== 0).toBe(true);
      else if (back !== bits) expect.fail(`0x${bits.toString(16)} came back as 0x${back.toString(16)}`);
    }
  });
});

describe('float16', () => {
  it('decodes bit patterns: normals, subnormals, infinities, NaN', () => {
    const values = bytesToFloat32('F16', halfBytes(0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x8000, 0xfc00, 0x7e00));
    expect(Array.from(values.subarray(0, 9))).toEqual([1, -2, 0.333251953125, 65504, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, -0, -Infinity]);
    expect(values[9]).toBeNaN();
  });

  it('rounds to nearest, ties to even, overflowing to infinity', () => {
    const values = new Float32Array([
      1,
      0.1, // 0x2e66
      1 + 2 ** -11, // halfway between 1 (even) and the next half: stays 1
      1 + 3 * 2 ** -11, // halfway above an odd mantissa: up to 0x3c02
      65504, // largest half
      65519, // below the halfway point to 65536: largest half
      65520, // halfway: ties to even, which is infinity
      1e5,
      -1e5,
    ]);
    expect(encodedHalves('F16', values)).toEqual([0x3c00, 0x2e66, 0x3c00, 0x3c02, 0x7bff, 0x7bff, 0x7c00, 0x7c00, 0xfc00]);
  });

  it('rounds into and out of the subnormal range', () => {
    const values = new Float32Array([
      2 ** -24, // smallest subnormal
      2 ** -25, // half of it: ties to even, zero
      1.5 * 2 ** -25, // past halfway: the smallest subnormal
      3 * 2 ** -25, // 1.5 units: ties to even, two units
      1023 * 2 ** -24, // largest subnormal
      1023.5 * 2 ** -24, // halfway above the largest subnormal (odd): the smallest normal
      2 ** -14, // smallest normal
      -(2 ** -24),
      2 ** -30, // far below: zero
      1e-45, // a float32 subnormal: zero
    ]);
    expect(encodedHalves('F16', values)).toEqual([0x0001, 0x0000, 0x0001, 0x0002, 0x03ff, 0x0400, 0x0400, 0x8001, 0x0000, 0x0000]);
  });

  it('keeps NaN a NaN and infinities infinite', () => {
    const halves = encodedHalves('F16', floatsFromBits(0x7fc00000, 0x7f800001, 0xff800000, 0x7f800000));
    expect(halves.slice(0, 2).every((bits) => (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0)).toBe(true);
    expect(halves.slice(2)).toEqual([0xfc00, 0x7c00]);
  });

  it('agrees with a nearest-value search over all halves on random floats', () => {
    // The oracle: every finite non-negative half in increasing order (bit order is value order),
    // then the nearest one to |x| by binary search, the even pattern on a tie, infinity from 65520.
    const positives = bytesToFloat32('F16', halfBytes(...Array.from({ length: 0x7c00 }, (_, bits) => bits)));
    const nearestHalf = (x: number): number => {
      const magnitude = Math.abs(x);
      if (magnitude >= 65520) return 0x7c00;
      let low = 0;
      let high = 0x7bff;
      while (high - low > 1) {
        const middle = (low + high) >>> 1;
        if (positives[middle]! <= magnitude) low = middle;
        else high = middle;
      }
      const below = magnitude - positives[low]!;
      const above = positives[high]! - magnitude;
      return below < above || (below === above && low % 2 === 0) ? low : high;
    };
    let state = 12345;
    const bits: number[] = [];
    for (let i = 0; i < 20000; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      // Exponents 0x60..0x8f cover float32 values from 2^-31 to 2^17: zero, subnormal, normal, overflow.
      bits.push(((state & 1) << 31) | ((0x60 + ((state >>> 1) % 0x30)) << 23) | (Math.imul(state, 2654435761) >>> 9));
    }
    const values = floatsFromBits(...bits.map((b) => b >>> 0));
    const expected = Array.from(values, (x) => (x < 0 ? 0x8000 : 0) | nearestHalf(x));
    expect(encodedHalves('F16', values)).toEqual(expected);
  });

  it('round-trips every float16 value exactly', () => {
    const patterns = Array.from({ length: 0x10000 }, (_, bits) => bits).filter((bits) => (bits & 0x7c00) !== 0x7c00 || (bits & 0x3ff) === 0);
    expect(encodedHalves('F16', bytesToFloat32('F16', halfBytes(...patterns)))).toEqual(patterns);
  });
});

describe('float32', () => {
  it('decodes little-endian bytes', () => {
    expect(Array.from(bytesToFloat32('F32', new Uint8Array([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0])))).toEqual([1, -2]);
  });

  it('encodes to the same bytes it decodes from', () => {
    expect(Array.from(float32ToBytes('F32', new Float32Array([1, -2])))).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
  });
});

describe('unaligned input', () => {
  it('is copied to an aligned buffer before decoding', () => {
    const buffer = new Uint8Array(11);
    buffer.set([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0], 1);
    expect(Array.from(bytesToFloat32('F32', buffer.subarray(1, 9)))).toEqual([1, -2]);
    buffer.set(halfBytes(0x3f80, 0xc000), 3);
    expect(Array.from(bytesToFloat32('BF16', buffer.subarray(3, 7)))).toEqual([1, -2]);
    buffer.set(halfBytes(0x3c00, 0xc000), 5);
    expect(Array.from(bytesToFloat32('F16', buffer.subarray(5, 9)))).toEqual([1, -2]);
  });

  it('refuses a byte count that is not a whole number of elements', () => {
    expect(() => bytesToFloat32('F32', new Uint8Array(6))).toThrow(RangeError);
    expect(() => bytesToFloat32('BF16', new Uint8Array(3))).toThrow(RangeError);
  });
});
