import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fillPrompt, INSTRUCT_FILL_TEMPLATE, unfencedAnswer } from '../../src/prompt/fillPrompt';
import { type CodeTokenizer, codeTokenizerFor } from '../../src/runtime/codeTokenizer';

// The demo fallback's tokenizer (the real Qwen vocabulary, with its fill-in-the-middle tokens) and its manifest's template.
const MODEL = 'public/models/tiny-autoregressive';
const FIM_TEMPLATE = JSON.parse(readFileSync(`${MODEL}/manifest.json`, 'utf8')).promptTemplate as string;
let tokenizer: CodeTokenizer;

beforeAll(() => {
  tokenizer = codeTokenizerFor(readFileSync(`${MODEL}/tokenizer.json`, 'utf8'), readFileSync(`${MODEL}/tokenizer_config.json`, 'utf8'));
});

const PREFIX = 'import math\n\n\nclass Circle:\n    ';
const SUFFIX = '\n\n    def name(self):\n        return "circle"\n';

const id = (token: string) => tokenizer.tokenId(token)!;

describe('fillPrompt', () => {
  it("writes the instruction for a base model as a comment in the file's language, in the span's indentation, right before it", () => {
    const prompt = fillPrompt(tokenizer, { template: FIM_TEMPLATE, language: 'python', instruction: 'make it iterative', prefix: PREFIX, suffix: SUFFIX, maxTokens: 4096 });
    const text = tokenizer.decode(prompt.tokens);
    expect(text).toBe(`<|fim_prefix|>import math\n\n\nclass Circle:\n    # make it iterative\n    <|fim_suffix|>${SUFFIX}<|fim_middle|>`);
    expect(prompt.tokens[0]).toBe(id('<|fim_prefix|>'));
    expect(prompt.tokens.at(-1)).toBe(id('<|fim_middle|>'));
    expect(prompt.specialTokens).toEqual(['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>']);
    expect(prompt.chat).toBe(false);
    const comment = tokenizer.encode('    # make it iterative\n    ');
    const at = prompt.tokens.findIndex((_, i) => comment.every((t, j) => prompt.tokens[i + j] === t));
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(prompt.tokens.indexOf(id('<|fim_suffix|>')));
  });

  it('uses // in C-like languages and adds no comment for an empty instruction', () => {
    const js = fillPrompt(tokenizer, { template: FIM_TEMPLATE, language: 'javascript', instruction: 'validate input\nand log', prefix: 'const a = 1;\n', suffix: '', maxTokens: 4096 });
    expect(tokenizer.decode(js.tokens)).toBe('<|fim_prefix|>const a = 1;\n// validate input\n// and log\n<|fim_suffix|><|fim_middle|>');
    const none = fillPrompt(tokenizer, { template: FIM_TEMPLATE, language: 'python', instruction: '', prefix: PREFIX, suffix: SUFFIX, maxTokens: 4096 });
    expect(tokenizer.decode(none.tokens)).toBe(`<|fim_prefix|>${PREFIX}<|fim_suffix|>${SUFFIX}<|fim_middle|>`);
  });

  it("puts the instruction in an instruct model's chat template, and its turn tokens are the special tokens", () => {
    const prompt = fillPrompt(tokenizer, { template: INSTRUCT_FILL_TEMPLATE, language: 'python', instruction: 'make it iterative', prefix: PREFIX, suffix: SUFFIX, maxTokens: 4096 });
    expect(prompt.chat).toBe(true);
    expect(prompt.tokens[0]).toBe(id('<|im_start|>'));
    expect(tokenizer.decode(prompt.tokens)).toContain('<|im_start|>user\nmake it iterative\n\n');
    expect(tokenizer.decode(prompt.tokens)).toContain(`${PREFIX}<FILL>${SUFFIX}<|im_end|>\n<|im_start|>assistant\n`);
    expect(prompt.specialTokens).toEqual(['<|im_start|>', '<|im_end|>']);
    expect(unfencedAnswer('```python\ndef area(self):\n    return 1\n```')).toBe('def area(self):\n    return 1');
    expect(unfencedAnswer('def area(self): pass')).toBe('def area(self): pass');
  });

  it('cuts the file far from the span to fit, keeping the instruction and the code nearest the span', () => {
    const longPrefix = `${Array.from({ length: 300 }, (_, i) => `x_${i} = ${i}\n`).join('')}def f():\n    `;
    const longSuffix = Array.from({ length: 300 }, (_, i) => `\ny_${i} = ${i}`).join('');
    const prompt = fillPrompt(tokenizer, { template: FIM_TEMPLATE, language: 'python', instruction: 'make it iterative', prefix: longPrefix, suffix: longSuffix, maxTokens: 300 });
    expect(prompt.tokens.length).toBeLessThanOrEqual(300);
    expect(prompt.trimmedTokens).toBeGreaterThan(0);
    const text = tokenizer.decode(prompt.tokens);
    expect(text).toContain('def f():\n    # make it iterative\n    <|fim_suffix|>\ny_0 = 0');
    expect(text).not.toContain('x_0 = 0\n');
  });
});
