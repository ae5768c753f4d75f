import type { GeneratedPatch } from '../../plan/refactorPlan';

export interface BatchResultsProps {
  patches: GeneratedPatch[];
  shown: GeneratedPatch | null;
  onShow(patch: GeneratedPatch): void;
}

function verdict(patch: GeneratedPatch): string {
  if (patch.sample.path === 'error') return `failed: ${patch.validationErrors[0] ?? 'no reason given'}`;
  return `${patch.isValidSyntax ? 'valid syntax' : 'invalid syntax'}, risk ${patch.riskScore.toFixed(2)}, ${patch.sample.path}`;
}

/** One row per plan of an imported plans file, in the order they ran; a row opens its diff. */
export function BatchResults({ patches, shown, onShow }: BatchResultsProps) {
  return (
    <section className="batch-results" aria-label="Batch results">
      <h3>
        {patches.length} plans, {patches.filter((p) => p.canApply).length} can apply
      </h3>
      <ol>
        {patches.map((patch, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a batch's rows are replaced whole and never reordered; two plans may name the same targets.
          <li key={i} className={patch === shown ? 'shown' : undefined}>
            <button type="button" className="link" disabled={patch.sample.path === 'error'} onClick={() => onShow(patch)}>
              {patch.plan.editTargets.join(', ')}
            </button>{' '}
            <span className="muted small">
              {patch.filePath}: {verdict(patch)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
