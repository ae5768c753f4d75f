import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/inputErrors';
import { contextWindow, type WindowRequest } from '../../src/prompt/contextWindow';
import { type CodeTokenizer, codeTokenizerFor } from '../../src/runtime/codeTokenizer';
import { omissionMarker } from '../../src/syntax/lineComments';
import type { TextRange } from '../../src/syntax/outline';

// The demo model's tokenizer (the real Qwen BPE vocabulary): the window is counted as the sequence encodes it.
const MODEL = 'public/models/tiny-diffusion';
let tokenizer: CodeTokenizer;
const countTokens = (text: string) => tokenizer.encode(text).length;

beforeAll(() => {
  tokenizer = codeTokenizerFor(readFileSync(`${MODEL}/tokenizer.json`, 'utf8'), readFileSync(`${MODEL}/tokenizer_config.json`, 'utf8'));
});

/** The sequence as the diffusion prompt encodes it: a fixed prompt, each span's masks, and the text between the spans, piece by piece. */
const sequenceTokens = (text: string, spans: readonly TextRange[]) => {
  let tokens = 10;
  let cursor = 0;
  for (const span of spans) {
    tokens += countTokens(text.slice(cursor, span.start)) + Math.ceil(1.25 * countTokens(text.slice(span.start, span.end))) + 8;
    cursor = span.end;
  }
  return tokens + countTokens(text.slice(cursor));
};

const request = (text: string, spans: TextRange[], budget: number, overrides: Partial<WindowRequest> = {}): WindowRequest => ({
  text,
  spans,
  priorities: [],
  sequenceTokens,
  budget,
  countTokens,
  omissionMarker: (lines, indent) => omissionMarker('python', lines, indent),
  ...overrides,
});

const numbered = (count: number) => Array.from({ length: count }, (_, i) => `value_${i} = compute(${i}, "line ${i}")\n`).join('');

function rangeOfLines(text: string, first: number, last: number): TextRange {
  const lines = text.split(/(?<=\n)/);
  const start = lines.slice(0, first).join('').length;
  return { start, end: start + lines.slice(first, last + 1).join('').length - 1 };
}

describe('contextWindow', () => {
  it('is the whole file when the file fits', () => {
    const text = numbered(20);
    const spans = [rangeOfLines(text, 5, 6)];
    const window = contextWindow(request(text, spans, 4096));
    expect(window.text).toBe(text);
    expect(window.spans).toEqual(spans);
    expect(window.keptLines).toBe(20);
    expect(window.omittedRuns).toBe(0);
  });

  it("keeps the target and the lines nearest it, and marks what it leaves out with a comment line in the file's indentation", () => {
    const text = `${numbered(200)}class Box:\n    def size(self):\n        return 1\n${numbered(200).replaceAll(/^/gm, '    ')}`;
    const spans = [rangeOfLines(text, 201, 202)];
    spans[0]!.start += 4;
    const window = contextWindow(request(text, spans, 300));
    expect(window.tokens).toBeLessThanOrEqual(300);
    expect(window.text.slice(window.spans[0]!.start, window.spans[0]!.end)).toBe(text.slice(spans[0]!.start, spans[0]!.end));
    for (const near of ['value_199 = ', 'class Box:', '    value_0 = ', '    value_2 = ']) expect(window.text).toContain(near);
    expect(window.text).toMatch(/^# … \d+ lines …\n/);
    expect(window.text).toMatch(/\n {4}# … \d+ lines …\n$/);
    expect(window.omittedRuns).toBe(2);
  });

  it("takes the priorities before the lines further out, in the file's order", () => {
    const text = numbered(400);
    const spans = [rangeOfLines(text, 300, 301)];
    const window = contextWindow(
      request(text, spans, 300, {
        priorities: [
          { first: 0, last: 1 },
          { first: 100, last: 100 },
        ],
      }),
    );
    const lines = window.text.split('\n');
    expect(lines[0]).toBe('value_0 = compute(0, "line 0")');
    expect(lines[1]).toBe('value_1 = compute(1, "line 1")');
    expect(lines[2]).toMatch(/^# … 98 lines …$/);
    expect(lines[3]).toBe('value_100 = compute(100, "line 100")');
    expect(window.text).not.toContain('value_250 =');
  });

  it('refuses, naming the numbers, when the targets alone do not fit', () => {
    const text = numbered(100);
    expect(() => contextWindow(request(text, [rangeOfLines(text, 10, 60)], 200))).toThrow(InputError);
    expect(() => contextWindow(request(text, [rangeOfLines(text, 10, 60)], 200))).toThrow(/targets alone need \d+ tokens .* budget is 200/);
  });

  it('for random files and targets, always holds every target whole and never exceeds the budget', () => {
    const line = fc.oneof(
      fc.constantFrom('', '    ', 'def f(x):', '    return x + 1', '}', '  if (a) {', 'import os', '\t# é 😀 ünïcode', 'x = [1, 2, 3]\r'),
      fc.string({ maxLength: 40 }).map((s) => s.replaceAll('\n', ' ')),
    );
    const file = fc.record({
      lines: fc.array(line, { minLength: 1, maxLength: 300 }),
      finalNewline: fc.boolean(),
      cuts: fc.array(fc.nat(), { minLength: 2, maxLength: 8 }),
      budgetExtra: fc.nat({ max: 2000 }),
      priorities: fc.array(fc.record({ first: fc.nat({ max: 300 }), length: fc.nat({ max: 5 }) }), { maxLength: 6 }),
    });
    fc.assert(
      fc.property(file, ({ lines, finalNewline, cuts, budgetExtra, priorities }) => {
        const text = lines.join('\n') + (finalNewline ? '\n' : '');
        // Sorted cut points, paired into spans that do not overlap (some empty, some mid-line).
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const spans: TextRange[] = [];
        for (let i = 0; i + 1 < points.length; i += 2) spans.push({ start: points[i]!, end: points[i + 1]! });
        if (spans.length === 0) spans.push({ start: 0, end: text.length });
        const base = request(text, spans, 0, { priorities: priorities.map((p) => ({ first: p.first, last: p.first + p.length })) });
        // With no budget at all, the refusal says what the targets alone need: the smallest budget there is.
        const refusal = (() => {
          try {
            contextWindow({ ...base, budget: 0 });
          } catch (error) {
            return (error as Error).message;
          }
          throw new Error('a budget of 0 was accepted');
        })();
        const needed = Number(/need (\d+) tokens/.exec(refusal)![1]);
        const budget = needed + budgetExtra;
        const window = contextWindow({ ...base, budget });
        expect(window.tokens).toBeLessThanOrEqual(budget);
        window.spans.forEach((span, i) => {
          expect(window.text.slice(span.start, span.end)).toBe(text.slice(spans[i]!.start, spans[i]!.end));
        });
        const counted = sequenceTokens(window.text, window.spans);
        expect(counted).toBe(window.tokens);
      }),
      { numRuns: 150, seed: 15 },
    );
  });
});
