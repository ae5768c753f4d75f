import { useGeneration } from './generationStore';

/**
 * A running generation's progress bar, step and tokens per second, and the spans filling in. It
 * sits in the editor pane, where the result will open: below the settings it was past the request
 * panel's fold at 1280x800.
 */
export function GenerationProgress() {
  const generation = useGeneration();
  if (generation.status !== 'running') return null;
  const progress = generation.progress;
  const denoising = progress && 'step' in progress ? progress : null;
  const first = generation.firstStep;
  const rate = denoising && first && performance.now() > first.at ? (denoising.revealed - first.revealed) / ((performance.now() - first.at) / 1000) : null;
  return (
    <div className="progress" aria-live="polite">
      {progress && 'message' in progress && <p className="muted small">{progress.message}</p>}
      {!progress && <p className="muted small">Starting the engine…</p>}
      {denoising && (
        <>
          <progress aria-label="Generation progress" value={denoising.step} max={denoising.total} />
          <p className="small">
            {denoising.phase} step {denoising.step}/{denoising.total}
            {rate !== null && rate > 0 ? `, ${rate.toFixed(1)} tokens/s` : ''}
          </p>
          <section aria-label="Live denoising">
            <pre className="live-spans">{denoising.spans.join('\n\n')}</pre>
          </section>
        </>
      )}
    </div>
  );
}
