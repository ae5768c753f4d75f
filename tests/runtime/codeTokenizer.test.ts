import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codeTokenizerFor } from '../../src/runtime/codeTokenizer';

// The demo model's tokenizer (the real Qwen BPE vocabulary), as `npm install` generates it.
const MODEL = 'public/models/tiny-diffusion';
const TOKENIZER = readFileSync(`${MODEL}/tokenizer.json`, 'utf8');
const CONFIG = readFileSync(`${MODEL}/tokenizer_config.json`, 'utf8');
/** The same configuration in other text: another pair of files as far as the cache can tell. */
const configVariant = (n: number) => `${CONFIG}${' '.repeat(n)}`;

describe('codeTokenizerFor', () => {
  it('gives the tokenizer built for the same files again, and builds one for other files', () => {
    const first = codeTokenizerFor(TOKENIZER, configVariant(1));
    expect(codeTokenizerFor(TOKENIZER, configVariant(1))).toBe(first);
    const other = codeTokenizerFor(TOKENIZER, configVariant(2));
    expect(other).not.toBe(first);
    expect(other.decode(other.encode('def area(r):\n    return r * r\n'))).toBe('def area(r):\n    return r * r\n');
  });

  it('keeps the two used last: the one used least lately is built again', () => {
    const a = codeTokenizerFor(TOKENIZER, configVariant(3));
    const b = codeTokenizerFor(TOKENIZER, configVariant(4));
    expect(codeTokenizerFor(TOKENIZER, configVariant(3))).toBe(a);
    codeTokenizerFor(TOKENIZER, configVariant(5));
    expect(codeTokenizerFor(TOKENIZER, configVariant(3))).toBe(a);
    expect(codeTokenizerFor(TOKENIZER, configVariant(4))).not.toBe(b);
  });
});
