import { InputError } from '../../errors/inputErrors';
import { candidatesFor, choosePositions, type PositionChoice } from './positionChoice';
import { surest } from './rankedReveal';
import { ENTROPY_EPS, entropyRevealCount, entropyTimesteps } from './revealCounts';
import { checkCancelled, logitPosition, revealPass, type SamplerRun } from './samplerRun';

const SCORES = {
  entropy: (choice: PositionChoice) => choice.negEntropy,
  'low-confidence': (choice: PositionChoice) => choice.probability,
  margin: (choice: PositionChoice) => choice.margin,
} as const;

/**
 * The Dream family's sampler, as Dream, CoDA and Open-dLLM ship it (SalesforceAIResearch/CoDA
 * CoDALanguageModel/generation_utils.py `_sample`; pengzhangzhi/Open-dLLM
 * veomni/models/transformers/qwen2/generation_utils.py `_mdm_sample`, alg "entropy",
 * "maskgit_plus", "topk_margin"): one pass per step over the float32 grid
 * `torch.linspace(1, eps, steps + 1)`; pass i predicts every masked position and reveals
 * int(masked x (1 - s / t)) of them, the surest by the negative entropy (`entropy`), the
 * probability of the chosen token (`low-confidence`, their maskgit_plus) or the top-2 margin
 * (`margin`), the last pass every mask left; a pass may reveal nothing. No blocks, no guidance.
 * Open-dLLM stops once nothing is masked and CoDA runs every step; the floor never reveals every
 * mask before the last step, so the two run the same passes.
 */
export async function dreamEntropy(run: SamplerRun): Promise<void> {
  const { model, facts, tokens, fill, settings, rng } = run;
  if (settings.cfgScale !== 0) throw new InputError('The dream sampler has no guidance (the Dream-family samplers run none); set cfgScale to 0, or use the builder sampler.');
  if (settings.remasking === 'random') throw new InputError('The dream sampler remasks by entropy, low-confidence or margin (their entropy, maskgit_plus and topk_margin); got random.');
  const score = SCORES[settings.remasking];
  const filter = { temperature: settings.temperature, topP: settings.topP, topK: settings.topK };
  if (settings.remasking === 'entropy' && !model.hasEntropy) {
    throw new InputError(
      'This model folder was converted before Builder computed the entropy over the whole vocabulary in the graph (graph version 2), which the dream sampler ranks by; convert it again (builder convert --from CHECKPOINT --out DIR, or builder pull REPO --out DIR).',
    );
  }
  const masked = new Array<boolean>(tokens.length).fill(false);
  for (const position of fill) masked[position] = true;
  const timesteps = entropyTimesteps(settings.steps, ENTROPY_EPS);
  for (let i = 0; i < settings.steps; i++) {
    const positions = fill.filter((p) => masked[p]);
    if (positions.length === 0) break;
    checkCancelled(run.signal);
    const request = {
      rows: [tokens],
      rowWeights: [1],
      positions: positions.map((p) => logitPosition(p, facts.logitsShift)),
      temperature: settings.temperature > 0 ? settings.temperature : 1,
      topK: candidatesFor(filter),
    };
    const choices = await choosePositions(model, request, filter, rng, facts.maskTokenId);
    const scored = positions.map((position, j) => ({ position, token: choices[j]!.token, score: score(choices[j]!) }));
    const revealed = surest(scored, entropyRevealCount(positions.length, i, timesteps));
    for (const { position, token } of revealed) {
      tokens[position] = token;
      masked[position] = false;
    }
    run.onPass(revealPass(revealed));
  }
}
