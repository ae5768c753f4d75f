import { useEffect, useRef, useState } from 'react';
import type { TextRange } from '../../syntax/outline';
import type { LineColumn } from '../../syntax/sourceText';
import { monaco } from './monaco';

export interface SourceEditorProps {
  text: string;
  /** The open file: another file starts a new undo history, so undo never brings one file's text back under another's name. */
  fileName: string;
  monacoLanguage: string;
  /** Spans that will be masked, highlighted. */
  maskedRanges: readonly TextRange[];
  cursor: LineColumn;
  /** Bumped to move the editor's cursor to `cursor` and show it. */
  revealRequest: number;
  onTextChange(text: string): void;
  onCursorChange(cursor: LineColumn): void;
  /** The editor's "Rewrite this definition only" (context menu, Ctrl+Shift+Enter). */
  onRewriteAtCursor(): void;
}

const darkScheme = () => matchMedia('(prefers-color-scheme: dark)');
const toPosition = ({ line, column }: LineColumn) => ({ lineNumber: line, column });

export function SourceEditor({ text, fileName, monacoLanguage, maskedRanges, cursor, revealRequest, onTextChange, onCursorChange, onRewriteAtCursor }: SourceEditorProps) {
  const container = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const decorations = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  const callbacks = useRef({ onTextChange, onCursorChange, onRewriteAtCursor });
  /** True while a new file's text goes in: the editor's copy is not written back over it. */
  const openingFile = useRef(false);
  const shownFile = useRef(fileName);
  callbacks.current = { onTextChange, onCursorChange, onRewriteAtCursor };
  // Tab leaves the editor by default, so the keyboard is never trapped in it; Ctrl+M makes Tab indent.
  const [tabMovesFocus, setTabMovesFocus] = useState(true);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is created once; later text, language and cursor changes reach it through the effects below.
  useEffect(() => {
    const scheme = darkScheme();
    const created = monaco.editor.create(container.current!, {
      value: text,
      language: monacoLanguage,
      automaticLayout: true,
      ariaLabel: 'Source code',
      minimap: { enabled: false },
      fontSize: 13,
      scrollBeyondLastLine: false,
      theme: scheme.matches ? 'vs-dark' : 'vs',
      tabFocusMode: true,
    });
    created.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyM, () => {
      const next = !created.getOption(monaco.editor.EditorOption.tabFocusMode);
      created.updateOptions({ tabFocusMode: next });
      setTabMovesFocus(next);
    });
    created.addAction({
      id: 'builder.regenerate-at-cursor',
      label: 'Rewrite this definition only',
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.Enter],
      contextMenuGroupId: 'navigation',
      contextMenuOrder: 0,
      run: () => callbacks.current.onRewriteAtCursor(),
    });
    created.setPosition(toPosition(cursor));
    created.revealPositionInCenterIfOutsideViewport(toPosition(cursor));
    const followScheme = () => monaco.editor.setTheme(scheme.matches ? 'vs-dark' : 'vs');
    scheme.addEventListener('change', followScheme);
    const contentListener = created.onDidChangeModelContent(() => {
      if (!openingFile.current) callbacks.current.onTextChange(created.getValue());
    });
    const cursorListener = created.onDidChangeCursorPosition(({ position }) => callbacks.current.onCursorChange({ line: position.lineNumber, column: position.column }));
    editor.current = created;
    // Read by bench/first-paint.ts: when the user first sees an editor.
    requestAnimationFrame(() => performance.mark('builder:editor-drawn'));
    decorations.current = created.createDecorationsCollection();
    return () => {
      scheme.removeEventListener('change', followScheme);
      contentListener.dispose();
      cursorListener.dispose();
      created.getModel()?.dispose();
      created.dispose();
      editor.current = null;
    };
    // The editor is created once; later props are applied by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const model = editor.current?.getModel();
    // New text for the same file (a result applied) is one undoable edit, so Ctrl+Z brings the old text back.
    if (model && model.getValue() !== text) {
      const newFile = shownFile.current !== fileName;
      // Monaco holds one line ending per model: it takes the file's most common one, so a CRLF
      // file stays CRLF. A file that mixes them is shown with that one, but the app keeps and
      // generates from the file exactly as it is until the user types in it.
      const crlf = text.split('\r\n').length - 1;
      openingFile.current = true;
      try {
        model.pushEOL(crlf > (text.split('\n').length - 1) / 2 ? monaco.editor.EndOfLineSequence.CRLF : monaco.editor.EndOfLineSequence.LF);
        if (newFile) model.setValue(text);
        else editor.current!.executeEdits('open-file', [{ range: model.getFullModelRange(), text }]);
      } finally {
        openingFile.current = false;
      }
      editor.current!.pushUndoStop();
    }
    shownFile.current = fileName;
  }, [text, fileName]);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (model) monaco.editor.setModelLanguage(model, monacoLanguage);
  }, [monacoLanguage]);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model || !decorations.current) return;
    decorations.current.set(
      maskedRanges.map(({ start, end }) => {
        const from = model.getPositionAt(start);
        const to = model.getPositionAt(end);
        return {
          range: new monaco.Range(from.lineNumber, from.column, to.lineNumber, to.column),
          options: { className: 'masked-span', inlineClassName: 'masked-text', isWholeLine: false, overviewRuler: { color: '#d9822b', position: monaco.editor.OverviewRulerLane.Left } },
        };
      }),
    );
  }, [maskedRanges]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only an explicit reveal request moves the cursor, not the cursor prop following the user's own moves.
  useEffect(() => {
    if (revealRequest === 0 || !editor.current) return;
    editor.current.setPosition(toPosition(cursor));
    editor.current.revealPositionInCenter(toPosition(cursor));
    editor.current.focus();
    // Only an explicit request moves the cursor; the cursor prop also follows the user's own moves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [revealRequest]);

  return (
    <>
      <div className="source-editor" ref={container} data-testid="source-editor" />
      <p className="editor-hint small muted" aria-live="polite">
        {tabMovesFocus ? 'Tab moves to the next control; Ctrl+M makes Tab indent.' : 'Tab indents; Ctrl+M makes Tab move to the next control.'} Ctrl+Enter generates; Ctrl+Shift+Enter rewrites the
        definition at the cursor only.
      </p>
    </>
  );
}
