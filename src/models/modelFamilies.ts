import { InputError } from '../errors/inputErrors.ts';
import { FIM_PROMPT_TEMPLATE } from '../prompt/promptFormats.ts';
import type { AuthorsSamplerName, RemaskingStrategy } from './diffusionConfig';

/**
 * The model families Builder converts and samples, with what each one's authors do: the one place
 * that knows these facts (docs/model-families.md). A diffusion checkpoint's behaviour is not in
 * its `model_type` alone: Open-dCoder's config.json is a plain Qwen2 one, and the dLLM project's
 * MDLM and BD3LM models share theirs. Each fact carries the repository and file it was read from.
 */

export type FamilyName = 'open-dcoder' | 'a2d-mdlm' | 'a2d-bd3lm' | 'coda' | 'dream' | 'sdar' | 'fast-dllm-v2' | 'builder-tiny' | 'qwen-autoregressive';

/** The transformer body the converter builds: Qwen2 (q/k/v biases) or Qwen3 (per-head q/k norms). */
export type FamilyBody = 'qwen2' | 'qwen3';

/** How the tokens of one pass see each other. */
export type FamilyAttention = { kind: 'bidirectional' } | { kind: 'block-causal'; blockSize: number } | { kind: 'causal' };

/** Where a checkpoint names its mask token. */
export type MaskTokenPlace = 'config.json' | 'tokenizer_config.json' | 'added_tokens.json' | 'tokenizer.json';

/**
 * An instruct model's prompt: the checkpoint's own chat template (src/convert/chatTemplate.ts),
 * rendered for one user message with add_generation_prompt, as its authors call it; the file, its
 * targets masked, is the answer that follows. Only the arguments the authors pass are kept here.
 */
export interface ChatPrompt {
  kind: 'chat';
  /** `enable_thinking`, where the authors pass it (Qwen3's templates read it); absent: not passed. */
  enableThinking?: boolean;
  /** A system turn the authors send; absent: none, and the template writes its own default, if any. */
  system?: string;
  /**
   * Builder's, not the authors': the answer ends with the last target and the file's text after it
   * goes into the user's turn, since a block-causal model never sees what comes after the block it writes.
   */
  fileAfterInUserTurn?: boolean;
  /** Where the arguments come from. */
  source: string;
}

/**
 * How a request is laid out. `infill`: a base model sees the file with the target's tokens masked and
 * the instruction as a comment in the file's language just before the target. `chat`: see ChatPrompt.
 * `fill-in-the-middle`: the autoregressive fallback's `{prefix}`, `{suffix}` template.
 */
export type PromptFormat = { kind: 'infill' } | ChatPrompt | { kind: 'fill-in-the-middle'; template: string };

/** The sampler settings the authors publish, as they ran their own evaluations. */
export interface SamplerDefaults {
  /** Which of the authors' samplers (src/generate/authors/) their evaluation runs. */
  algorithm: AuthorsSamplerName;
  remasking: RemaskingStrategy;
  /** Denoising steps per generated token. */
  stepsPerToken: number;
  /** Where the authors run a fixed number of steps whatever the length: that number (it wins over stepsPerToken). */
  steps?: number;
  /** Guidance in the sampler's own terms (dLLM's cfg_scale: 0 is off); the Dream-family samplers have none. */
  cfgScale: number;
  temperature: number;
  topP: number;
  /** Tokens per block of the authors' sampler; null: the whole answer is one block. */
  blockLength: number | null;
  /**
   * fast-dllm-v2: every masked token of the sub-block more likely than this is revealed in the same step (their `threshold`);
   * sdar: of the block, where at least the step's count are (SDAR's `confidence_threshold`).
   */
  threshold?: number;
  /** Where these come from. */
  source: string;
}

export interface ModelFamily {
  name: FamilyName;
  label: string;
  kind: 'diffusion' | 'autoregressive';
  /** The published repositories of the family (Hugging Face ids). */
  repositories: readonly string[];
  /**
   * How a checkpoint is recognised; every criterion given must hold. `modelTypes` maps each
   * config.json `model_type` the family uses to the body behind it.
   */
  recognise: {
    modelTypes: Readonly<Record<string, FamilyBody>>;
    architectures?: readonly string[];
    /** A class path that config.json's `auto_map` names. */
    autoMap?: string;
    /** config.json names its mask token (`mask_token_id`). */
    configMaskTokenId?: boolean;
    /** The tokenizer files hold the family's mask token. */
    maskTokenInTokenizer?: boolean;
    /** The repository or folder name contains this (the one thing that tells MDLM from BD3LM). */
    nameContains?: string;
    /** config.json names the block size under this key, which must be the family's block-causal block size (the graph is built for that one). */
    blockSizeKey?: string;
  };
  /** The output head as published; the converter follows config.json's `tie_word_embeddings` (absent: untied, as transformers reads it). */
  head: 'tied' | 'untied';
  attention: FamilyAttention;
  /** 1: the logits at p - 1 predict position p (models adapted from autoregressive ones without re-alignment); 0: those at p. */
  logitsShift: 0 | 1;
  /** The mask token's text and the places it is looked for, in order; null for autoregressive models. */
  maskToken: { token: string; places: readonly MaskTokenPlace[] } | null;
  /** Tokens that end an answer, beside config.json's `eos_token_id`. */
  stopTokens: readonly string[];
  prompt: PromptFormat;
  sampler: SamplerDefaults | null;
  licence: string;
  /** Notes for the model manager and docs. */
  notes: string;
}

/**
 * dLLM's A2D models: ZHZisZZ/dllm dllm/utils/models.py, get_tokenizer (lines 207-224 at ca17675): for
 * A2DQwen2LMHeadModel and A2DQwen3LMHeadModel, apply_chat_template gets enable_thinking=False unless the
 * caller passes it (Qwen3's template then ends the generation prompt with an empty think block;
 * Qwen2.5's ignores it); no system turn (examples/a2d/mdlm/sample.py: one user message,
 * add_generation_prompt=True; dllm/core/eval/base.py apply_chat_template: add_generation_prompt).
 */
const A2D_PROMPT: ChatPrompt = {
  kind: 'chat',
  enableThinking: false,
  source: 'ZHZisZZ/dllm dllm/utils/models.py get_tokenizer (enable_thinking=False), examples/a2d/mdlm/sample.py (add_generation_prompt=True)',
};

export const MODEL_FAMILIES: readonly ModelFamily[] = [
  {
    name: 'open-dcoder',
    label: 'Open-dCoder',
    kind: 'diffusion',
    repositories: ['fredzzp/open-dcoder-0.5B'],
    // pengzhangzhi/Open-dLLM scripts/upload/upload_model.py: the uploaded config.json is Qwen2.5-Coder's,
    // with only auto_map {"AutoModelForCausalLM": "modeling_qwen2.Qwen2ForCausalLM"}, architectures
    // ["Qwen2ForCausalLM"] and trust_remote_code added; model_type stays "qwen2".
    recognise: { modelTypes: { qwen2: 'qwen2' }, architectures: ['Qwen2ForCausalLM'], autoMap: 'modeling_qwen2.Qwen2ForCausalLM', maskTokenInTokenizer: true },
    head: 'tied',
    attention: { kind: 'bidirectional' },
    // pengzhangzhi/Open-dLLM veomni/models/transformers/qwen2/generation_utils.py: "Shift logits to
    // predict the next token, aligning with training": logits = cat([logits[:, :1], logits[:, :-1]]).
    logitsShift: 1,
    // pengzhangzhi/Open-dLLM tasks/train_torch.py: tokenizer.add_special_tokens({"mask_token": "<M>"}),
    // the id after Qwen2.5's last added token (151665); saved as tokenizer_config.json's mask_token and
    // in added_tokens.json, never as a config.json mask_token_id.
    maskToken: { token: '<M>', places: ['tokenizer_config.json', 'added_tokens.json', 'tokenizer.json'] },
    stopTokens: ['<|endoftext|>'],
    // pengzhangzhi/Open-dLLM eval/eval_infill/eval_infill.py: "Construct sequences: prefix + masks + suffix".
    prompt: { kind: 'infill' },
    sampler: {
      // The infill evaluation (eval/eval_infill/run_eval.sh) runs ALG="p2", STEPS=64, TEMPERATURE=0.6,
      // with eval_infill.py's --top_p default 0.95; p2 is in veomni/models/transformers/qwen2/generation_utils.py.
      algorithm: 'p2',
      remasking: 'low-confidence',
      stepsPerToken: 64 / 128,
      steps: 64,
      cfgScale: 0,
      temperature: 0.6,
      topP: 0.95,
      blockLength: null,
      source: 'pengzhangzhi/Open-dLLM eval/eval_infill/run_eval.sh, eval/eval_infill/eval_infill.py (top_p), veomni/models/transformers/qwen2/generation_utils.py (p2)',
    },
    // pengzhangzhi/Open-dLLM LICENSE.
    licence: 'Apache-2.0',
    notes: 'A base infill model: the instruction goes in as a comment before the target.',
  },
  {
    name: 'a2d-mdlm',
    label: 'dLLM Tiny-A2D MDLM',
    kind: 'diffusion',
    repositories: ['dllm-hub/Qwen2.5-Coder-0.5B-Instruct-diffusion-mdlm-v0.1', 'dllm-hub/Qwen3-0.6B-diffusion-mdlm-v0.1'],
    // ZHZisZZ/dllm dllm/pipelines/a2d/models/qwen2/modeling_qwen2.py and qwen3/modeling_qwen3.py:
    // model_type "a2d-qwen2" / "a2d-qwen3" over the unchanged Qwen weights (dllm/pipelines/a2d/convert.py).
    // MDLM and BD3LM checkpoints share that config; only the repository name tells them apart.
    recognise: { modelTypes: { 'a2d-qwen2': 'qwen2', 'a2d-qwen3': 'qwen3' }, nameContains: 'mdlm' },
    head: 'tied',
    attention: { kind: 'bidirectional' },
    // ZHZisZZ/dllm dllm/core/samplers/mdlm.py: MDLMSamplerConfig.right_shift_logits = False.
    logitsShift: 0,
    // ZHZisZZ/dllm dllm/utils/models.py: tokenizer.add_special_tokens({"mask_token": "<|mask|>"}) for
    // A2D Qwen models: 151665 after Qwen2.5's tokens, 151669 after Qwen3's.
    maskToken: { token: '<|mask|>', places: ['tokenizer_config.json', 'added_tokens.json', 'tokenizer.json', 'config.json'] },
    // ZHZisZZ/dllm dllm/utils/models.py: eot_token "<|im_end|>".
    stopTokens: ['<|im_end|>', '<|endoftext|>'],
    prompt: A2D_PROMPT,
    sampler: {
      // ZHZisZZ/dllm examples/a2d/mdlm/eval.sh, coder suite (humaneval_instruct, mbpp_instruct):
      // max_new_tokens=256, steps=256, block_size=256, cfg_scale=0.0; temperature 0.0 and remasking
      // "low_confidence" are MDLMSamplerConfig's defaults (dllm/core/samplers/mdlm.py).
      algorithm: 'mdlm',
      remasking: 'low-confidence',
      stepsPerToken: 1,
      cfgScale: 0,
      temperature: 0,
      topP: 1,
      blockLength: 256,
      source: 'ZHZisZZ/dllm examples/a2d/mdlm/eval.sh, dllm/core/samplers/mdlm.py',
    },
    // ZHZisZZ/dllm LICENSE; the Qwen2.5-Coder-0.5B-Instruct and Qwen3-0.6B bases are Apache-2.0 as well.
    licence: 'Apache-2.0',
    notes: 'HumanEval 28.1 (Qwen2.5-Coder 0.5B) and 30.5 (Qwen3 0.6B), ZHZisZZ/dllm examples/a2d/README.md.',
  },
  {
    name: 'a2d-bd3lm',
    label: 'dLLM Tiny-A2D BD3LM',
    kind: 'diffusion',
    repositories: ['dllm-hub/Qwen2.5-Coder-0.5B-Instruct-diffusion-bd3lm-v0.1', 'dllm-hub/Qwen3-0.6B-diffusion-bd3lm-v0.1'],
    recognise: { modelTypes: { 'a2d-qwen2': 'qwen2', 'a2d-qwen3': 'qwen3' }, nameContains: 'bd3lm' },
    head: 'tied',
    // ZHZisZZ/dllm dllm/core/samplers/bd3lm.py, _prepare_for_sampling: block_id = position // block_size,
    // a query attends to keys whose block is not after its own (bid_k <= bid_q); BD3LMSamplerConfig.block_size = 32.
    // Training (dllm/core/trainers/bd3lm.py) numbers blocks from the start of the sequence, as this does.
    attention: { kind: 'block-causal', blockSize: 32 },
    // ZHZisZZ/dllm dllm/core/samplers/bd3lm.py: BD3LMSamplerConfig.right_shift_logits = False.
    logitsShift: 0,
    maskToken: { token: '<|mask|>', places: ['tokenizer_config.json', 'added_tokens.json', 'tokenizer.json', 'config.json'] },
    stopTokens: ['<|im_end|>', '<|endoftext|>'],
    prompt: { ...A2D_PROMPT, fileAfterInUserTurn: true },
    sampler: {
      // ZHZisZZ/dllm examples/a2d/bd3lm/eval.sh: max_new_tokens=256, steps=256, block_size=32, cfg_scale=0.0;
      // temperature 0.0 and "low_confidence" are BD3LMSamplerConfig's defaults (dllm/core/samplers/bd3lm.py).
      algorithm: 'bd3lm',
      remasking: 'low-confidence',
      stepsPerToken: 1,
      cfgScale: 0,
      temperature: 0,
      topP: 1,
      blockLength: 32,
      source: 'ZHZisZZ/dllm examples/a2d/bd3lm/eval.sh, dllm/core/samplers/bd3lm.py',
    },
    licence: 'Apache-2.0',
    notes: 'HumanEval 39.0 (Qwen2.5-Coder 0.5B) and 46.3 (Qwen3 0.6B), ZHZisZZ/dllm examples/a2d/README.md. Denoised one block of 32 at a time, left to right.',
  },
  {
    name: 'coda',
    label: 'CoDA',
    kind: 'diffusion',
    repositories: ['Salesforce/CoDA-v0-Instruct'],
    // SalesforceAIResearch/CoDA CoDALanguageModel/config.json: model_type "CoDA", architectures
    // ["CoDALanguageModel"], a Qwen3 body (q_norm/k_norm, no biases: modeling_coda.py CoDAAttention).
    recognise: { modelTypes: { CoDA: 'qwen3' }, architectures: ['CoDALanguageModel'] },
    // modeling_coda.py: lm_head is its own nn.Linear and the model defines no get_output_embeddings,
    // so nothing ties it; config.json has no tie_word_embeddings.
    head: 'untied',
    // modeling_coda.py / attention.py: scaled_dot_product_attention(..., is_causal=False).
    attention: { kind: 'bidirectional' },
    // CoDALanguageModel/generation_utils.py _sample: logits = torch.cat([logits[:, :1], logits[:, :-1]], dim=1).
    logitsShift: 1,
    // config.json mask_token_id 151669; tokenizer_config.json mask_token "<|mask|>"; added_tokens.json "<|mask|>": 151669.
    maskToken: { token: '<|mask|>', places: ['config.json', 'tokenizer_config.json', 'added_tokens.json', 'tokenizer.json'] },
    // tokenizer_config.json eos_token "<|im_end|>", pad_token "<|endoftext|>".
    stopTokens: ['<|im_end|>', '<|endoftext|>'],
    // SalesforceAIResearch/CoDA: the instruct model is fine-tuned on conversations rendered with
    // enable_thinking=False (post-train/LLaMA-Factory/src/llamafactory/data/processors/supervised.py,
    // apply_chat_template(..., add_generation_prompt=False, enable_thinking=False)), so its answers follow an
    // empty think block; the HumanEval and MBPP runs (evaluation/lm_eval/eval_mbpp_humaneval.sh,
    // --apply_chat_template) give the answer's start as the assistant's message (the tasks' gen_prefix,
    // lm_eval/api/task.py), which its Qwen3 template writes after the same empty think block. No system turn.
    prompt: {
      kind: 'chat',
      enableThinking: false,
      source: 'SalesforceAIResearch/CoDA post-train/LLaMA-Factory/src/llamafactory/data/processors/supervised.py (enable_thinking=False), evaluation/lm_eval (no system turn)',
    },
    sampler: {
      // SalesforceAIResearch/CoDA evaluation/lm_eval/eval_mbpp_humaneval.sh: max_new_tokens=768,
      // diffusion_steps=768, temperature=0.1, top_p=0.9, alg="entropy"; the sampler it runs
      // (CoDALanguageModel/generation_utils.py `_sample`) has no blocks (README's BLOCK_LENGTH is the server's).
      algorithm: 'dream',
      remasking: 'entropy',
      stepsPerToken: 1,
      cfgScale: 0,
      temperature: 0.1,
      topP: 0.9,
      blockLength: null,
      source: 'SalesforceAIResearch/CoDA evaluation/lm_eval/eval_mbpp_humaneval.sh, README.md',
    },
    // SalesforceAIResearch/CoDA LICENSE.txt.
    licence: 'CC-BY-NC-4.0',
    notes: 'Non-commercial licence. HumanEval 54.3 (Instruct), SalesforceAIResearch/CoDA README.md. Weights published in float32, two shards.',
  },
  {
    name: 'dream',
    label: 'Dream / DiffuCoder / Dream-Coder',
    kind: 'diffusion',
    repositories: ['apple/DiffuCoder-7B-Instruct', 'Dream-org/Dream-Coder-v0-Instruct-7B', 'Dream-org/Dream-v0-Instruct-7B'],
    // ZHZisZZ/dllm dllm/pipelines/dream/models/configuration_dream.py: model_type "Dream" over a Qwen2 body.
    recognise: { modelTypes: { Dream: 'qwen2' } },
    // configuration_dream.py: tie_word_embeddings=False.
    head: 'untied',
    attention: { kind: 'bidirectional' },
    // ZHZisZZ/dllm dllm/pipelines/dream/sampler.py: right_shift_logits = True.
    logitsShift: 1,
    // configuration_dream.py: mask_token_id=151666.
    maskToken: { token: '<|mask|>', places: ['config.json', 'tokenizer_config.json', 'added_tokens.json', 'tokenizer.json'] },
    // ZHZisZZ/dllm dllm/utils/models.py: Dream's eot_token "<|im_end|>".
    stopTokens: ['<|im_end|>', '<|endoftext|>'],
    // apple/ml-diffucoder README.md and inference_demo.py write the prompt with the system turn "You are a
    // helpful assistant." ("following the template of qwen; you can also use apply_chat_template"), and
    // recipes/config_coupled_code.yaml trains with that system_prompt; HKUNLP/Dream README.md passes one
    // user message with add_generation_prompt=True, and demo_completion.py shows the same system turn in its output.
    prompt: {
      kind: 'chat',
      system: 'You are a helpful assistant.',
      source: 'apple/ml-diffucoder README.md, inference_demo.py, recipes/config_coupled_code.yaml (system turn); HKUNLP/Dream README.md (add_generation_prompt=True)',
    },
    sampler: {
      // ZHZisZZ/dllm examples/dream/eval.sh, humaneval_instruct_dream: max_new_tokens=768, steps=768,
      // temperature=0.1, top_p=0.9, alg=entropy.
      algorithm: 'dream',
      remasking: 'entropy',
      stepsPerToken: 1,
      cfgScale: 0,
      temperature: 0.1,
      topP: 0.9,
      blockLength: null,
      source: 'ZHZisZZ/dllm examples/dream/eval.sh',
    },
    licence: "not read here: see each repository's model card",
    notes: '7B: past the 4 GB WASM memory of onnxruntime-web at any precision; for the CLI on a large machine.',
  },
  {
    name: 'sdar',
    label: 'SDAR',
    kind: 'diffusion',
    repositories: ['JetLM/SDAR-1.7B-Chat'],
    // JetAstra/SDAR training/model/SDAR-4B-Chat/config.json (and SDAR-8B-Chat's; the 1.7B's own was not
    // readable here): model_type "sdar", architectures ["SDARForCausalLM"], auto_map AutoModelForCausalLM
    // "modeling_sdar.SDARForCausalLM", mask_token_id 151669, block_size 4; modeling_sdar.py is a Qwen3 body
    // (q_norm/k_norm per head before RoPE, no q/k/v biases). README.md: "We start from Qwen3-1.7B-Base".
    recognise: { modelTypes: { sdar: 'qwen3' }, architectures: ['SDARForCausalLM'], configMaskTokenId: true },
    // The 4B and 8B config.json say tie_word_embeddings false and their index holds an lm_head.weight of its
    // own; the 1.7B's tying was not read (Qwen3-1.7B-Base ties), so the converter follows its config.json either way.
    head: 'untied',
    // JetAstra/SDAR generate.py block_diffusion_generate: torch.tril over blocks, repeat_interleave(block_length)
    // from position 0 of the prompt (prefill_blocks = prompt_length // block_length; no padding), so a block sees
    // itself both ways and every earlier block; modeling_sdar.py block_diff_mask counts training blocks the same way.
    attention: { kind: 'block-causal', blockSize: 4 },
    // generate.py: cur_x[transfer_index] = x0[transfer_index] from the same block's logits, index for index;
    // modeling_sdar.py scores the hidden state at a masked position against the label there.
    logitsShift: 0,
    // The folder spells the mask two ways: tokenizer_config.json mask_token "<|MASK|>" (added_tokens_decoder
    // 151669), added_tokens.json and special_tokens_map.json "<MASK>"; every file agrees on the id 151669
    // (config.json mask_token_id; evaluation/opencompass/configs/eval_sdar_hf.py mask_id=151669), so the id in
    // config.json is read first and a place that spells it the other way is not asked.
    maskToken: { token: '<|MASK|>', places: ['config.json', 'tokenizer_config.json', 'tokenizer.json'] },
    // training/model/SDAR-4B-Chat/generation_config.json eos_token_id [151645, 151643], which generate.py
    // takes as its stopping_criteria_idx.
    stopTokens: ['<|im_end|>', '<|endoftext|>'],
    // generate.py: apply_chat_template(messages, add_generation_prompt=True, tokenize=False), one user message,
    // no enable_thinking (Qwen3's template then writes no think block), tokenized with add_special_tokens=False;
    // the template (training/model/SDAR-4B-Chat/chat_template.jinja) is Qwen3's.
    prompt: { kind: 'chat', fileAfterInUserTurn: true, source: 'JetAstra/SDAR generate.py (add_generation_prompt=True, no enable_thinking, no system turn)' },
    sampler: {
      // generate.py's command line: --block_length 4 --denoising_steps 4 --remasking_strategy low_confidence_dynamic
      // --confidence_threshold 0.85 (src/generate/authors/sdarBlock.ts); README.md: "greedy decoding with
      // block_length = 4, denoising_steps = 4". Four steps for a block of four tokens: one step per token.
      algorithm: 'sdar',
      remasking: 'low-confidence',
      stepsPerToken: 1,
      cfgScale: 0,
      temperature: 0,
      topP: 1,
      blockLength: 4,
      threshold: 0.85,
      source: 'JetAstra/SDAR generate.py (parse_args, block_diffusion_generate), README.md (greedy decoding)',
    },
    // JetAstra/SDAR LICENSE: MIT; the model card (training/model/SDAR-4B-Chat/README.md front matter) says apache-2.0.
    licence: 'MIT (JetAstra/SDAR repository); apache-2.0 (model card)',
    notes: 'HumanEval 61.6, MBPP 61.1 (JetAstra/SDAR README.md). Denoised four tokens at a time, blocks counted from the start of the prompt.',
  },
  {
    name: 'fast-dllm-v2',
    label: 'Fast-dLLM v2',
    kind: 'diffusion',
    repositories: ['Efficient-Large-Model/Fast_dLLM_v2_1.5B'],
    // The Hugging Face folder (read in its clone HoangMaizzz/failfasttesting Fast_dLLM_v2_1.5B/, commit 7cc16bb):
    // config.json model_type "Fast_dLLM_Qwen", architectures ["Fast_dLLM_QwenForCausalLM"], auto_map
    // AutoModelForCausalLM "modeling.Fast_dLLM_QwenForCausalLM", bd_size 32, no head_dim (modeling.py:
    // getattr(config, "head_dim", hidden_size // num_attention_heads)) and no mask_token_id. modeling.py is a Qwen2
    // body: q/k/v projections with bias=True, o_proj without, no q/k norms. README.md: base Qwen/Qwen2.5-1.5B-Instruct.
    recognise: { modelTypes: { Fast_dLLM_Qwen: 'qwen2' }, architectures: ['Fast_dLLM_QwenForCausalLM'], maskTokenInTokenizer: true, blockSizeKey: 'bd_size' },
    // config.json tie_word_embeddings true; modeling.py _tied_weights_keys ["lm_head.weight"].
    head: 'tied',
    // modeling.py eval_mask / eval_block_diff_mask: a query at absolute position q sees a key at k where
    // q // bd_size >= k // bd_size, counted from position 0 with the prompt, prefill included; sub-blocks are
    // not an attention boundary. bd_size 32 in config.json and in generate(block_size=32).
    attention: { kind: 'block-causal', blockSize: 32 },
    // modeling.py generate and NVlabs/Fast-dLLM v2/generation_functions.py (commit 6cf2722, read through the fork
    // mgustineli/Fast-dLLM): logits = torch.cat([logits[:, :1], logits[:, :-1]], dim=1) before the sub-block is read.
    logitsShift: 1,
    // NVlabs/Fast-dLLM v2/src/lmflow/models/hf_model_mixin.py: tokenizer.add_special_tokens({"additional_special_tokens":
    // ["|<MASK>|"]}), the id after Qwen2.5's last added token (151665), which v2/generation_functions.py
    // (FAST_DLLM_MASK_ID = 151665) and modeling.py generate(mask_id=151665) use; config.json names none.
    maskToken: { token: '|<MASK>|', places: ['added_tokens.json', 'tokenizer.json'] },
    // v2/generation_functions.py FAST_DLLM_STOP_TOKEN = 151645 and modeling.py generate(stop_token=151645): <|im_end|>,
    // config.json's eos_token_id. <|endoftext|> is listed too, as Builder ends a span at any end of text.
    stopTokens: ['<|im_end|>', '<|endoftext|>'],
    // The training template (v2/src/lmflow/utils/conversation_template/qwen.py Fast_dLLM_v2_TEMPLATE, chosen by
    // conversation_template=fast_dllm_v2 in v2/train_scripts/finetune_alpaca.sh) is Qwen2.5's with the system turn
    // "You are a helpful assistant." when none is given, and the model card's quickstart (README.md) sends that
    // system turn with add_generation_prompt=True; passed here, so the prompt is the same whichever default the
    // folder's own template writes.
    prompt: {
      kind: 'chat',
      system: 'You are a helpful assistant.',
      fileAfterInUserTurn: true,
      source: 'NVlabs/Fast-dLLM v2/src/lmflow/utils/conversation_template/qwen.py (its default system turn), the model card README.md (add_generation_prompt=True)',
    },
    sampler: {
      // The model card's quickstart: model.generate(..., small_block_size=8, threshold=0.9) with generate's defaults
      // block_size=32, temperature=0, top_p=0.95 (modeling.py); v2/run_chatbot.py and v2/eval.py (the lm-eval
      // harness) use threshold 0.9 and small_block_size 8 too. The settings of the published HumanEval and MBPP
      // runs are not in the repository (v2/eval_script.sh runs gsm8k, math, ifeval with threshold=1).
      algorithm: 'fast-dllm-v2',
      remasking: 'low-confidence',
      // Passes are not set: the threshold decides them, at most one a token and one a block.
      stepsPerToken: 1,
      cfgScale: 0,
      temperature: 0,
      topP: 0.95,
      // Their small_block_size; the 32-token block is the graph's (bd_size).
      blockLength: 8,
      threshold: 0.9,
      source: 'Efficient-Large-Model/Fast_dLLM_v2_1.5B README.md and modeling.py generate; NVlabs/Fast-dLLM v2/eval.py, v2/run_chatbot.py',
    },
    // NVlabs/Fast-dLLM LICENSE (Apache License 2.0); the model card: license apache-2.0.
    licence: 'Apache-2.0',
    notes:
      "HumanEval 43.9, MBPP 50.0 (NVlabs/Fast-dLLM v2/README.md). Blocks of 32 from the start of the prompt, each denoised in sub-blocks of 8 with a confidence threshold; the first token of every block is the previous block's autoregressive prediction.",
  },
  {
    name: 'builder-tiny',
    label: 'Builder tiny test model',
    kind: 'diffusion',
    repositories: [],
    // src/convert/tinyModel.ts writes a Qwen2 config.json with mask_token_id, which no published family has
    // together with model_type "qwen2": Open-dCoder names its mask token only in the tokenizer files.
    recognise: { modelTypes: { qwen2: 'qwen2', qwen3: 'qwen3' }, configMaskTokenId: true, maskTokenInTokenizer: true },
    head: 'tied',
    attention: { kind: 'bidirectional' },
    logitsShift: 0,
    maskToken: { token: '<|mask|>', places: ['config.json', 'tokenizer_config.json', 'tokenizer.json'] },
    stopTokens: ['<|endoftext|>'],
    // src/convert/tinyModel.ts writes Qwen3's tokenizer_config.json with its chat template, rendered as it is.
    prompt: { kind: 'chat', source: "Builder's test model: add_generation_prompt only" },
    sampler: null,
    licence: 'generated by this project (random weights)',
    notes: 'Random weights: the real pipeline in seconds, not useful code.',
  },
  {
    name: 'qwen-autoregressive',
    label: 'Qwen2.5-Coder (autoregressive fallback)',
    kind: 'autoregressive',
    repositories: ['Qwen/Qwen2.5-Coder-0.5B', 'Qwen/Qwen2.5-Coder-0.5B-Instruct', 'onnx-community/Qwen2.5-Coder-0.5B-Instruct'],
    recognise: { modelTypes: { qwen2: 'qwen2', qwen3: 'qwen3' } },
    head: 'tied',
    attention: { kind: 'causal' },
    logitsShift: 1,
    maskToken: null,
    stopTokens: ['<|endoftext|>', '<|fim_pad|>', '<|im_end|>'],
    prompt: { kind: 'fill-in-the-middle', template: FIM_PROMPT_TEMPLATE },
    sampler: null,
    licence: 'Apache-2.0',
    notes: 'Fill-in-the-middle fallback.',
  },
];

export function familyByName(name: string): ModelFamily {
  const family = MODEL_FAMILIES.find((f) => f.name === name);
  if (!family) throw new InputError(`--family takes ${MODEL_FAMILIES.map((f) => f.name).join(', ')}; got "${name}".`);
  return family;
}

/** What the converter reads of a checkpoint folder to tell its family. */
export interface CheckpointFacts {
  config: Record<string, unknown>;
  /** tokenizer_config.json; {} where there is none. */
  tokenizerConfig: Record<string, unknown>;
  /** added_tokens.json (token -> id); {} where there is none. */
  addedTokens: Readonly<Record<string, number>>;
  /** tokenizer.json's added_tokens (token -> id). */
  tokenizerAddedTokens: Readonly<Record<string, number>>;
  /** The repository it came from, or its folder's name. */
  name: string;
}

/** What the user said on the command line, over what the table says. */
export interface FamilyOverrides {
  family?: string;
  logitsShift?: 0 | 1;
  /** A token's text (`<M>`) or id. */
  maskToken?: string;
}

/** A checkpoint's family with the facts resolved against its files. */
export interface ResolvedFamily {
  family: ModelFamily;
  body: FamilyBody;
  logitsShift: 0 | 1;
  /** Diffusion only. */
  maskTokenId?: number;
  maskToken?: string;
  stopTokenIds: number[];
}

/** A special token's text as tokenizer_config.json writes it: a string, or an AddedToken object's `content`. */
export const tokenText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string' ? (value as { content: string }).content : undefined;

/** The id of a token's text from the tokenizer files. */
function tokenIdOf(facts: CheckpointFacts, token: string): number | undefined {
  return facts.addedTokens[token] ?? facts.tokenizerAddedTokens[token];
}

function maskTokenInTokenizer(facts: CheckpointFacts, token: string): boolean {
  return tokenText(facts.tokenizerConfig.mask_token) === token || tokenIdOf(facts, token) !== undefined;
}

/** Which of the family's criteria the checkpoint fails, in words; empty when it is one of the family. */
function unmet(family: ModelFamily, facts: CheckpointFacts): string[] {
  const { recognise } = family;
  const missing: string[] = [];
  const architectures = Array.isArray(facts.config.architectures) ? facts.config.architectures.map(String) : [];
  const autoMap = typeof facts.config.auto_map === 'object' && facts.config.auto_map !== null ? Object.values(facts.config.auto_map).map(String) : [];
  if (!Object.hasOwn(recognise.modelTypes, String(facts.config.model_type)))
    missing.push(
      `model_type ${Object.keys(recognise.modelTypes)
        .map((t) => `"${t}"`)
        .join(' or ')}`,
    );
  if (recognise.architectures && !recognise.architectures.some((a) => architectures.includes(a))) missing.push(`architectures ${recognise.architectures.join(', ')}`);
  if (recognise.autoMap && !autoMap.includes(recognise.autoMap)) missing.push(`auto_map naming ${recognise.autoMap}`);
  if (recognise.configMaskTokenId && !Number.isInteger(facts.config.mask_token_id)) missing.push('config.json "mask_token_id"');
  if (recognise.maskTokenInTokenizer && family.maskToken && !maskTokenInTokenizer(facts, family.maskToken.token)) missing.push(`the mask token ${family.maskToken.token} in the tokenizer files`);
  if (recognise.nameContains && !facts.name.toLowerCase().includes(recognise.nameContains)) missing.push(`"${recognise.nameContains}" in the repository or folder name`);
  if (recognise.blockSizeKey && family.attention.kind === 'block-causal' && facts.config[recognise.blockSizeKey] !== family.attention.blockSize)
    missing.push(`config.json "${recognise.blockSizeKey}" ${family.attention.blockSize} (got ${JSON.stringify(facts.config[recognise.blockSizeKey])})`);
  return missing;
}

/** The mask token's id, from the first of the family's places that names it; the places that name it must agree. */
function resolveMaskToken(family: ModelFamily, facts: CheckpointFacts, override: string | undefined): { id: number; token: string } {
  const expected = family.maskToken!;
  if (override !== undefined) {
    if (/^\d+$/.test(override)) return { id: Number(override), token: override };
    const id = tokenIdOf(facts, override);
    if (id === undefined) throw new InputError(`--mask-token ${override}: neither added_tokens.json nor tokenizer.json holds that token.`);
    return { id, token: override };
  }
  const found: { place: MaskTokenPlace; id: number }[] = [];
  for (const place of expected.places) {
    let id: number | undefined;
    if (place === 'config.json') id = Number.isInteger(facts.config.mask_token_id) ? (facts.config.mask_token_id as number) : undefined;
    else if (place === 'tokenizer_config.json') {
      const text = tokenText(facts.tokenizerConfig.mask_token);
      id = text === expected.token ? tokenIdOf(facts, text) : undefined;
    } else if (place === 'added_tokens.json') id = facts.addedTokens[expected.token];
    else id = facts.tokenizerAddedTokens[expected.token];
    if (id !== undefined) found.push({ place, id });
  }
  if (found.length === 0) {
    throw new InputError(
      `${family.label} checkpoint without its mask token: ${expected.places.map((p) => (p === 'config.json' ? 'config.json has no "mask_token_id"' : `${p} has no ${expected.token}`)).join(', ')}; name it with --mask-token TOKEN.`,
    );
  }
  const disagreeing = found.find((f) => f.id !== found[0]!.id);
  if (disagreeing) throw new InputError(`The mask token disagrees: ${found[0]!.place} gives ${found[0]!.id}, ${disagreeing.place} gives ${disagreeing.id}; name it with --mask-token TOKEN.`);
  const tokenAtId = Object.entries({ ...facts.tokenizerAddedTokens, ...facts.addedTokens }).find(([, id]) => id === found[0]!.id)?.[0];
  return { id: found[0]!.id, token: tokenAtId ?? expected.token };
}

/**
 * The family of a checkpoint: the one named by `overrides.family`, else the only one whose every
 * criterion it meets. A diffusion checkpoint that meets none, or two, is refused in one line that
 * says what is missing; nothing is guessed.
 */
export function resolveFamily(facts: CheckpointFacts, kind: 'diffusion' | 'autoregressive', overrides: FamilyOverrides = {}): ResolvedFamily {
  let family: ModelFamily;
  if (overrides.family !== undefined) {
    family = familyByName(overrides.family);
    if (family.kind !== kind) throw new InputError(`--family ${family.name} is an ${family.kind} family; the conversion is for --kind ${kind}.`);
  } else {
    const candidates = MODEL_FAMILIES.filter((f) => f.kind === kind);
    const matching = candidates.filter((f) => unmet(f, facts).length === 0);
    if (matching.length !== 1) {
      const modelType = `model_type "${String(facts.config.model_type)}"`;
      if (matching.length > 1)
        throw new InputError(
          `${facts.name}: config.json's ${modelType} fits ${matching.map((f) => f.label).join(' and ')}, which sample differently; say which with --family ${matching.map((f) => f.name).join(' or --family ')}.`,
        );
      const sameType = candidates.filter((f) => Object.hasOwn(f.recognise.modelTypes, String(facts.config.model_type)));
      const reason = sameType.length > 0 ? sameType.map((f) => `${f.label} needs ${unmet(f, facts).join(' and ')}`).join('; ') : `no known family uses ${modelType}`;
      throw new InputError(`${facts.name} is not a checkpoint of a known ${kind} family (${reason}); name one with --family ${candidates.map((f) => f.name).join('|')}.`);
    }
    family = matching[0]!;
  }
  const modelType = String(facts.config.model_type);
  const body = family.recognise.modelTypes[modelType];
  if (body === undefined)
    throw new InputError(
      `config.json has model_type "${modelType}"; ${family.label} checkpoints have ${Object.keys(family.recognise.modelTypes)
        .map((t) => `"${t}"`)
        .join(' or ')}.`,
    );
  const stopTokenIds = family.stopTokens.map((token) => tokenIdOf(facts, token)).filter((id): id is number => id !== undefined);
  const resolved: ResolvedFamily = { family, body, logitsShift: overrides.logitsShift ?? family.logitsShift, stopTokenIds };
  if (family.maskToken) {
    const mask = resolveMaskToken(family, facts, overrides.maskToken);
    resolved.maskTokenId = mask.id;
    resolved.maskToken = mask.token;
  }
  return resolved;
}
