import { BUDGET_SOURCES } from '../../models/contextBudget';
import type { GeneratedPatch } from '../../plan/refactorPlan';
import { builtInModelNote } from '../models/builtInModels';

const STOPPED_BY = { 'stop-token': 'its stop token', budget: 'its token budget (cut off)' } as const;
/** Garbage code can give hundreds of syntax errors; the first few say enough, and the provenance has them all. */
const PROBLEMS_SHOWN = 8;

export interface VerdictDetailsProps {
  patch: GeneratedPatch;
  /** The line of the generated file a problem is at, if it names one. */
  problemLine(problem: string): number | null;
  /** Scrolls the diff to a line of the generated file. */
  onShowLine(line: number): void;
}

/**
 * Why the verdict and the risk are what they are: every validation error (each with a link to
 * where it is in the diff), each fact that made the risk, who wrote the code, and how much of the
 * file the model saw.
 */
export function VerdictDetails({ patch, problemLine, onShowLine }: VerdictDetailsProps) {
  const { fallback } = patch.model;
  const { context } = patch;
  return (
    <section className="verdict-details small" aria-label="Why">
      {builtInModelNote(patch.model.id) && <p className="notice notice-warning">{builtInModelNote(patch.model.id)}</p>}
      {patch.validationErrors.length > 0 && (
        <ul aria-label="Problems">
          {patch.validationErrors.slice(0, PROBLEMS_SHOWN).map((error) => {
            const line = problemLine(error);
            return (
              <li key={error}>
                {error}
                {line !== null && (
                  <>
                    {' '}
                    <button type="button" className="link" onClick={() => onShowLine(line)}>
                      show line {line}
                    </button>
                  </>
                )}
              </li>
            );
          })}
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
    </section>
  );
}
