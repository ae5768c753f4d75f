import { InputError } from '../../errors/inputErrors';
import type { PrefixCache } from '../../runtime/diffusionModel';
import { candidatesFor, dllmScores } from './positionChoice';
import { type ScoredPosition, surest } from './rankedReveal';
import { evenTransferCounts } from './revealCounts';
import { checkCancelled, revealPass, type SamplerRun } from './samplerRun';

/**
 * One step of SDAR's `low_confidence_dynamic` (JetAstra/SDAR generate.py): every masked position whose
 * confidence is above the threshold (strictly), where there are at least `count` of them; else the `count`
 * surest. Only masked positions are candidates: generate.py's top-k runs over confidences that are -inf
 * off the masks and can pick such a position when `count` exceeds the masks left, overwriting a prompt or
 * revealed token with a fresh sample; the evaluation wrapper behind the published scores
 * (evaluation/opencompass/opencompass/models/huggingface_bd3.py) guards it with
 * `x0 = torch.where(mask_index, x0, cur_x)`, so such a pick changes nothing, as here.
 */
export function dynamicReveal(scored: readonly ScoredPosition[], count: number, threshold: number): ScoredPosition[] {
  const sure = scored.filter((s) => s.score > threshold);
  return sure.length >= count ? sure : surest(scored, count);
}

/**
 * SDAR's block decoding (JetAstra/SDAR generate.py `block_diffusion_generate`). The prompt is everything
 * before the positions to fill, which must be one run; it is not padded: blocks of the graph's block size
 * are counted from position 0, and decoding starts in the block that holds the prompt's last token, whose
 * prompt tokens stay as they are (they are not masks). Each block gets the denoising steps the settings
 * give (4 for a block of 4 at the authors' one step per token) and `get_num_transfer_tokens`'s even split;
 * a step reveals by `low_confidence_dynamic` at the settings' parallel threshold (dynamicReveal; generate.py's
 * `--confidence_threshold` default, 0.85, is the family's). Confidence is the chosen token's
 * softmax probability over the whole vocabulary: at temperature 0 the argmax's, as the evaluation wrapper
 * computes it for its greedy top_k=1 (the probability before top-k; generate.py's would be 1 after it).
 * After a block that holds a stop token (generation_config.json's eos ids) the sampler stops; positions
 * after it stay masked. The authors' sequence ends on a block boundary, all masks after the prompt: a last
 * block that runs past the positions to fill is completed with masks that take part in its steps and are
 * never written back; tokens after the run are not seen.
 *
 * The cache is theirs, exact: the prompt's whole blocks are encoded once (their prefill), every step
 * passes over the block alone against the keys and values of everything before it, and a finished
 * block is encoded once more, with its final tokens, and appended (their store_kv pass), unless it is the
 * last. A model without a prefix cache (an older graph, a measuring wrapper) runs every step over the
 * whole sequence up to the block's end instead, which under block-causal attention gives the same logits.
 */
export async function sdarBlock(run: SamplerRun): Promise<void> {
  const { model, facts, tokens, fill, settings, rng } = run;
  if (settings.topP < 1 || settings.topK > 0) throw new InputError("The sdar sampler runs the authors' settings without top-p or top-k (generate.py's defaults); leave topP at 1 and topK at 0.");
  if (settings.remasking !== 'low-confidence') throw new InputError(`The sdar sampler reveals by confidence (SDAR's low_confidence_dynamic); got remasking ${settings.remasking}.`);
  if (settings.cfgScale !== 0) throw new InputError("The sdar sampler has no guidance (SDAR's generate.py has none); set it off.");
  if (fill.some((p, i) => p !== fill[0]! + i))
    throw new InputError("The sdar sampler fills one run of positions after the prompt (SDAR's generate.py has no infill); the positions to fill are not one run.");
  if (facts.logitsShift !== 0) throw new InputError("The sdar sampler reads each position's own logits (SDAR's generate.py); this model folder's manifest says logitsShift 1.");
  const blockSize = facts.graphBlockSize;
  if (blockSize === null) throw new InputError("The sdar sampler needs a block-causal model (SDAR attends in blocks of 4); this model's graph attends both ways.");
  const promptLength = fill[0]!;
  const end = promptLength + fill.length;
  const denoisingSteps = Math.min(blockSize, Math.max(1, Math.round((settings.steps * blockSize) / fill.length)));
  const counts = evenTransferCounts(blockSize, denoisingSteps);
  const filter = { temperature: settings.temperature, topP: 1, topK: 0 };
  const stops = new Set(facts.eosTokenIds);
  const cached = model.canCache && model.predictAfter !== undefined && model.extendPrefix !== undefined;
  const firstStart = Math.floor(promptLength / blockSize) * blockSize;
  let prefix: PrefixCache | null = null;
  try {
    if (cached && firstStart > 0) prefix = await model.extendPrefix!(null, tokens.slice(0, firstStart), 0);
    for (let start = firstStart; start < end; start += blockSize) {
      const blockEnd = start + blockSize;
      const row = [...tokens.slice(0, Math.min(blockEnd, end)), ...new Array<number>(Math.max(0, blockEnd - end)).fill(facts.maskTokenId)];
      let masked = row.flatMap((_, p) => (p >= Math.max(start, promptLength) ? [p] : []));
      for (const count of counts) {
        if (masked.length === 0) break;
        checkCancelled(run.signal);
        const temperature = settings.temperature > 0 ? settings.temperature : 1;
        const topK = candidatesFor(filter);
        const prediction = cached
          ? await model.predictAfter!(prefix, { tokens: row.slice(start), start, positions: masked, temperature, topK })
          : await model.predict({ rows: [row], positions: masked, rowWeights: [1], temperature, topK });
        const revealed = dynamicReveal(dllmScores(prediction, masked, filter, 'low-confidence', rng, facts.maskTokenId), count, settings.parallelThreshold);
        for (const { position, token } of revealed) {
          row[position] = token;
          if (position < end) tokens[position] = token;
        }
        const done = new Set(revealed.map((r) => r.position));
        masked = masked.filter((p) => !done.has(p));
        run.onPass(revealPass(revealed.filter((r) => r.position < end)));
      }
      if (tokens.slice(promptLength, Math.min(blockEnd, end)).some((id) => stops.has(id))) break;
      if (cached && blockEnd < end) {
        const grown = await model.extendPrefix!(prefix, row.slice(start), start);
        prefix?.release();
        prefix = grown;
      }
    }
  } finally {
    prefix?.release();
  }
}
