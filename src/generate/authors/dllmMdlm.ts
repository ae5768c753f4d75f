import { InputError } from '../../errors/inputErrors';
import { candidatesFor, dllmScores } from './positionChoice';
import { surest } from './rankedReveal';
import { dllmTransferCounts } from './revealCounts';
import { checkCancelled, logitPosition, revealPass, type SamplerRun } from './samplerRun';

/** A window of positions the sampler reveals in, one after another. */
interface Block {
  start: number;
  end: number;
}

/**
 * dLLM's blocks. Positions to fill that run to the end of the sequence are an answer after a
 * prompt, laid out as `MDLMSampler.sample` does: blocks of `blockSize` from the prompt's end
 * (ZHZisZZ/dllm dllm/core/samplers/mdlm.py, `start = prompt_lens[j] + b * block_size`), the step
 * budget ceil(steps / blocks) each. Any other fill is an infill, laid out as `MDLMSampler.infill`
 * does: blocks of `blockSize` over the whole sequence from position 0, those without masks taking
 * no steps, and ceil(steps / blocks) per block counting every block.
 */
export function mdlmBlocks(length: number, fill: readonly number[], blockSize: number): Block[] {
  const isAnswer = fill.length > 0 && fill.at(-1) === length - 1 && fill.length === length - fill[0]!;
  const from = isAnswer ? fill[0]! : 0;
  const count = Math.ceil((length - from) / blockSize);
  return Array.from({ length: count }, (_, b) => ({ start: from + b * blockSize, end: Math.min(from + (b + 1) * blockSize, length) }));
}

/**
 * dLLM's MDLM sampler (ZHZisZZ/dllm dllm/core/samplers/mdlm.py): block by block, each pass
 * predicts every still-masked position of the current block and reveals the
 * `get_num_transfer_tokens` count of them (revealCounts.ts) with the highest confidence, the
 * probability of the predicted token (`low_confidence`) or a random score (`random`); it runs
 * until every mask is revealed. Under guidance (cfg_scale > 0) a second row has every given token
 * masked (`unmasked_index = x != mask_id`, the positions not to fill) and the logits are
 * `un + (cfg + 1)(cond - un)`, rows weighted cfg + 1 and -cfg.
 */
export async function dllmMdlm(run: SamplerRun): Promise<void> {
  const { model, facts, tokens, fill, settings, rng } = run;
  if (settings.topP < 1 || settings.topK > 0) throw new InputError("The mdlm sampler has no top-p or top-k (dLLM's MDLM sampler does not filter); leave topP at 1 and topK at 0.");
  if (settings.remasking !== 'low-confidence' && settings.remasking !== 'random')
    throw new InputError(`The mdlm sampler remasks by low-confidence or random (dLLM's remasking); got ${settings.remasking}.`);
  const blockSize = settings.blockLength ?? tokens.length;
  const blocks = mdlmBlocks(tokens.length, fill, blockSize);
  const stepsPerBlock = Math.ceil(settings.steps / Math.max(1, blocks.length));
  const masked = new Array<boolean>(tokens.length).fill(false);
  for (const position of fill) masked[position] = true;
  const guided = settings.cfgScale > 0;
  const unconditional = guided ? tokens.map((id, p) => (masked[p] ? id : facts.maskTokenId)) : null;
  const rows = unconditional ? [tokens, unconditional] : [tokens];
  const rowWeights = guided ? [settings.cfgScale + 1, -settings.cfgScale] : [1];
  const filter = { temperature: settings.temperature, topP: 1, topK: 0 };
  for (const block of blocks) {
    const inBlock = () => fill.filter((p) => masked[p] && p >= block.start && p < block.end);
    for (const count of dllmTransferCounts(inBlock().length, stepsPerBlock)) {
      checkCancelled(run.signal);
      const positions = inBlock();
      const prediction = await model.predict({
        rows,
        rowWeights,
        positions: positions.map((p) => logitPosition(p, facts.logitsShift)),
        temperature: settings.temperature > 0 ? settings.temperature : 1,
        topK: candidatesFor(filter),
      });
      const revealed = surest(dllmScores(prediction, positions, filter, settings.remasking, rng, facts.maskTokenId), count);
      for (const { position, token } of revealed) {
        tokens[position] = token;
        if (unconditional) unconditional[position] = token;
        masked[position] = false;
      }
      run.onPass(revealPass(revealed));
    }
  }
}
