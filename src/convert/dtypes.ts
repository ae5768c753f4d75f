/**
 * The floating-point formats checkpoints store, and their conversion to and from float32.
 * Bytes are little-endian. The conversions read them through typed-array views, which use the
 * host's byte order: every host onnxruntime-web and WebAssembly run on is little-endian.
 */
export type TensorDtype = 'BF16' | 'F16' | 'F32';

export const DTYPE_BYTES: Readonly<Record<TensorDtype, number>> = { BF16: 2, F16: 2, F32: 4 };

/** A view of `bytes` as `elementBytes`-wide elements, copied first where the offset is unaligned. */
function alignedBuffer(bytes: Uint8Array, elementBytes: number): { buffer: ArrayBufferLike; byteOffset: number; count: number } {
  if (bytes.byteLength % elementBytes !== 0) {
    throw new RangeError(`${bytes.byteLength} bytes is not a whole number of ${elementBytes}-byte elements.`);
  }
  const source = bytes.byteOffset % elementBytes === 0 ? bytes : bytes.slice();
  return { buffer: source.buffer, byteOffset: source.byteOffset, count: bytes.byteLength / elementBytes };
}

function halfBitsToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

// 65,536 entries (256 KB) turn each half into a float with one lookup; built on first use.
let halfTable: Float32Array | undefined;
function halfToFloatTable(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(0x10000);
    for (let bits = 0; bits < 0x10000; bits++) halfTable[bits] = halfBitsToFloat(bits);
  }
  return halfTable;
}

/** IEEE half from float32 bits, rounding to nearest even; overflow gives infinity, NaN stays NaN. */
function floatBitsToHalf(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200 | (mantissa >>> 13));
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal half: the value in units of 2^-24 is the full 24-bit significand shifted right.
    // Below 2^-25 (shift over 24) it rounds to zero; float32 subnormals land there too.
    const shift = 14 - halfExponent;
    if (shift > 24) return sign;
    const significand = mantissa | 0x800000;
    const kept = significand >>> shift;
    const rest = significand & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    // A round-up from the largest subnormal carries into the exponent field: the smallest normal.
    return sign | (kept + (rest > halfway || (rest === halfway && kept & 1) ? 1 : 0));
  }
  const half = sign | (halfExponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A round-up from the largest finite value carries into infinity, as rounding should.
  return half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0);
}

/** bfloat16 from float32 bits: the top half, rounded to nearest even; NaN stays NaN (made quiet). */
function floatBitsToBfloat(bits: number): number {
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return (bits >>> 16) | 0x40;
  return (bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16;
}

/** Decodes little-endian tensor bytes. For F32 the result may share memory with `bytes`. */
export function bytesToFloat32(dtype: TensorDtype, bytes: Uint8Array): Float32Array {
  const { buffer, byteOffset, count } = alignedBuffer(bytes, DTYPE_BYTES[dtype]);
  if (dtype === 'F32') return new Float32Array(buffer, byteOffset, count);
  const halves = new Uint16Array(buffer, byteOffset, count);
  const result = new Float32Array(count);
  if (dtype === 'BF16') {
    const resultBits = new Uint32Array(result.buffer);
    for (let i = 0; i < count; i++) resultBits[i] = halves[i]! << 16;
  } else {
    const table = halfToFloatTable();
    for (let i = 0; i < count; i++) result[i] = table[halves[i]!]!;
  }
  return result;
}

/** Encodes float32 values as little-endian tensor bytes. For F32 the result shares memory with `values`. */
export function float32ToBytes(dtype: TensorDtype, values: Float32Array): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const halves = new Uint16Array(values.length);
  const encode = dtype === 'BF16' ? floatBitsToBfloat : floatBitsToHalf;
  for (let i = 0; i < values.length; i++) halves[i] = encode(bits[i]!);
  return new Uint8Array(halves.buffer);
}
