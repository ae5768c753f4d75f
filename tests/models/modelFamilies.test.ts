import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/inputErrors';
import { type CheckpointFacts, MODEL_FAMILIES, resolveFamily } from '../../src/models/modelFamilies';
import { instructionComment } from '../../src/prompt/promptFormats';

const facts = (over: Partial<CheckpointFacts>): CheckpointFacts => ({
  config: {},
  tokenizerConfig: {},
  addedTokens: {},
  tokenizerAddedTokens: { '<|endoftext|>': 151643, '<|im_end|>': 151645 },
  name: 'checkpoint',
  ...over,
});

const a2d = facts({ config: { model_type: 'a2d-qwen3' }, tokenizerConfig: { mask_token: '<|mask|>' }, addedTokens: { '<|mask|>': 151669 }, name: 'my-model' });

describe('resolveFamily', () => {
  it('refuses an A2D checkpoint whose name does not say MDLM or BD3LM, in one line naming both', () => {
    const error = (() => {
      try {
        resolveFamily(a2d, 'diffusion');
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/"mdlm" in the repository or folder name/);
    expect(error.message).toMatch(/"bd3lm" in the repository or folder name/);
  });

  it('takes the folder name, or --family, to tell them apart', () => {
    expect(resolveFamily({ ...a2d, name: 'Qwen3-0.6B-diffusion-bd3lm-v0.1' }, 'diffusion').family.attention).toEqual({ kind: 'block-causal', blockSize: 32 });
    expect(resolveFamily(a2d, 'diffusion', { family: 'a2d-mdlm' })).toMatchObject({ body: 'qwen3', maskTokenId: 151669, logitsShift: 0 });
  });

  it('refuses a model_type no family uses, and a qwen2 checkpoint with no mask token, naming what is missing', () => {
    expect(() => resolveFamily(facts({ config: { model_type: 'llada' } }), 'diffusion')).toThrow(/no known family uses model_type "llada"/);
    expect(() => resolveFamily(facts({ config: { model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'] } }), 'diffusion')).toThrow(
      /Open-dCoder needs auto_map naming modeling_qwen2.Qwen2ForCausalLM and the mask token <M> in the tokenizer files/,
    );
  });

  it('finds Open-dCoder by its <M> token, and takes --logits-shift and --mask-token over the table', () => {
    const dcoder = facts({
      config: { model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'], auto_map: { AutoModelForCausalLM: 'modeling_qwen2.Qwen2ForCausalLM' } },
      tokenizerConfig: { mask_token: '<M>' },
      addedTokens: { '<M>': 151665 },
    });
    expect(resolveFamily(dcoder, 'diffusion')).toMatchObject({ maskTokenId: 151665, logitsShift: 1, stopTokenIds: [151643] });
    expect(resolveFamily(dcoder, 'diffusion', { logitsShift: 0, maskToken: '<|endoftext|>' })).toMatchObject({ maskTokenId: 151643, logitsShift: 0 });
    expect(() => resolveFamily(dcoder, 'diffusion', { maskToken: '<nope>' })).toThrow(/--mask-token <nope>/);
  });

  it('refuses mask tokens that disagree between the places that name them', () => {
    const coda = facts({
      config: { model_type: 'CoDA', architectures: ['CoDALanguageModel'], mask_token_id: 151669 },
      tokenizerConfig: { mask_token: '<|mask|>' },
      addedTokens: { '<|mask|>': 151670 },
    });
    expect(() => resolveFamily(coda, 'diffusion')).toThrow(/config.json gives 151669, tokenizer_config.json gives 151670/);
  });

  it('names every family once, with a licence', () => {
    expect(new Set(MODEL_FAMILIES.map((f) => f.name)).size).toBe(MODEL_FAMILIES.length);
    for (const family of MODEL_FAMILIES) expect(family.licence).not.toBe('');
  });
});

describe('instructionComment', () => {
  it('writes the instruction as line comments of the language, indented like the target', () => {
    expect(instructionComment('make it iterative\nand fast', 'python', '    ')).toBe('# make it iterative\n    # and fast\n    ');
    expect(instructionComment('add validation', 'typescript', '')).toBe('// add validation\n');
  });
});
