import type { DiffusionConfigInput } from '../models/diffusionConfig';

/**
 * How many masks the middle gets. `oracle`: exactly the canonical middle's token count, the
 * setting Open-dLLM reports (pengzhangzhi/Open-dLLM eval/eval_infill/eval_infill.py: without
 * `fix_middle_length`, `middle_lens` are `len(tokenizer.encode(gt, add_special_tokens=False))`).
 * `builder`: Builder's own span sizing, as a patch sizes the span it replaces
 * (ceil(maskLengthFactor x its tokens) + maskLengthExtra), the model ending it early with an end token.
 */
export type MiddleLength = 'oracle' | 'builder';

export const MIDDLE_LENGTHS: readonly MiddleLength[] = ['oracle', 'builder'];

/**
 * The settings an evaluation fixes: the whole middle regenerated (strength 1, or the model would
 * see part of the answer) and, for the oracle length, one mask per canonical token.
 */
export function middleSettings(length: MiddleLength): DiffusionConfigInput {
  return length === 'oracle' ? { strength: 1, maskLengthFactor: 1, maskLengthExtra: 0 } : { strength: 1 };
}
