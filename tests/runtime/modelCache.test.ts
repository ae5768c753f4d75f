import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashBlob } from '../../src/runtime/modelCache';

describe('hashing a stored file', () => {
  it('gives the same sha256 whole (WebCrypto) and streamed (noble), as node:crypto does', async () => {
    const bytes = new Uint8Array(3_000_001).map((_, i) => (i * 7919) % 251);
    const expected = createHash('sha256').update(bytes).digest('hex');
    const blob = new Blob([bytes]);
    expect(await hashBlob(blob)).toBe(expected);
    expect(await hashBlob(blob, 0)).toBe(expected);
  });
});
