import { type DragEvent, lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { InputError } from '../../errors/inputErrors';
import type { DiffusionConfig } from '../../models/diffusionConfig';
import { relevantFilePaths } from '../../plan/planContext';
import type { GeneratedPatch, RefactorPlan } from '../../plan/refactorPlan';
import { languageFromFileName } from '../../syntax/detectLanguage';
import { isLanguageId, LANGUAGE_IDS, LANGUAGES } from '../../syntax/languages';
import type { MaskPlan } from '../../syntax/maskSpans';
import type { OutlineEntry } from '../../syntax/outline';
import { targetMask } from '../../syntax/targetMask';
import { resolveTargets, targetKeys } from '../../syntax/targets';
import { OutlinePanel } from '../editor/OutlinePanel';
import { readSourceFile } from '../editor/readSourceFile';
import { useSourceAnalysis } from '../editor/useSourceAnalysis';
import { FolderResults } from '../folder/FolderResults';
import { FolderTargets } from '../folder/FolderTargets';
import { FolderTree } from '../folder/FolderTree';
import { filesFolder } from '../folder/folderAccess';
import { reviewedRepositoryDiff } from '../folder/folderReview';
import { useFolder } from '../folder/folderStore';
import { OpenFolderButton } from '../folder/OpenFolderButton';
import { GenerationMessage } from '../generate/GenerationMessage';
import { GenerationProgress } from '../generate/GenerationProgress';
import { useGeneration } from '../generate/generationStore';
import { RequestPanel } from '../generate/RequestPanel';
import { useWarmUp } from '../generate/warmUpStore';
import { ModelManager } from '../models/ModelManager';
import { filesOfDrop } from '../models/modelFolderFiles';
import { useModelsBusyReason } from '../models/modelStore';
import { BatchResults } from '../review/BatchResults';
import { CandidateComparison } from '../review/CandidateComparison';
import { CandidateSwitcher, sameRequest } from '../review/CandidateSwitcher';
import { ResultPanel } from '../review/ResultPanel';
import { useAppState } from './appStateStore';
import { FirstVisitStrip } from './FirstVisitStrip';
import { openKnownAnswerExample } from './openExample';

// Monaco is most of the download: its chunk starts loading as soon as this module runs, and the
// page paints its frame meanwhile.
const editorModule = import('../editor/SourceEditor');
const SourceEditor = lazy(async () => ({ default: (await editorModule).SourceEditor }));

function innermostAt(outline: readonly OutlineEntry[], analysis: ReturnType<typeof useSourceAnalysis>, cursor: { line: number; column: number }): OutlineEntry | null {
  if (!analysis.source || outline.length === 0) return null;
  try {
    return resolveTargets(outline, analysis.source, [cursor])[0] ?? null;
  } catch {
    return null;
  }
}

/** Presses Generate, or Rewrite at cursor, where the settings allow it: the panel knows whether they do. */
const pressGenerate = (button: 'primary' | 'at-cursor') => document.querySelector<HTMLButtonElement>(`.generate-panel button.${button}:not(:disabled)`)?.click();

export function App() {
  const state = useAppState();
  const analysis = useSourceAnalysis(state.text, state.fileName, state.languageOverride);
  const [revealRequest, setRevealRequest] = useState(0);
  const keys = useMemo(() => targetKeys(analysis.outline), [analysis.outline]);
  const checked = useMemo(() => new Set(state.checked), [state.checked]);
  const atCursor = innermostAt(analysis.outline, analysis, state.cursor);

  const mask = useMemo((): { plan: MaskPlan | null; error: string | null } => {
    // The names the run sends, resolved as the engine resolves them: the preview masks what the run will.
    const editTargets = keys.filter((key) => checked.has(key));
    if (!analysis.source || editTargets.length === 0) return { plan: null, error: null };
    try {
      return { plan: targetMask(analysis.outline, analysis.source, editTargets, state.mode).maskPlan, error: null };
    } catch (error) {
      return { plan: null, error: (error as Error).message };
    }
  }, [analysis, keys, checked, state.mode]);
  const maskedRanges = useMemo(() => mask.plan?.spans.map((s) => s.range) ?? [], [mask.plan]);
  const generation = useGeneration();
  const ticked = analysis.outline.filter((_, i) => checked.has(keys[i]!));
  const modelsBusy = useModelsBusyReason(state.settings);
  const folder = useFolder();
  // A folder's file is open: ticks across its files make one batch, with related code as context.
  const folderActive = folder.repository !== null && folder.openPath === state.fileName;
  const tickedAnywhere = folderActive ? Object.keys(folder.allTicks()).length > 0 : ticked.length > 0;
  const blockedBecause = analysis.error ?? mask.error ?? modelsBusy ?? (tickedAnywhere ? null : 'Tick at least one definition to regenerate.');

  const generate = (config: DiffusionConfig) => {
    if (blockedBecause) return;
    if (folderActive) {
      void folder.generate(config, state.prompt, state.mode);
      return;
    }
    const editTargets = keys.filter((key) => checked.has(key));
    void generation.generate([{ filePath: state.fileName, editTargets, intent: state.prompt, language: analysis.language ?? undefined }], state.text, config, state.mode, state.fileName);
  };
  // Rewrite only the definition at the cursor: it becomes the one tick, and the run masks it alone.
  const atCursorKey = atCursor ? keys[analysis.outline.indexOf(atCursor)]! : null;
  const generateAtCursor = (config: DiffusionConfig) => {
    if (!atCursorKey || analysis.error || modelsBusy) return;
    for (const key of state.checked) if (key !== atCursorKey) state.setChecked(key, false);
    state.setChecked(atCursorKey, true);
    void generation.generate(
      [{ filePath: state.fileName, editTargets: [atCursorKey], intent: state.prompt, language: analysis.language ?? undefined }],
      state.text,
      config,
      state.mode,
      state.fileName,
    );
  };
  // With a folder open, the plans' files and the relevant files their context names by path are read from it (the open file as edited).
  const generateBatch = async (plans: RefactorPlan[], config: DiffusionConfig) => {
    const index = folderActive ? folder.index : null;
    if (!index) return generation.generate(plans, state.text, config, state.mode, state.fileName);
    const sources: Record<string, string> = {};
    for (const path of new Set(plans.flatMap((plan) => [plan.filePath, ...relevantFilePaths(plan.context)]))) {
      const text = path === state.fileName ? state.text : (await index.file(path))?.text;
      if (text !== undefined) sources[path] = text;
    }
    return generation.generate(plans, state.text, config, state.mode, state.fileName, sources);
  };

  // A result belongs to the file it was made from (a folder's run, to the folder): opening
  // another file sets it aside in that file's history, so it can never be applied elsewhere.
  const resultFile = generation.patch ? (generation.resultFile ?? generation.patch.filePath) : null;
  const resultHere = generation.patch !== null && (folder.run !== null || resultFile === state.fileName);
  const setAside = generation.setAside;
  useEffect(() => {
    if (resultFile !== null && !resultHere) setAside();
  }, [resultFile, resultHere, setAside]);
  const earlier = generation.history.filter((entry) => entry.file === state.fileName);
  const reviewing = resultHere && generation.status !== 'running';
  // The results of the shown one's request (Another candidate), to pick between; the others stay under Earlier results.
  const shown = generation.patch;
  const candidates =
    reviewing && shown ? [shown, ...earlier.map((entry) => entry.patch).filter((patch) => sameRequest(patch, shown))].sort((a, b) => a.generationTimestamp.localeCompare(b.generationTimestamp)) : [];

  // Two candidates side by side, while the one compared is still a candidate of the shown result.
  const [comparing, setComparing] = useState<GeneratedPatch | null>(null);
  const comparedWith = comparing && candidates.includes(comparing) && comparing !== shown ? comparing : null;

  // A folder run's patch holds the changes kept in each file; the shown file's decisions are kept by the folder while another is shown.
  const folderDiff = useMemo(() => (folder.run ? reviewedRepositoryDiff(folder.run.combined.files, folder.decisions) : ''), [folder.run, folder.decisions]);
  const shownFolderFile = folder.run?.combined.files.find((file) => file.patch === shown && file.verdict === 'applies')?.path ?? null;

  const warmUp = useWarmUp((s) => s.warmUp);
  const hasPlan = mask.plan !== null;
  useEffect(() => {
    if (hasPlan) warmUp(state.settings);
  }, [hasPlan, state.settings, warmUp]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // Ctrl/Cmd+Enter generates from anywhere, and with Shift only the definition at the cursor: caught before Monaco would insert a line.
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        event.stopPropagation();
        pressGenerate(event.shiftKey ? 'at-cursor' : 'primary');
      }
    };
    const onEscape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || document.querySelector('dialog[open]')) return;
      if (generation.status === 'running') generation.cancel();
      // Esc in a text field is the field's (clearing a search, say), not a verdict on the result.
      else if (reviewing && !(event.target as Element | null)?.closest?.('input, textarea, select')) generation.setAside();
    };
    addEventListener('keydown', onKey, true);
    addEventListener('keydown', onEscape);
    return () => {
      removeEventListener('keydown', onKey, true);
      removeEventListener('keydown', onEscape);
    };
  }, [generation, reviewing]);

  const openFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      state.openText(await readSourceFile(file), file.name);
    } catch (error) {
      // The editor keeps what it had: a bad file never replaces the user's code.
      const message = error instanceof InputError ? error.message : `Could not read ${file.name}: ${(error as Error).message}`;
      state.setNotice({ kind: 'error', message: `${message} The editor still holds your previous code.` });
    }
  };

  const onDrop = (event: DragEvent) => {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.stopPropagation();
    // A dropped folder opens read-only: a drop hands over files, not a handle to write through.
    const droppedFolder = filesOfDrop(event.dataTransfer);
    const folderName = event.dataTransfer.files[0]?.name ?? 'folder';
    if (droppedFolder) void droppedFolder.then((files) => folder.open(filesFolder(files), folderName, false));
    else void openFile(event.dataTransfer.files[0]);
  };

  const reveal = (entry: OutlineEntry) => {
    state.setCursor({ line: entry.startLine, column: 1 });
    setRevealRequest((n) => n + 1);
  };

  const modelsArea = useRef<HTMLDivElement>(null);
  const showModels = () => {
    modelsArea.current?.scrollIntoView({ block: 'start' });
    modelsArea.current?.querySelector<HTMLElement>('button, [href]')?.focus();
  };

  const language = analysis.language ?? state.languageOverride;
  const detectedLabel = analysis.language && !state.languageOverride ? ` (${LANGUAGES[analysis.language].label})` : '';

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the whole page takes a dropped file or folder; Open file and Open folder are the keyboard's way to the same.
    <div className="app" onDragOver={(e) => e.dataTransfer.types.includes('Files') && e.preventDefault()} onDropCapture={onDrop}>
      <header className="toolbar">
        <h1>Builder</h1>
        <label className="button">
          Open file
          <input type="file" className="visually-hidden" onChange={(e) => void openFile(e.target.files?.[0]).then(() => (e.target.value = ''))} />
        </label>
        <OpenFolderButton />
        <span className="file-name" title={state.fileName}>
          {state.fileName}
        </span>
        <label>
          Language{' '}
          <select value={state.languageOverride ?? ''} onChange={(e) => state.setLanguageOverride(isLanguageId(e.target.value) ? e.target.value : null)}>
            <option value="">Auto{detectedLabel}</option>
            {LANGUAGE_IDS.map((id) => (
              <option key={id} value={id}>
                {LANGUAGES[id].label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={showModels}>
          Models
        </button>
        <span className="privacy">Runs in your browser: your code stays on this page.</span>
      </header>

      <FirstVisitStrip onShowModels={showModels} onTryExample={openKnownAnswerExample} />

      <div className="notices" role="status" aria-live="polite">
        {state.notice && (
          <p className={`notice notice-${state.notice.kind}`} role={state.notice.kind === 'error' ? 'alert' : undefined}>
            {state.notice.message}
            <button type="button" className="link" aria-label="Dismiss" onClick={() => state.setNotice(null)}>
              ×
            </button>
          </p>
        )}
        {analysis.error && (
          <p className="notice notice-error" role="alert">
            {analysis.error} Your code is kept in the editor.
          </p>
        )}
        {analysis.issues.length > 0 && !analysis.error && (
          <p className="notice notice-warning">
            {analysis.issues.length} syntax error{analysis.issues.length > 1 ? 's' : ''}, first at line {analysis.issues[0]!.line}, column {analysis.issues[0]!.column} ({analysis.issues[0]!.message});
            the outline may miss definitions there.
          </p>
        )}
      </div>

      <main className="workspace">
        {/* First in the tab order (the grid puts it on the right): the prompt and Generate come before the outline and the editor. */}
        <RequestPanel
          targets={folder.repository ? <FolderTargets /> : undefined}
          onGenerateBatch={generateBatch}
          plan={mask.plan}
          maskError={mask.error}
          mode={state.mode}
          prompt={state.prompt}
          onModeChange={state.setMode}
          onPromptChange={state.setPrompt}
          settings={state.settings}
          onSettingsChange={state.setSettings}
          blockedBecause={blockedBecause}
          onGenerate={generate}
          atCursor={atCursorKey && !analysis.error && !modelsBusy ? { name: atCursorKey, generate: generateAtCursor } : null}
        />
        <aside className="panel outline-panel">
          <FolderTree />
          <div className="panel-title">
            <h2>Outline</h2>
            <button type="button" disabled={!atCursor} onClick={() => atCursor && state.setChecked(keys[analysis.outline.indexOf(atCursor)]!, true)}>
              Tick at cursor
            </button>
          </div>
          <OutlinePanel outline={analysis.outline} keys={keys} checked={checked} atCursor={atCursor} onCheck={state.setChecked} onReveal={reveal} />
          <div className="models-area" ref={modelsArea}>
            <ModelManager />
          </div>
        </aside>
        <section className="editor-pane" aria-label="Editor">
          <GenerationMessage announce />
          {!reviewing && earlier.length > 0 && (
            <section className="earlier-results small" aria-label="Earlier results">
              Earlier results for this file:
              {earlier.map(({ file, patch }) => (
                <button key={patch.generationTimestamp + patch.sample.seed} type="button" className="link" onClick={() => generation.reopen(file, patch)}>
                  {new Date(patch.generationTimestamp).toLocaleTimeString()}, seed {patch.sample.seed}, {patch.canApply ? 'can apply' : 'not safe'}
                </button>
              ))}
            </section>
          )}
          <div className={reviewing ? 'editor-stage hidden' : 'editor-stage'}>
            <Suspense fallback={<p className="loading">Loading the editor…</p>}>
              <SourceEditor
                text={state.text}
                fileName={state.fileName}
                monacoLanguage={language ? LANGUAGES[language].monacoId : 'plaintext'}
                maskedRanges={maskedRanges}
                cursor={state.cursor}
                revealRequest={revealRequest}
                onTextChange={state.setText}
                onCursorChange={state.setCursor}
                onRewriteAtCursor={() => pressGenerate('at-cursor')}
              />
            </Suspense>
          </div>
          <GenerationProgress />
          {folder.repository && <FolderResults />}
          {generation.batch.length > 0 && !folder.run && reviewing && <BatchResults patches={generation.batch} shown={generation.patch} onShow={generation.show} />}
          {shown && <CandidateSwitcher candidates={candidates} shown={shown} onPick={(patch) => generation.reopen(state.fileName, patch)} onCompare={setComparing} />}
          {comparedWith && shown && (
            <CandidateComparison other={comparedWith} shown={shown} monacoLanguage={language ? LANGUAGES[language].monacoId : 'plaintext'} onClose={() => setComparing(null)} />
          )}
          {!comparedWith && reviewing && generation.patch && (
            <ResultPanel
              key={`${generation.patch.generationTimestamp} ${generation.patch.filePath} ${generation.patch.sample.seed}`}
              patch={generation.patch}
              runtimeLabel={generation.runtime?.label ?? ''}
              monacoLanguage={(() => {
                // A result for another file of the folder is shown in that file's language.
                const shown = folderActive && generation.patch.filePath !== state.fileName ? languageFromFileName(generation.patch.filePath) : language;
                return shown ? LANGUAGES[shown].monacoId : 'plaintext';
              })()}
              repositoryDiff={folder.run ? { name: folder.name ?? 'folder', diff: folderDiff } : undefined}
              initialDecisions={shownFolderFile ? folder.decisions[shownFolderFile] : undefined}
              onDecisionsChange={shownFolderFile ? (decisions) => folder.decide(shownFolderFile, decisions) : undefined}
              onClose={generation.setAside}
              onApply={async (text) => {
                const { filePath } = generation.patch!;
                if (folderActive && filePath !== state.fileName) await folder.openFile(filePath);
                useAppState.getState().setText(text);
                state.setNotice({ kind: 'info', message: 'Applied to the editor; undo (Ctrl+Z in the editor) brings the original back.' });
                generation.dismiss();
              }}
            />
          )}
        </section>
      </main>
    </div>
  );
}
