import type { ReactNode } from 'react';
import type { DiffusionConfig, DiffusionConfigInput } from '../../models/diffusionConfig';
import type { RefactorPlan } from '../../plan/refactorPlan';
import { MASK_MODES, type MaskMode, type MaskPlan } from '../../syntax/maskSpans';
import { type AtCursor, GeneratePanel } from './GeneratePanel';

export interface RequestPanelProps {
  plan: MaskPlan | null;
  maskError: string | null;
  mode: MaskMode;
  prompt: string;
  onModeChange(mode: MaskMode): void;
  onPromptChange(prompt: string): void;
  settings: DiffusionConfigInput;
  onSettingsChange(settings: DiffusionConfigInput): void;
  blockedBecause: string | null;
  onGenerate(config: DiffusionConfig): void;
  onGenerateBatch(plans: RefactorPlan[], config: DiffusionConfig): void;
  atCursor: AtCursor | null;
  /** An opened folder's targets across its files, grouped by file. */
  targets?: ReactNode;
}

const MODE_LABELS: Record<MaskMode, string> = { definition: 'Whole definition', body: 'Body only (keep signature)' };

/** What to regenerate and how: the prompt, the mask mode, and the spans that will be masked. */
export function RequestPanel({
  targets,
  plan,
  maskError,
  mode,
  prompt,
  onModeChange,
  onPromptChange,
  settings,
  onSettingsChange,
  blockedBecause,
  onGenerate,
  onGenerateBatch,
  atCursor,
}: RequestPanelProps) {
  return (
    <aside className="panel request-panel">
      <h2>Request</h2>
      <textarea aria-label="Prompt" placeholder="What should the ticked code become? e.g. make it iterative" value={prompt} onChange={(e) => onPromptChange(e.target.value)} rows={4} />
      <fieldset>
        <legend>Regenerate</legend>
        {MASK_MODES.map((m) => (
          <label key={m}>
            <input type="radio" name="mask-mode" value={m} checked={mode === m} onChange={() => onModeChange(m)} /> {MODE_LABELS[m]}
          </label>
        ))}
      </fieldset>
      {targets}
      <h3>Masked spans</h3>
      {maskError && (
        <p className="notice notice-error" role="alert">
          {maskError}
        </p>
      )}
      {!plan && !maskError && <p className="muted">Tick definitions in the outline to choose what to regenerate.</p>}
      {plan && (
        <ul className="spans" aria-label="Masked spans">
          {plan.spans.map((span) => (
            <li key={span.target}>
              <strong>{span.target}</strong>{' '}
              <span className="muted">
                lines {span.startLine}–{span.endLine}, {span.endByte - span.startByte} bytes
              </span>
            </li>
          ))}
        </ul>
      )}
      {plan?.notes.map((note) => (
        <p key={note} className="muted">
          {note}
        </p>
      ))}
      <GeneratePanel settings={settings} onSettingsChange={onSettingsChange} blockedBecause={blockedBecause} onGenerate={onGenerate} onGenerateBatch={onGenerateBatch} atCursor={atCursor} />
    </aside>
  );
}
