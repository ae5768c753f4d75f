import { useMemo } from 'react';
import type { GeneratedPatch } from '../../plan/refactorPlan';
import { LazyPatchDiffView } from './LazyPatchDiffView';
import { reviewOf } from './reviewHunks';

const describe = (patch: GeneratedPatch) => `seed ${patch.sample.seed}, ${patch.canApply ? 'can apply' : 'not safe'}, risk ${patch.riskScore.toFixed(2)}`;

export interface CandidateComparisonProps {
  /** The candidate on the left. */
  other: GeneratedPatch;
  /** The one on the stage, on the right. */
  shown: GeneratedPatch;
  monacoLanguage: string;
  onClose(): void;
}

/** Two candidates of one request side by side: where the other one's file and the shown one's differ, at their first difference. */
export function CandidateComparison({ other, shown, monacoLanguage, onClose }: CandidateComparisonProps) {
  const firstDifference = useMemo(() => reviewOf(other.generatedCode, shown.generatedCode).hunks[0]?.generatedStart ?? 1, [other, shown]);
  return (
    <section className="result-panel" aria-label="Candidates compared">
      <div className="review-actions">
        <span>
          Left: {describe(other)}. Right, on the stage: {describe(shown)}.
        </span>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Back to the review
        </button>
      </div>
      <div className="diff-area">
        <LazyPatchDiffView
          original={other.generatedCode}
          generated={shown.generatedCode}
          monacoLanguage={monacoLanguage}
          sideBySide
          hunks={[]}
          decisions={[]}
          current={0}
          reveal={{ line: firstDifference, request: 0 }}
          onNavigate={() => undefined}
        />
      </div>
    </section>
  );
}
