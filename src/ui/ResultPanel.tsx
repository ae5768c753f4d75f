import { lazy, Suspense, useState } from 'react';
import type { GeneratedPatch } from '../core/refactorPlan';
import { VerdictDetails } from './VerdictDetails';

const PatchDiffView = lazy(async () => ({ default: (await import('./PatchDiffView')).PatchDiffView }));

function download(name: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const baseName = (path: string) => path.split('/').pop() || 'file';

export interface ResultPanelProps {
  patch: GeneratedPatch;
  /** Where it ran, in words: the WebGPU adapter, or WASM and why. */
  runtimeLabel: string;
  monacoLanguage: string;
  onClose(): void;
  /** Takes the generated file into the editor, as one edit that undo takes back. */
  onApply(): void;
  /** An opened folder's one patch over all its files: what Download patch and Copy patch then give. */
  repositoryDiff?: { name: string; diff: string };
}

/** The generated file against the original, the verdict and provenance, and the downloads. */
export function ResultPanel({ patch, runtimeLabel, monacoLanguage, onClose, onApply, repositoryDiff }: ResultPanelProps) {
  const [sideBySide, setSideBySide] = useState(true);
  const [copied, setCopied] = useState(false);
  const name = baseName(patch.filePath);
  const patchName = repositoryDiff ? `${repositoryDiff.name}.patch` : `${name}.patch`;
  const patchText = repositoryDiff ? repositoryDiff.diff : patch.unifiedDiff;
  return (
    <section className="result-panel" aria-label="Result">
      <div className="result-bar">
        <strong className={patch.isValidSyntax ? 'verdict-ok' : 'verdict-bad'}>{patch.isValidSyntax ? 'Valid syntax' : `Invalid syntax: ${patch.validationErrors[0] ?? ''}`}</strong>
        <span>risk {patch.riskScore.toFixed(2)}</span>
        <span>
          {patch.sample.path}
          {patch.sample.remaskRounds > 0 ? `, ${patch.sample.remaskRounds} remask round(s)` : ''}
        </span>
        <span>
          {patch.sample.nfe} passes, {(patch.sample.generationTimeMs / 1000).toFixed(1)} s, {patch.model.id} {patch.model.quant} on {runtimeLabel || patch.model.backend}, seed {patch.sample.seed}
        </span>
        <label>
          <input type="checkbox" checked={!sideBySide} onChange={(e) => setSideBySide(!e.target.checked)} /> Inline
        </label>
        <button type="button" onClick={() => download(patchName, patchText, 'text/x-diff')}>
          Download patch
        </button>
        <button type="button" onClick={() => download(name, patch.generatedCode, 'text/plain')}>
          Download file
        </button>
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard.writeText(patchText).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy patch'}
        </button>
        <button type="button" onClick={() => download(`${name}.provenance.json`, JSON.stringify(patch, null, 2), 'application/json')}>
          Download provenance
        </button>
        <button type="button" onClick={onApply}>
          Apply to editor
        </button>
        <button type="button" className="link" aria-label="Close result" onClick={onClose}>
          ×
        </button>
      </div>
      <VerdictDetails patch={patch} />
      {patch.notes.length > 0 && <p className="muted small">{patch.notes.join(' ')}</p>}
      <Suspense fallback={<p className="loading">Loading the diff…</p>}>
        <PatchDiffView original={patch.originalCode} generated={patch.generatedCode} monacoLanguage={monacoLanguage} sideBySide={sideBySide} />
      </Suspense>
    </section>
  );
}
