import { useEffect, useState } from 'react';
import { type RunSegment, useGeneration } from './generationStore';

const PHASE_NAMES: Record<RunSegment['phase'], string> = { diffusion: 'Denoising', remask: 'Repairing syntax', fallback: 'Fallback model rewriting' };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * A running generation as one bar for the whole run: starting the engine, denoising, each remask
 * round and the fallback, named inside the bar; the time since the click on Generate and an
 * estimate of what is left; tokens per second and the spans filling in. Remask rounds and the
 * fallback run only when the result needs them, so the bar's end moves out when one starts. It
 * sits in the editor pane, where the result will open.
 */
export function GenerationProgress() {
  const generation = useGeneration();
  const running = generation.status === 'running';
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(performance.now()), 250);
    return () => clearInterval(timer);
  }, [running]);
  if (!running) return null;

  const { progress, segments, firstStep, startedAt } = generation;
  const denoising = progress && 'step' in progress ? progress : null;
  const elapsed = startedAt === null ? 0 : Math.max(0, now - startedAt);
  const done = segments.reduce((sum, s) => sum + s.step, 0);
  const expected = segments.reduce((sum, s) => sum + s.total, 0);
  const current = segments.at(-1);
  const round = segments.filter((s) => s.phase === 'remask').length;
  const sinceFirst = firstStep ? now - firstStep.at : 0;
  // Passes after the first report, over the time since it: the pace of the steps left.
  const perPass = done > 1 && sinceFirst > 0 ? sinceFirst / (done - 1) : null;
  const left = perPass !== null ? (expected - done) * perPass : null;
  const rate = denoising && firstStep && sinceFirst > 0 ? (denoising.revealed - firstStep.revealed) / (sinceFirst / 1000) : null;
  const label = current
    ? `${PHASE_NAMES[current.phase]}${current.phase === 'remask' ? ` (round ${round})` : ''}: step ${current.step} of ${current.total}`
    : progress && 'message' in progress
      ? progress.message
      : 'Starting the engine…';
  return (
    <div className="progress" aria-live="polite">
      <div className="run-progress">
        {current ? <progress aria-label="Generation progress" value={done} max={expected} /> : <progress aria-label="Starting the engine" />}
        <span className="run-progress-label">{label}</span>
      </div>
      <p className="small run-progress-times">
        <span>{seconds(elapsed)} since Generate</span>
        {left !== null && (
          <span>
            {' '}
            · about {seconds(left)} left{current?.phase === 'diffusion' ? ' (more if syntax repair or the fallback is needed)' : ''}
          </span>
        )}
        {rate !== null && rate > 0 && <span> · {rate.toFixed(1)} tokens/s</span>}
      </p>
      {denoising && (
        <section aria-label="Live denoising">
          <pre className="live-spans">{denoising.spans.join('\n\n')}</pre>
        </section>
      )}
    </div>
  );
}
