import type { LogitsFunction } from './logitsFunction';
import { argmaxWithMargin, logSumExp } from './logitsMath';
import { RunRecorder, type SamplerRun } from './samplerRun';

/**
 * Fast-dLLM v2's `generate` (Efficient-Large-Model/Fast_dLLM_v2_1.5B modeling.py, read in its clone
 * HoangMaizzz/failfasttesting at 7cc16bb; the same loop as NVlabs/Fast-dLLM v2/generation_functions.py at 6cf2722),
 * ported line by line for one sequence at temperature 0 with use_block_cache=False, their default.
 *
 * Their model keeps past_key_values: the keys and values of the blocks finished so far (the prompt's whole blocks from
 * the prefill, then each block once it is full). A forward of the last block_size tokens against them uses
 * eval_mask: absolute positions past_length + i, a key visible where its position // block_size is not after the
 * query's. Under that mask the cached entries are what one pass over the cached tokens gives, so here every forward is
 * one pass over the cached tokens and the block together; the cache is the list of tokens it was computed from.
 *
 * The L == block_size quirk is kept: `input_ids.shape[1] > block_size` is false, nothing is cached, and the first
 * block, all masks, is passed alone at positions 0..31.
 */

export interface FastDllmV2Options {
  /** mask_id, 151665. */
  maskId: number;
  /** stop_token, 151645. */
  stopToken: number;
  /** block_size (bd_size), 32. */
  blockSize: number;
  /** small_block_size, 8. */
  smallBlockSize: number;
  /** threshold: 0.9 in the model card, 1 in v2/eval_script.sh. */
  threshold: number;
}

/** softmax(row)[argmax] in log space, with the argmax (torch.argmax: the first maximum) and its lead in logits. */
function greedy(row: Float64Array): { token: number; logProbability: number; margin: number } {
  const { token, margin } = argmaxWithMargin(row);
  return { token, logProbability: row[token]! - logSumExp(row), margin };
}

/** Their `generate` at batch 1, temperature 0; returns the output ids (cut after the first stop token) and the passes. */
export function fastDllmV2Generate(logits: LogitsFunction, inputIds: readonly number[], maxNewTokens: number, options: FastDllmV2Options): { ids: number[]; run: SamplerRun } {
  const { maskId, stopToken, blockSize, smallBlockSize, threshold } = options;
  const recorder = new RunRecorder();
  const numBlocks = Math.floor(maxNewTokens / blockSize);
  const originalInputLength = inputIds.length;
  let ids = [...inputIds];
  let cached: number[] = [];
  /** forward(input_ids=x[-block_size:], past_key_values) and the raw logits at the given rows of that block. */
  const blockLogits = (x: readonly number[], rows: readonly number[]) => {
    const tokens = [...cached, ...x.slice(-blockSize)];
    const positions = tokens.map((_, i) => i);
    return logits(
      { tokens, positionIds: positions, blockIds: positions.map((p) => Math.floor(p / blockSize)) },
      rows.map((row) => cached.length + row),
    );
  };
  const stopReached = (x: readonly number[], promptLength: number) => {
    const at = x.indexOf(stopToken, promptLength);
    return at !== -1 && !x.slice(promptLength, at).includes(maskId);
  };

  if (ids.length > blockSize) {
    cached = ids.slice(0, Math.floor(ids.length / blockSize) * blockSize);
    if (ids.length % blockSize === 0) {
      const prefix = cached.map((_, i) => i);
      const [row] = logits({ tokens: cached, positionIds: prefix, blockIds: prefix.map((p) => Math.floor(p / blockSize)) }, [cached.length - 1]);
      const next = greedy(row!);
      recorder.token(next.margin);
      ids.push(next.token);
      recorder.pass(new Map([[ids.length - 1, next.token]]));
    }
  }

  for (let block = 0; block < numBlocks; block++) {
    if (ids.slice(originalInputLength).includes(stopToken)) break;
    const promptLength = ids.length;
    const x = [...ids, ...new Array<number>(blockSize - (promptLength % blockSize)).fill(maskId)];
    for (;;) {
      if (stopReached(x, promptLength)) break;
      const start = x.length - blockSize;
      if (!x.slice(start).includes(maskId)) {
        // The block is full: one forward writes it to the cache and its last row's argmax opens the next block.
        const [row] = blockLogits(x, [blockSize - 1]);
        cached = [...cached, ...x.slice(start)];
        const next = greedy(row!);
        recorder.token(next.margin);
        x.push(next.token);
        recorder.pass(new Map([[x.length - 1, next.token]]));
        break;
      }
      for (let small = 0; small < blockSize / smallBlockSize; small++) {
        const from = small * smallBlockSize;
        for (;;) {
          const masked = Array.from({ length: smallBlockSize }, (_, i) => x[start + from + i] === maskId);
          if (!masked.includes(true)) break;
          if (stopReached(x, promptLength)) break;
          // logits = cat([logits[:, :1], logits[:, :-1]]) then [start:end]: row r reads the raw row r - 1, row 0 its own.
          // Only the masked rows are read: the others' confidence is -inf and their argmax is never written.
          const maskedRows = masked.flatMap((isMasked, i) => (isMasked ? [i] : []));
          const rows = blockLogits(
            x,
            maskedRows.map((i) => Math.max(0, from + i - 1)),
          );
          const choices: ReturnType<typeof greedy>[] = [];
          maskedRows.forEach((i, k) => {
            choices[i] = greedy(rows[k]!);
          });
          const confidence = masked.map((isMasked, i) => (isMasked ? choices[i]!.logProbability : Number.NEGATIVE_INFINITY));
          let surest = 0;
          confidence.forEach((value, i) => {
            if (value > confidence[surest]!) surest = i;
          });
          const unmask = confidence.map((value, i) => masked[i]! && (i === surest || value > Math.log(threshold)));
          const revealed = new Map<number, number>();
          unmask.forEach((reveal, i) => {
            if (!reveal) return;
            x[start + from + i] = choices[i]!.token;
            revealed.set(start + from + i, choices[i]!.token);
            recorder.token(choices[i]!.margin);
          });
          // How far each decision was from going the other way: the threshold, and where the surest is revealed only as
          // the surest (not over the threshold), its lead over the runner-up.
          if (threshold < 1) {
            for (const [i, value] of confidence.entries()) {
              if (!masked[i] || (i === surest && !(value > Math.log(threshold)))) continue;
              if (value > Math.log(threshold)) recorder.selection([value], [Math.log(threshold)]);
              else recorder.selection([Math.log(threshold)], [value]);
            }
          }
          if (!(confidence[surest]! > Math.log(threshold)))
            recorder.selection(
              [confidence[surest]!],
              confidence.filter((_, i) => masked[i] && i !== surest),
            );
          recorder.pass(revealed);
        }
      }
    }
    ids = x;
  }
  const stopAt = ids.indexOf(stopToken, originalInputLength);
  if (stopAt !== -1) ids = ids.slice(0, stopAt + 1);
  return { ids, run: recorder.finish(ids) };
}

/**
 * The port on Builder's canvas: `masks` positions after `prompt`, generated with enough blocks to cover them; the
 * positions past the output (after a stop token) keep the mask, and reveals past the canvas are left out of the passes.
 */
export function fastDllmV2Sample(logits: LogitsFunction, prompt: readonly number[], masks: number, options: FastDllmV2Options): SamplerRun {
  const end = prompt.length + masks;
  const blocks = Math.ceil(end / options.blockSize) - Math.floor(prompt.length / options.blockSize);
  const { ids, run } = fastDllmV2Generate(logits, prompt, blocks * options.blockSize, options);
  const tokens = Array.from({ length: end }, (_, p) => (p < ids.length ? ids[p]! : options.maskId));
  const passes = run.passes
    .map((pass) => {
      const kept = pass.positions.flatMap((position, i) => (position < end ? [i] : []));
      return { positions: kept.map((i) => pass.positions[i]!), tokens: kept.map((i) => pass.tokens[i]!) };
    })
    .filter((pass) => pass.positions.length > 0);
  return { ...run, tokens, passes };
}
