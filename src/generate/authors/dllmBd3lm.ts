import { InputError } from '../../errors/inputErrors';
import type { ContextCache, DenoisePrediction, DenoiseRequest } from '../../runtime/diffusionModel';
import { candidatesFor, dllmScores } from './positionChoice';
import { surest } from './rankedReveal';
import { dllmTransferCounts } from './revealCounts';
import { checkCancelled, logitPosition, revealPass, type SamplerRun } from './samplerRun';

/** Padding dLLM's BD3LM sampler puts before a prompt of `promptLength` tokens: up to a multiple of the block size. */
export function bd3lmPadding(promptLength: number, blockSize: number): number {
  return Math.ceil(promptLength / blockSize) * blockSize - promptLength;
}

/**
 * dLLM's BD3LM sampler (ZHZisZZ/dllm dllm/core/samplers/bd3lm.py `BD3LMSampler.sample`). The
 * prompt is everything before the positions to fill, which must be one run (the sampler appends
 * blocks after the prompt; it has no infill). The prompt is left-padded to a multiple of the block
 * size (`padded_prompt_len`), so each generated block of `block_size` starts on a block boundary;
 * padding is neither a query nor a key (`_prepare_for_sampling`), here through the attention mask.
 * dLLM gives the real tokens logical position ids (padding skipped) and blocks by physical
 * column; the graph takes one position id for both, so positions here are physical: every real
 * token is shifted by the same padding, which rotary attention does not see (it depends on
 * differences of positions only). Each block gets ceil(steps / blocks) steps and the
 * `get_num_transfer_tokens` counts; its passes see the prefix and the block only, through an exact
 * cache (a block-causal prefix never sees the block): dLLM runs the prefix alone first, Builder's
 * first pass of a block runs prefix and block together and keeps the prefix's keys and values, so
 * there is one pass less per block and the same logits. After a block that holds an end-of-text
 * token the sampler stops; the positions after it stay masked. Tokens after the run of positions
 * to fill are never seen (they would be later blocks).
 */
export async function dllmBd3lm(run: SamplerRun): Promise<void> {
  const { model, facts, tokens, fill, settings, rng } = run;
  if (settings.topP < 1 || settings.topK > 0) throw new InputError("The bd3lm sampler has no top-p or top-k (dLLM's BD3LM sampler does not filter); leave topP at 1 and topK at 0.");
  if (settings.remasking !== 'low-confidence' && settings.remasking !== 'random')
    throw new InputError(`The bd3lm sampler remasks by low-confidence or random (dLLM's remasking); got ${settings.remasking}.`);
  if (fill.some((p, i) => p !== fill[0]! + i))
    throw new InputError("The bd3lm sampler fills one run of positions after the prompt (dLLM's BD3LM sampler has no infill); the positions to fill are not one run.");
  const blockSize = settings.blockLength ?? facts.graphBlockSize ?? 32;
  if (facts.graphBlockSize !== null && facts.graphBlockSize !== blockSize) {
    throw new InputError(`This model's graph attends in blocks of ${facts.graphBlockSize} positions; the bd3lm sampler's blockLength must be ${facts.graphBlockSize} (got ${blockSize}).`);
  }
  const promptLength = fill[0] ?? tokens.length;
  const padding = bd3lmPadding(promptLength, blockSize);
  const blocks = Math.ceil(fill.length / blockSize);
  const stepsPerBlock = Math.ceil(settings.steps / Math.max(1, blocks));
  const guided = settings.cfgScale > 0;
  const rowWeights = guided ? [settings.cfgScale + 1, -settings.cfgScale] : [1];
  const filter = { temperature: settings.temperature, topP: 1, topK: 0 };
  // dLLM checks the tokenizer's eos_token alone; config.json's eos_token_id, first in the manifest's list, is that token for the A2D checkpoints (<|im_end|>).
  const eos = facts.eosTokenIds[0];
  for (let b = 0; b < blocks; b++) {
    const start = promptLength + b * blockSize;
    const end = Math.min(start + blockSize, promptLength + fill.length);
    const padded = (row: readonly number[]) => [...new Array<number>(padding).fill(facts.padTokenId), ...row.slice(0, end)];
    const conditional = padded(tokens);
    // The unconditional row masks the prompt's tokens only (`unmasked_index`, made before any block is appended).
    const rows = guided ? [conditional, padded(tokens.map((id, p) => (p < promptLength ? facts.maskTokenId : id)))] : [conditional];
    const firstPredicted = logitPosition(start, facts.logitsShift) + padding;
    const span = Array.from({ length: end + padding - firstPredicted }, (_, i) => firstPredicted + i);
    const masked = new Array<boolean>(end - start).fill(true);
    let cache: ContextCache | null = null;
    try {
      for (const count of dllmTransferCounts(end - start, stepsPerBlock)) {
        checkCancelled(run.signal);
        const positions = masked.flatMap((isMasked, i) => (isMasked ? [start + i] : []));
        const request: DenoiseRequest = {
          rows,
          rowWeights,
          positions: positions.map((p) => logitPosition(p, facts.logitsShift) + padding),
          temperature: settings.temperature > 0 ? settings.temperature : 1,
          topK: candidatesFor(filter),
          padding,
        };
        let prediction: DenoisePrediction;
        if (!model.canCache) prediction = await model.predict(request);
        else if (cache) prediction = await model.predictSpan(request, cache);
        else ({ prediction, cache } = await model.predictAndCache(request, span));
        const revealed = surest(dllmScores(prediction, positions, filter, settings.remasking, rng, facts.maskTokenId), count);
        for (const { position, token } of revealed) {
          tokens[position] = token;
          for (const row of rows) row[position + padding] = token;
          masked[position - start] = false;
        }
        run.onPass(revealPass(revealed));
      }
    } finally {
      cache?.release();
    }
    if (eos !== undefined && tokens.slice(start, end).includes(eos)) break;
  }
}
