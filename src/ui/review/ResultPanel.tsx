import { useEffect, useMemo, useRef, useState } from 'react';
import type { GeneratedPatch } from '../../plan/refactorPlan';
import { unifiedDiff } from '../../plan/unifiedDiff';
import { millisecondsFromClick } from '../generate/generationStore';
import { builtInModelNote, builtInModelTag } from '../models/builtInModels';
import { LazyPatchDiffView } from './LazyPatchDiffView';
import { type HunkDecision, reviewedText, reviewOf } from './reviewHunks';
import { UnsafeConfirm } from './UnsafeConfirm';
import { VerdictDetails } from './VerdictDetails';

function download(name: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const baseName = (path: string) => path.split('/').pop() || 'file';

const DECISION_LABELS: Record<HunkDecision, string> = { pending: 'to review', accepted: 'accepted', rejected: 'rejected' };

/** Why a result is not safe, a reason a line, for the question asked before it is accepted or applied. */
function unsafeReasons(patch: GeneratedPatch): string[] {
  const reasons = patch.validationErrors.slice(0, 3);
  if (patch.validationErrors.length > 3) reasons.push(`and ${patch.validationErrors.length - 3} more problems`);
  if (reasons.length === 0) reasons.push(`Risk ${patch.riskScore.toFixed(2)}: ${patch.riskFactors.map((f) => f.fact).join('; ')}`);
  const note = builtInModelNote(patch.model.id);
  if (note) reasons.unshift(note);
  return reasons;
}

export interface ResultPanelProps {
  patch: GeneratedPatch;
  /** Where it ran, in words: the WebGPU adapter, or WASM and why. */
  runtimeLabel: string;
  monacoLanguage: string;
  /** Discard (Esc): the result leaves the stage for its file's history. */
  onClose(): void;
  /** Takes the reviewed file (the original with the kept hunks) into the editor, as one edit that undo takes back. */
  onApply(text: string): void;
  /** An opened folder's one patch over all its files, with the changes kept: what Download patch and Copy patch then give. */
  repositoryDiff?: { name: string; diff: string };
  /** Decisions made on this result before (a folder's file shown again), and where to keep new ones. */
  initialDecisions?: readonly HunkDecision[];
  onDecisionsChange?(decisions: HunkDecision[]): void;
}

/**
 * Review mode: the generated file against the original in Monaco's diff editor, over the whole
 * editor pane, change by change, each hunk accepted or rejected; the verdict pinned above, its
 * "why" over the diff rather than pushing it away; the downloads and Apply write the hunks kept.
 */
export function ResultPanel({ patch, runtimeLabel, monacoLanguage, onClose, onApply, repositoryDiff, initialDecisions, onDecisionsChange }: ResultPanelProps) {
  const [sideBySide, setSideBySide] = useState(true);
  const [copied, setCopied] = useState(false);
  const [whyOpen, setWhyOpen] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const review = useMemo(() => reviewOf(patch.originalCode, patch.generatedCode), [patch]);
  const [decisions, setDecisions] = useState<HunkDecision[]>(() => (initialDecisions?.length === review.hunks.length ? [...initialDecisions] : review.hunks.map(() => 'pending')));
  const keepDecisions = useRef(onDecisionsChange);
  keepDecisions.current = onDecisionsChange;
  useEffect(() => keepDecisions.current?.(decisions), [decisions]);
  const [current, setCurrent] = useState(0);
  const [reveal, setReveal] = useState(() => ({ line: review.hunks[0]?.generatedStart ?? 1, request: 0 }));
  /** The user said yes once to this unsafe result: accepting more of it does not ask again. */
  const [acknowledged, setAcknowledged] = useState(patch.canApply);
  const [asking, setAsking] = useState<{ action: string; go(): void } | null>(null);

  const fromClick = millisecondsFromClick(patch);
  const name = baseName(patch.filePath);
  // Hunks are the shown file's; a folder's files are reviewed one at a time, their decisions kept by the folder.
  const reviewing = patch.sample.path !== 'error';
  // Diffing a large file takes a while: once per decision, not once per render.
  const keptText = useMemo(() => (reviewing ? reviewedText(review, decisions) : patch.generatedCode), [reviewing, review, decisions, patch]);
  const patchName = repositoryDiff ? `${repositoryDiff.name}.patch` : `${name}.patch`;
  const patchText = useMemo(
    () => (repositoryDiff ? repositoryDiff.diff : reviewing ? unifiedDiff(patch.filePath, patch.originalCode, keptText) : patch.unifiedDiff),
    [repositoryDiff, reviewing, patch, keptText],
  );
  const nothingToWrite = repositoryDiff
    ? 'Nothing to download: no file of this run can apply with a change kept.'
    : review.hunks.length > 0
      ? 'Nothing to download: every change is rejected.'
      : 'Nothing to download: the result changes nothing.';

  const showLine = (line: number) => setReveal((r) => ({ line, request: r.request + 1 }));
  const goTo = (index: number) => {
    const hunk = review.hunks[index];
    if (!hunk) return;
    setCurrent(index);
    showLine(hunk.generatedStart);
  };
  const step = (by: 1 | -1) => review.hunks.length > 0 && goTo((current + by + review.hunks.length) % review.hunks.length);
  const askIfUnsafe = (action: string, go: () => void) => {
    if (acknowledged) go();
    else setAsking({ action, go });
  };
  const decide = (index: number, decision: HunkDecision) => {
    const set = () => setDecisions((all) => all.map((d, i) => (i === index ? decision : d)));
    if (decision === 'accepted') askIfUnsafe('Accept anyway', set);
    else set();
  };
  const writeOut = (go: () => void) => {
    setMessage(null);
    if (patchText === '') setMessage(nothingToWrite);
    else go();
  };
  // A problem "L:C: message" is at line L of the generated file; one that names a target is in that target's hunk.
  const problemLine = (problem: string): number | null => {
    const at = /^(\d+):\d+: /.exec(problem);
    if (at) return Number(at[1]);
    const span = patch.maskedSpans.find((s) => problem.includes(` ${s.target} `));
    const hunk = span && review.hunks.find((h) => h.originalStart <= span.endLine && span.startLine < h.originalStart + Math.max(h.originalLines, 1));
    return hunk ? hunk.generatedStart : null;
  };

  const count = (decision: HunkDecision) => decisions.filter((d) => d === decision).length;
  return (
    <section className="result-panel" aria-label="Result">
      <div className="result-bar">
        <strong className={`verdict ${patch.isValidSyntax ? 'verdict-ok' : 'verdict-bad'}`} title={patch.validationErrors[0]}>
          {patch.isValidSyntax ? 'Valid syntax' : `Invalid syntax: ${patch.validationErrors[0] ?? ''}`}
        </strong>
        <span>risk {patch.riskScore.toFixed(2)}</span>
        <span>
          {patch.sample.path}
          {patch.sample.remaskRounds > 0 ? `, ${patch.sample.remaskRounds} remask round(s)` : ''}
        </span>
        {patch.sample.sampler && (
          <span className="sampler" title={patch.sample.departures?.join('\n') || "The model's authors' sampler and settings"}>
            {patch.sample.sampler} sampler
            {patch.sample.departures && patch.sample.departures.length > 0 ? `, ${patch.sample.departures.length} departure(s) from the authors' settings` : ''}
          </span>
        )}
        <span className="provenance">
          {patch.sample.nfe} passes, {(patch.sample.generationTimeMs / 1000).toFixed(1)} s{fromClick !== undefined ? ` (${(fromClick / 1000).toFixed(1)} s from the click)` : ''}, {patch.model.id}{' '}
          {patch.model.quant} on {runtimeLabel || patch.model.backend}, seed {patch.sample.seed}
        </span>
        <button type="button" className={`why-toggle ${patch.canApply ? '' : 'verdict-bad'}`} aria-expanded={whyOpen} onClick={() => setWhyOpen(!whyOpen)}>
          {patch.canApply ? 'Can be applied' : 'Not safe to apply'}: why
        </button>
        {builtInModelNote(patch.model.id) && (
          <span className="demo-note" title={builtInModelNote(patch.model.id) ?? undefined}>
            {builtInModelTag(patch.model.id)}
          </span>
        )}
      </div>
      <div className="review-actions">
        {reviewing && (
          <>
            <button type="button" disabled={review.hunks.length === 0} onClick={() => step(-1)} title="Previous change (Shift+Alt+F5 in the diff)">
              Previous change
            </button>
            <button type="button" disabled={review.hunks.length === 0} onClick={() => step(1)} title="Next change (Alt+F5 in the diff; F7 opens Monaco's accessible diff viewer)">
              Next change
            </button>
            <span className="small" aria-live="polite">
              {review.hunks.length === 0
                ? 'No changes'
                : `Change ${current + 1} of ${review.hunks.length} · ${count('accepted')} accepted, ${count('rejected')} rejected, ${count('pending')} to review`}
            </span>
            <button type="button" disabled={review.hunks.length === 0} onClick={() => askIfUnsafe('Accept anyway', () => setDecisions(review.hunks.map(() => 'accepted')))}>
              Accept all
            </button>
          </>
        )}
        <label className="small">
          <input type="checkbox" checked={!sideBySide} onChange={(e) => setSideBySide(!e.target.checked)} /> Inline
        </label>
        <span className="spacer" />
        <button type="button" onClick={() => askIfUnsafe('Apply anyway', () => onApply(keptText))}>
          Apply to editor
        </button>
        <button type="button" onClick={() => writeOut(() => download(patchName, patchText, 'text/x-diff'))}>
          Download patch
        </button>
        <button type="button" onClick={() => download(name, keptText, 'text/plain')}>
          Download file
        </button>
        <button
          type="button"
          onClick={() =>
            writeOut(() =>
              navigator.clipboard.writeText(patchText).then(
                () => setCopied(true),
                () => setMessage('The browser did not let the page write to the clipboard: use Download patch.'),
              ),
            )
          }
        >
          {copied ? 'Copied' : 'Copy patch'}
        </button>
        <button type="button" onClick={onClose} aria-keyshortcuts="Escape" title="Set this result aside (Esc); it stays under Earlier results">
          Discard
        </button>
      </div>
      {message && (
        <p className="notice notice-warning" role="status">
          {message}
        </p>
      )}
      {reviewing && review.hunks.length > 0 && (
        <ol className="hunks" aria-label="Changes">
          {review.hunks.map((hunk, i) => (
            <li key={`${hunk.firstPart}`} className={`${i === current ? 'current' : ''} decision-${decisions[i]}`}>
              <button type="button" className="link" onClick={() => goTo(i)}>
                Change {i + 1}: line{hunk.generatedLines > 1 ? 's' : ''} {Math.max(1, hunk.generatedStart)}
                {hunk.generatedLines > 1 ? `–${hunk.generatedStart + hunk.generatedLines - 1}` : ''}
              </button>
              <span className="small muted">{DECISION_LABELS[decisions[i]!]}</span>
              <button type="button" aria-label={`Accept change ${i + 1}`} aria-pressed={decisions[i] === 'accepted'} onClick={() => decide(i, 'accepted')}>
                Accept
              </button>
              <button type="button" aria-label={`Reject change ${i + 1}`} aria-pressed={decisions[i] === 'rejected'} onClick={() => decide(i, 'rejected')}>
                Reject
              </button>
            </li>
          ))}
        </ol>
      )}
      {patch.notes.length > 0 && <p className="muted small result-notes">{patch.notes.join(' ')}</p>}
      <div className="diff-area">
        <LazyPatchDiffView
          original={patch.originalCode}
          generated={patch.generatedCode}
          monacoLanguage={monacoLanguage}
          sideBySide={sideBySide}
          hunks={reviewing ? review.hunks : []}
          decisions={decisions}
          current={current}
          reveal={reveal}
          onNavigate={step}
        />
        {whyOpen && (
          <div className="why-panel">
            <button type="button" className="link close-why" aria-label="Close why" onClick={() => setWhyOpen(false)}>
              ×
            </button>
            <VerdictDetails patch={patch} problemLine={problemLine} onShowLine={showLine} />
            <button type="button" onClick={() => download(`${name}.provenance.json`, JSON.stringify(patch, null, 2), 'application/json')}>
              Download provenance
            </button>
          </div>
        )}
      </div>
      {asking && (
        <UnsafeConfirm
          action={asking.action}
          reasons={unsafeReasons(patch)}
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            setAcknowledged(true);
            setAsking(null);
            asking.go();
          }}
        />
      )}
    </section>
  );
}
