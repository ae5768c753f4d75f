import type { DiffusionConfig } from '../models/diffusionConfig';
import { formatDuration, forwardPasses } from '../models/forwardPasses';
import type { GenerationProgress } from '../plan/engine';

/** Where a run's model runs: the folder, backend and precision with why (`description`), and short ("native, q8"). */
export interface RunsOn {
  description: string;
  runsOn: string;
}

/**
 * Where the model runs, then the forward passes a run of `plans` plans will take at least (each plan denoises for
 * the steps its sampler resolved; counted by forwardPasses, as the app counts them), and their time from the run's first pass on this machine and backend:
 * printed once, as soon as that pass is done, so that a long run (a 2,000-token file at the
 * authors' settings on WASM takes minutes) says so before it has gone far. The first pass is the
 * dearest: it is a whole pass (with the context cache, the one that fills it) and the session's
 * first, so the estimate leans long; remasking rounds and the fallback add passes of their own.
 * Both lines wait for that pass, so that a plan refused before it (an unknown target) keeps its
 * one line on stderr.
 */
export function passEstimate(
  config: Pick<DiffusionConfig, 'steps' | 'cacheInterval'>,
  plans: number,
  where: RunsOn,
  write: (line: string) => void = (line) => process.stderr.write(line),
): (progress: GenerationProgress) => void {
  const started = performance.now();
  let said = false;
  return (progress) => {
    if (said || progress.phase !== 'diffusion') return;
    said = true;
    const firstMs = performance.now() - started;
    // The run's own step count, as its sampler resolved it: steps 0 (the authors') says nothing by itself.
    const { steps, passes, spanPasses } = forwardPasses(progress.total, plans, config.cacheInterval);
    const cached = spanPasses > 0 ? `, the ${spanPasses} span passes among them cheaper` : '';
    write(`model: ${where.description}\n`);
    write(
      `estimate: ${plans} plan(s) x ${steps} steps = ${passes} forward passes; the first took ${formatDuration(firstMs)} (${where.runsOn}): about ${formatDuration(firstMs * passes)} in all${cached}; remasking and the fallback add passes\n`,
    );
  };
}
