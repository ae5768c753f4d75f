import type { GeneratedPatch } from '../../plan/refactorPlan';

/** Whether two results answer the same request (the same file text, targets and prompt), so they are candidates to pick between. */
export function sameRequest(a: GeneratedPatch, b: GeneratedPatch): boolean {
  return a.filePath === b.filePath && a.originalCode === b.originalCode && a.plan.intent === b.plan.intent && JSON.stringify(a.plan.editTargets) === JSON.stringify(b.plan.editTargets);
}

/** The first lines a candidate writes, which tell candidates apart at a glance. */
function firstWrittenLines(patch: GeneratedPatch): string {
  const written = patch.unifiedDiff.split('\n').filter((line) => line.startsWith('+') && !line.startsWith('+++'));
  return written
    .slice(0, 2)
    .map((line) => line.slice(1).trim())
    .join(' ⏎ ');
}

export interface CandidateSwitcherProps {
  /** The results of one request, oldest first; the shown one among them. */
  candidates: readonly GeneratedPatch[];
  shown: GeneratedPatch;
  onPick(patch: GeneratedPatch): void;
  /** Shows a candidate's file beside the shown one's. */
  onCompare(patch: GeneratedPatch): void;
}

/**
 * The candidates of one request next to each other, each with its seed, verdict and first written
 * lines: picking one puts it on the stage, and the one it replaces stays here; Compare shows another
 * one's file beside the shown one's.
 */
export function CandidateSwitcher({ candidates, shown, onPick, onCompare }: CandidateSwitcherProps) {
  if (candidates.length < 2) return null;
  return (
    <fieldset className="candidates" aria-label="Candidates">
      <legend className="small muted">Candidates:</legend>
      {candidates.map((candidate, i) => (
        <span key={`${candidate.generationTimestamp} ${candidate.sample.seed}`} className="candidate-entry">
          <button
            type="button"
            className="candidate"
            aria-pressed={candidate === shown}
            aria-label={`Candidate ${i + 1}, seed ${candidate.sample.seed}`}
            onClick={() => candidate !== shown && onPick(candidate)}
          >
            <span>
              {i + 1}: seed {candidate.sample.seed}, {candidate.canApply ? 'can apply' : 'not safe'}, risk {candidate.riskScore.toFixed(2)}
            </span>
            <code className="candidate-lines">{firstWrittenLines(candidate) || 'no change'}</code>
          </button>
          {candidate !== shown && (
            <button type="button" className="link" aria-label={`Compare candidate ${i + 1} with the shown one`} onClick={() => onCompare(candidate)}>
              Compare
            </button>
          )}
        </span>
      ))}
    </fieldset>
  );
}
