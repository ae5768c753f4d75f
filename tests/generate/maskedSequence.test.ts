import { describe, expect, it } from 'vitest';
import { type MaskedSequence, spanPositions } from '../../src/generate/maskedSequence';

const sequence = (blocks: [number, number][]): MaskedSequence => ({
  tokens: new Array<number>(20).fill(1),
  condition: { start: 1, end: 3 },
  blocks: blocks.map(([start, length]) => ({ source: { start: 0, end: 0 }, start, length })),
  masked: new Array<boolean>(20).fill(false),
});

describe('spanPositions', () => {
  it('lists every position of every block, masked or not', () => {
    expect(
      spanPositions(
        sequence([
          [4, 3],
          [10, 2],
        ]),
        0,
      ),
    ).toEqual([4, 5, 6, 10, 11]);
  });

  it('adds the position before each block under a logits shift, once where blocks touch', () => {
    expect(
      spanPositions(
        sequence([
          [4, 3],
          [10, 2],
        ]),
        1,
      ),
    ).toEqual([3, 4, 5, 6, 9, 10, 11]);
    expect(
      spanPositions(
        sequence([
          [4, 3],
          [7, 2],
        ]),
        1,
      ),
    ).toEqual([3, 4, 5, 6, 7, 8]);
  });
});
