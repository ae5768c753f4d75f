/**
 * The prompt formats: how a request is laid out as text for each kind of model. `{instruction}`
 * is the condition that classifier-free guidance masks out; `{code}` the file with its targets
 * masked; `{prefix}` and `{suffix}` the text around a fill-in-the-middle span.
 */
export const DIFFUSION_PROMPT_TEMPLATE = '<|im_start|>user\n{instruction}<|im_end|>\n<|im_start|>assistant\n{code}';

/** Qwen2.5-Coder's fill-in-the-middle tokens, as its model card writes them. */
export const FIM_PROMPT_TEMPLATE = '<|fim_prefix|>{prefix}<|fim_suffix|>{suffix}<|fim_middle|>';
