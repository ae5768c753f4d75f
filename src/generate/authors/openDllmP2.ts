import { InputError } from '../../errors/inputErrors';
import { candidatesFor, choosePositions } from './positionChoice';
import { checkCancelled, logitPosition, type SamplerRun } from './samplerRun';

const f32 = Math.fround;

/**
 * Open-dLLM's `p2` sampler (pengzhangzhi/Open-dLLM veomni/models/transformers/qwen2/generation_utils.py
 * `_mdm_sample`, alg "p2"), which its infill evaluation runs (eval/eval_infill/run_eval.sh: ALG="p2",
 * STEPS=64). The positions to fill are the variable ones (`fix_mask = x != mask_token_id`). Pass i
 * predicts every variable position, masked or not, with the probability of its predicted token;
 * with kappa = (i + 1) / steps, the floor(variable x (1 - kappa)) least confident variable
 * positions are masked (again, where they were revealed), and every other position masked before
 * the pass takes its prediction; a revealed position that is not masked again keeps its token.
 * The last pass (kappa = 1) masks none. The loop stops early once nothing is masked.
 */
export async function openDllmP2(run: SamplerRun): Promise<void> {
  const { model, facts, tokens, fill, settings, rng } = run;
  if (settings.cfgScale !== 0) throw new InputError("The p2 sampler has no guidance (Open-dLLM's p2 runs none); set cfgScale to 0, or use the builder sampler.");
  const filter = { temperature: settings.temperature, topP: settings.topP, topK: settings.topK };
  const masked = new Array<boolean>(tokens.length).fill(false);
  for (const position of fill) masked[position] = true;
  for (let i = 0; i < settings.steps; i++) {
    if (!fill.some((p) => masked[p])) break;
    checkCancelled(run.signal);
    const request = {
      rows: [tokens],
      rowWeights: [1],
      positions: fill.map((p) => logitPosition(p, facts.logitsShift)),
      temperature: settings.temperature > 0 ? settings.temperature : 1,
      topK: candidatesFor(filter),
    };
    const choices = (await choosePositions(model, request, filter, rng, facts.maskTokenId)).map((choice, j) => ({
      position: fill[j]!,
      token: choice.token,
      // `torch.where(torch.isfinite(full_conf), full_conf, inf)`: a confidence that is not finite is never masked.
      confidence: Number.isFinite(choice.probability) ? choice.probability : Number.POSITIVE_INFINITY,
    }));
    const kappa = (i + 1) / settings.steps;
    const toMask = Math.min(Math.floor(f32(f32(fill.length) * f32(1 - kappa))), fill.length);
    const lowest = new Set(
      [...choices]
        .sort((a, b) => a.confidence - b.confidence || a.position - b.position)
        .slice(0, toMask)
        .map((c) => c.position),
    );
    const pass = { positions: [] as number[], tokens: [] as number[], remasked: [] as number[] };
    for (const { position, token } of choices) {
      if (lowest.has(position)) {
        if (!masked[position]) pass.remasked.push(position);
        tokens[position] = facts.maskTokenId;
        masked[position] = true;
      } else if (masked[position]) {
        tokens[position] = token;
        masked[position] = false;
        pass.positions.push(position);
        pass.tokens.push(token);
      }
    }
    run.onPass(pass);
  }
}
