import type { ByteSource } from '../../src/runtime/byteSource';

/** Bytes already in memory (a dropped file, a test fixture) as a ByteSource; reads are views, not copies. */
export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.byteLength,
    read: async (offset, length) => {
      if (offset < 0 || length < 0 || offset + length > bytes.byteLength) {
        throw new RangeError(`Cannot read ${length} bytes at ${offset} from ${bytes.byteLength} bytes.`);
      }
      return bytes.subarray(offset, offset + length);
    },
  };
}
