import { describe, expect, it } from 'vitest';
import { memorySource } from './memorySource';

describe('memorySource', () => {
  const source = memorySource(new Uint8Array([10, 11, 12, 13, 14]));

  it('reads the range asked for', async () => {
    expect(source.size).toBe(5);
    expect(Array.from(await source.read(1, 3))).toEqual([11, 12, 13]);
    expect(Array.from(await source.read(5, 0))).toEqual([]);
  });

  it('rejects ranges past the end', async () => {
    await expect(source.read(3, 3)).rejects.toThrow(RangeError);
    await expect(source.read(-1, 1)).rejects.toThrow(RangeError);
  });
});
