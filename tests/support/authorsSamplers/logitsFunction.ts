import type { QwenConfig } from '../../../src/convert/qwenConfig';
import { referenceLogitsAt, type TensorLookup } from '../referenceForward';

/**
 * One forward pass as the authors' samplers call their model: the token ids, and for a block-causal pass (dLLM's
 * BD3LM) the rotary position and the block of every token. Without blockIds every token sees every other.
 */
export interface ForwardInput {
  tokens: readonly number[];
  positionIds?: readonly number[];
  blockIds?: readonly number[];
}

/**
 * The model behind a port: the logits (before any shift; a port shifts them where its authors do) at each position
 * of `at`, [vocab] each. Asking only for the positions a step reads keeps the float64 reference's LM head affordable.
 */
export type LogitsFunction = (input: ForwardInput, at: readonly number[]) => Float64Array[];

/** The float64 reference forward pass (tests/support/referenceForward.ts) of one checkpoint, as a LogitsFunction. */
export function referenceLogits(config: QwenConfig, weights: TensorLookup): LogitsFunction {
  return (input, at) => {
    const positionIds = input.positionIds === undefined ? undefined : [[...input.positionIds]];
    const options = input.blockIds === undefined ? { attention: 'bidirectional' as const, positionIds } : { attention: 'block-causal' as const, blockIds: [[...input.blockIds]], positionIds };
    return referenceLogitsAt(config, weights, [[...input.tokens]], options, [[...at]])[0]!;
  };
}
