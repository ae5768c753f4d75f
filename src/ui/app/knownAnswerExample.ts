import type { DiffusionConfigInput } from '../../models/diffusionConfig';
import { KNOWN_ANSWER_MODEL } from '../models/builtInModels';

/**
 * What "Try the example" opens: a file of the known-answer task (tests/support/knownAnswerTask.ts,
 * held-out example 13, whose pair no training file holds) with its target ticked and its
 * instruction as the prompt, run by the known-answer model, so a first visit sees a real result.
 *
 * The task's own file already holds the answer, which would give an empty diff; here the target
 * subtracts where it should add. The operator is the only difference, so the span keeps the
 * answer's length: the model was trained to fill masks sized from the answer, and a span much
 * longer or shorter than it (a loop, a stub) gave it masks it never learnt to fill.
 */
export const KNOWN_ANSWER_EXAMPLE = {
  fileName: 'values_13.py',
  text: [
    'def shift_by_8(values):',
    '    """Return each value plus 8."""',
    '    return [value - 8 for value in values]',
    '',
    '',
    'def largest(values):',
    '    """Return the largest value."""',
    '    return max(values)',
    '',
  ].join('\n'),
  /** The target's key in the outline. */
  target: 'shift_by_8',
  prompt: 'shift_by_8 returns each value plus 8, with a comprehension.',
  /**
   * The model's authors' sampler (the fast preset's, dLLM's MDLM for this family) at the 8 steps
   * tests/knownAnswer runs; no fallback, whose known-answer model is not built in.
   */
  settings: { preset: 'fast', model: KNOWN_ANSWER_MODEL, steps: 8, fallback: false } satisfies DiffusionConfigInput,
} as const;
