import { dllmTransferCounts } from './dllmTransferCounts';
import type { LogitsFunction } from './logitsFunction';
import { argmaxWithMargin, logSumExp } from './logitsMath';
import { RunRecorder, type SamplerRun } from './samplerRun';

/**
 * ZHZisZZ/dllm dllm/core/samplers/bd3lm.py, BD3LMSampler.sample with _prepare_for_sampling and
 * _diffusion_step_block, for one sequence at temperature 0, remasking "low_confidence", cfg_scale 0 and
 * right_shift_logits False (BD3LMSamplerConfig's defaults, and the A2D evaluations' cfg_scale=0.0).
 *
 * The prompt is left-padded with the pad token to a multiple of the block size, so every generated block starts on a
 * block boundary of the padded columns. Blocks are counted over those columns (block_id = column // block_size);
 * rotary positions count only the tokens that are not the pad token, and a pad token is neither query nor key.
 * Blocks are appended one at a time and denoised with ceil(steps / blocks) steps each (get_num_transfer_tokens);
 * a step reveals the most probable masks of the block. Generation stops after a block that holds the eos token.
 *
 * The sampler keeps the prefix's keys and values from one forward pass over it and runs each step on the block
 * alone; under block-causal attention the prefix never attends to the block, so one pass over prefix and block
 * together gives the block the same logits. That prefix pass reveals nothing and is not a step of the trace.
 */

export interface Bd3lmOptions {
  maskId: number;
  /** tokenizer.pad_token_id: the left padding, and every token equal to it is treated as padding. */
  padId: number;
  /** tokenizer.eos_token_id: a block that holds it ends generation. */
  eosId: number;
  steps: number;
  blockSize: number;
}

/**
 * Returns the prompt followed by the generated tokens, in the input's coordinates (the padding removed), with mask
 * ids left where generation stopped before `maxNewTokens`.
 */
export function dllmBd3lmSample(logits: LogitsFunction, prompt: readonly number[], maxNewTokens: number, options: Bd3lmOptions): SamplerRun {
  const { maskId, padId, eosId, blockSize } = options;
  const paddedPromptLength = Math.ceil(prompt.length / blockSize) * blockSize;
  const offset = paddedPromptLength - prompt.length;
  const x = [...new Array<number>(offset).fill(padId), ...prompt];
  const blocks = Math.ceil(maxNewTokens / blockSize);
  const stepsPerBlock = Math.ceil(options.steps / blocks);
  const recorder = new RunRecorder();
  let generated = 0;
  for (let b = 0; b < blocks; b++) {
    const prefixLength = x.length;
    const blockLength = Math.min(blockSize, maxNewTokens - generated);
    x.push(...new Array<number>(blockLength).fill(maskId));
    // _prepare_for_sampling over prefix and block, once per block, while the block is all masks.
    const columns = x.map((_, column) => column).filter((column) => x[column] !== padId);
    const positionIds = columns.map((_, index) => index);
    const blockIds = columns.map((column) => Math.floor(column / blockSize));
    for (const count of dllmTransferCounts(blockLength, stepsPerBlock)) {
      const masked = columns.filter((column) => column >= prefixLength && x[column] === maskId);
      if (masked.length === 0) break;
      const rows = logits(
        { tokens: columns.map((column) => x[column]!), positionIds, blockIds },
        masked.map((column) => columns.indexOf(column)),
      );
      const ranked = masked
        .map((column, k) => {
          const row = rows[k]!;
          const { token, margin } = argmaxWithMargin(row);
          return { column, token, margin, confidence: row[token]! - logSumExp(row) };
        })
        .sort((a, b) => b.confidence - a.confidence);
      const chosen = ranked.slice(0, Math.min(count, ranked.length));
      recorder.selection(
        chosen.map((c) => c.confidence),
        ranked.slice(chosen.length).map((c) => c.confidence),
      );
      for (const c of chosen) {
        recorder.token(c.margin);
        x[c.column] = c.token;
      }
      recorder.pass(new Map(chosen.map((c) => [c.column - offset, c.token])));
    }
    generated += blockLength;
    if (x.slice(prefixLength).includes(eosId)) break;
  }
  const tokens = x.slice(offset);
  while (tokens.length < prompt.length + maxNewTokens) tokens.push(maskId);
  return recorder.finish(tokens);
}
