import type { LogitsFunction } from './logitsFunction';
import { argmaxWithMargin, logSumExp } from './logitsMath';
import { RunRecorder, type SamplerRun } from './samplerRun';

/**
 * JetAstra/SDAR generate.py, block_diffusion_generate with remasking_strategy "low_confidence_dynamic", for one
 * sequence, greedy. Greedy is the evaluation wrapper's (evaluation/opencompass/opencompass/models/huggingface_bd3.py,
 * sample_with_temperature_topk_topp with top_k=1): the token is the argmax and its confidence the softmax
 * probability of the unfiltered logits there. The wrapper's `x0 = torch.where(mask_index, x0, cur_x)` is kept: without
 * it a top-k that runs past the masks left would write fresh argmaxes over prompt or revealed tokens.
 *
 * x is the prompt followed by masks up to a multiple of block_length covering prompt + gen_length; blocks are counted
 * from position 0 with no padding. The prompt's whole blocks are prefilled (one block-causal pass into the cache);
 * decoding starts at block prompt_length // block_length, whose prompt tokens are not masks. Each block runs
 * `for step in range(denoising_steps + 1)`: with no masks left it stores the block's keys and values and breaks,
 * else one pass over the block against the cache, then the transfer counts of get_num_transfer_tokens (even split,
 * remainder first). After each block, a stop id anywhere after the prompt ends generation.
 *
 * The cache holds the keys and values of earlier blocks computed under the same block-causal mask, so a pass over the
 * block against it gives what one block-causal pass over everything up to the block's end gives: that is what is asked
 * of the logits function here, at the block's positions.
 */

export interface SdarOptions {
  maskId: number;
  blockLength: number;
  denoisingSteps: number;
  /** --confidence_threshold. */
  threshold: number;
  /** stopping_criteria_idx: generation_config.json's eos_token_id. */
  stopIds: readonly number[];
}

/** generate.py's get_num_transfer_tokens. */
function transferCounts(blockLength: number, steps: number): number[] {
  const base = Math.floor(blockLength / steps);
  const remainder = blockLength % steps;
  const counts = new Array<number>(steps).fill(base);
  for (let i = 0; i < remainder; i++) counts[i]! += 1;
  return counts;
}

/**
 * Returns x in the input's coordinates: the prompt and `genLength` positions after it. The authors' last block may
 * run past them to its boundary; those positions take part in the block's steps (they are masks, they are chosen) but
 * are left out of the tokens and of the recorded passes, since the input has no such positions.
 */
export function sdarGenerate(logits: LogitsFunction, prompt: readonly number[], genLength: number, options: SdarOptions): SamplerRun {
  const { maskId, blockLength, denoisingSteps, threshold, stopIds } = options;
  const promptLength = prompt.length;
  const numBlocks = Math.ceil((promptLength + genLength) / blockLength);
  const totalLength = numBlocks * blockLength;
  const x = [...prompt, ...new Array<number>(totalLength - promptLength).fill(maskId)];
  const blockIds = x.map((_, i) => Math.floor(i / blockLength));
  const prefillBlocks = Math.floor(promptLength / blockLength);
  const counts = transferCounts(blockLength, denoisingSteps);
  const logThreshold = Math.log(threshold);
  const recorder = new RunRecorder();
  for (let numBlock = prefillBlocks; numBlock < numBlocks; numBlock++) {
    const from = numBlock * blockLength;
    const to = from + blockLength;
    for (let step = 0; step <= denoisingSteps; step++) {
      const block = Array.from({ length: blockLength }, (_, i) => from + i);
      const maskIndex = block.map((position) => x[position] === maskId);
      if (!maskIndex.includes(true)) break;
      const rows = logits({ tokens: x.slice(0, to), blockIds: blockIds.slice(0, to) }, block);
      const x0 = rows.map((row) => argmaxWithMargin(row));
      // log of x0_p; -inf off the masks (torch.where(mask_index, x0_p, -inf)).
      const confidence = rows.map((row, i) => (maskIndex[i] ? row[x0[i]!.token]! - logSumExp(row) : Number.NEGATIVE_INFINITY));
      const high = confidence.map((c) => c > logThreshold);
      let transfer: boolean[];
      if (high.filter(Boolean).length >= counts[step]!) transfer = high;
      else {
        // torch.topk(confidence, k): the k largest, -inf ones included where k runs past the masks.
        const order = block.map((_, i) => i).sort((a, b) => confidence[b]! - confidence[a]! || a - b);
        const picked = new Set(order.slice(0, counts[step]!));
        transfer = block.map((_, i) => picked.has(i));
      }
      const masked = block.map((_, i) => i).filter((i) => maskIndex[i]);
      for (const i of masked) recorder.selection(high[i] ? [confidence[i]!] : [logThreshold], high[i] ? [logThreshold] : [confidence[i]!]);
      recorder.selection(
        masked.filter((i) => transfer[i]).map((i) => confidence[i]!),
        masked.filter((i) => !transfer[i]).map((i) => confidence[i]!),
      );
      const revealed = new Map<number, number>();
      block.forEach((position, i) => {
        // x0 = torch.where(mask_index, x0, cur_x): a pick off the masks writes the token already there.
        if (!transfer[i] || !maskIndex[i]) return;
        x[position] = x0[i]!.token;
        recorder.token(x0[i]!.margin);
        if (position < promptLength + genLength) revealed.set(position, x0[i]!.token);
      });
      recorder.pass(revealed);
    }
    if (x.slice(promptLength).some((id) => stopIds.includes(id))) break;
  }
  return recorder.finish(x.slice(0, promptLength + genLength));
}
