import { useEffect, useRef } from 'react';
import { monaco } from '../editor/monaco';
import type { HunkDecision, ReviewHunk } from './reviewHunks';

export interface PatchDiffViewProps {
  original: string;
  generated: string;
  monacoLanguage: string;
  sideBySide: boolean;
  hunks: readonly ReviewHunk[];
  decisions: readonly HunkDecision[];
  /** The hunk under review: marked in the margin. */
  current: number;
  /** A line of the generated file to bring into view; `request` bumps to bring it again. */
  reveal: { line: number; request: number };
  /** Alt+F5 and Shift+Alt+F5 in the diff, as in VS Code: the next or the previous change. */
  onNavigate(step: 1 | -1): void;
}

/** Lines [start, start + count) as a Monaco range; a hunk of no lines on this side marks the line it sits at. */
const linesRange = (start: number, count: number) => new monaco.Range(Math.max(1, start), 1, Math.max(1, start + Math.max(count, 1) - 1), Number.MAX_SAFE_INTEGER);

function showLine(diffEditor: monaco.editor.IStandaloneDiffEditor, line: number): void {
  const modified = diffEditor.getModifiedEditor();
  modified.revealLineNearTop(Math.max(1, line));
  modified.setPosition({ lineNumber: Math.max(1, line), column: 1 });
}

/**
 * Monaco's diff editor over the original and the generated file, read-only, with the hunks the
 * user rejected struck through on the generated side and the one under review marked. F7 and
 * Shift+F7 are Monaco's own accessible diff viewer.
 */
export function PatchDiffView({ original, generated, monacoLanguage, sideBySide, hunks, decisions, current, reveal, onNavigate }: PatchDiffViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneDiffEditor | null>(null);
  const decorations = useRef<{ original: monaco.editor.IEditorDecorationsCollection; modified: monaco.editor.IEditorDecorationsCollection } | null>(null);
  const navigate = useRef(onNavigate);
  navigate.current = onNavigate;
  const revealedLine = useRef(reveal.line);
  revealedLine.current = reveal.line;

  useEffect(() => {
    const dark = matchMedia('(prefers-color-scheme: dark)').matches;
    const created = monaco.editor.createDiffEditor(container.current!, {
      readOnly: true,
      automaticLayout: true,
      minimap: { enabled: false },
      theme: dark ? 'vs-dark' : 'vs',
      fontSize: 13,
      // Tab moves on to the next control, as in the source editor: a read-only view has nothing to indent.
      tabFocusMode: true,
      // The Inline toggle decides; Monaco would otherwise switch to inline below 900 px, which the editor pane is at 1280 px.
      useInlineViewWhenSpaceIsLimited: false,
    });
    for (const side of [created.getOriginalEditor(), created.getModifiedEditor()]) {
      side.addCommand(monaco.KeyMod.Alt | monaco.KeyCode.F5, () => navigate.current(1));
      side.addCommand(monaco.KeyMod.Alt | monaco.KeyMod.Shift | monaco.KeyCode.F5, () => navigate.current(-1));
    }
    decorations.current = { original: created.getOriginalEditor().createDecorationsCollection(), modified: created.getModifiedEditor().createDecorationsCollection() };
    editor.current = created;
    return () => {
      const model = created.getModel();
      created.dispose();
      model?.original.dispose();
      model?.modified.dispose();
      editor.current = null;
      decorations.current = null;
    };
  }, []);

  useEffect(() => {
    const created = editor.current;
    if (!created) return;
    const previous = created.getModel();
    created.setModel({ original: monaco.editor.createModel(original, monacoLanguage), modified: monaco.editor.createModel(generated, monacoLanguage) });
    previous?.original.dispose();
    previous?.modified.dispose();
    // The diff is computed after the models go in, and aligning the two sides moves the view: the change under review is shown again then.
    const computed = created.onDidUpdateDiff(() => {
      computed.dispose();
      showLine(created, revealedLine.current);
    });
    return () => computed.dispose();
  }, [original, generated, monacoLanguage]);

  useEffect(() => {
    editor.current?.updateOptions({ renderSideBySide: sideBySide });
  }, [sideBySide]);

  useEffect(() => {
    if (!decorations.current) return;
    const marks = (side: 'original' | 'modified') =>
      hunks.flatMap((hunk, i) => {
        const range = side === 'original' ? linesRange(hunk.originalStart, hunk.originalLines) : linesRange(hunk.generatedStart, hunk.generatedLines);
        const rejected = decisions[i] === 'rejected';
        const className = rejected ? (side === 'modified' ? 'hunk-rejected' : 'hunk-kept') : undefined;
        const inlineClassName = rejected && side === 'modified' && hunk.generatedLines > 0 ? 'hunk-rejected-text' : undefined;
        return [{ range, options: { isWholeLine: true, className, inlineClassName, linesDecorationsClassName: i === current ? 'hunk-current' : undefined } }];
      });
    decorations.current.original.set(marks('original'));
    decorations.current.modified.set(marks('modified'));
  }, [hunks, decisions, current]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new request scrolls; the line alone may repeat.
  useEffect(() => {
    if (editor.current) showLine(editor.current, reveal.line);
  }, [reveal.request]);

  return <div className="diff-view" ref={container} data-testid="diff-view" />;
}
