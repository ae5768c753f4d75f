import { BUDGET_SOURCES } from '../core/contextBudget';
import type { GeneratedPatch } from '../core/refactorPlan';

const STOPPED_BY = { 'stop-token': 'its stop token', budget: 'its token budget (cut off)' } as const;
/** Garbage code can give hundreds of syntax errors; the first few say enough, and the provenance has them all. */
const PROBLEMS_SHOWN = 8;

/**
 * Why the verdict and the risk are what they are: every validation error, each fact that made the
 * risk, who wrote the code, and how much of the file the model saw.
 */
export function VerdictDetails({ patch }: { patch: GeneratedPatch }) {
  const { fallback } = patch.model;
  const { context } = patch;
  return (
    <details className="verdict-details small">
      <summary>{patch.canApply ? 'Can be applied' : 'Not safe to apply'}: why</summary>
      {patch.validationErrors.length > 0 && (
        <ul aria-label="Problems">
          {patch.validationErrors.slice(0, PROBLEMS_SHOWN).map((error) => (
            <li key={error}>{error}</li>
          ))}
          {patch.validationErrors.length > PROBLEMS_SHOWN && <li>and {patch.validationErrors.length - PROBLEMS_SHOWN} more (Download provenance lists them all)</li>}
        </ul>
      )}
      <p>
        Risk {patch.riskScore.toFixed(2)}
        {patch.riskFactors.length === 0 ? ': nothing in this patch adds risk.' : ', from:'}
      </p>
      {patch.riskFactors.length > 0 && (
        <ul aria-label="Risk factors">
          {patch.riskFactors.map((factor) => (
            <li key={factor.fact}>
              {factor.fact}: {factor.risk.toFixed(2)}
            </li>
          ))}
        </ul>
      )}
      {fallback && (
        <p>
          The fallback {fallback.id} ({fallback.quant}) rewrote{' '}
          {fallback.spans.map((span) => `${span.target} (${span.tokens} of ${span.budget} tokens, stopped by ${STOPPED_BY[span.stoppedBy]})`).join(', ')}.
        </p>
      )}
      {context && (
        <p>
          The model saw {context.keptLines === context.totalLines ? 'the whole file' : `${context.keptLines} of ${context.totalLines} lines`}: {context.tokens} tokens of a {context.budget}-token
          budget set by {BUDGET_SOURCES[context.limitedBy]}.
        </p>
      )}
    </details>
  );
}
