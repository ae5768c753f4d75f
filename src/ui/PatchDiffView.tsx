import { useEffect, useRef } from 'react';
import { monaco } from './monaco';

export interface PatchDiffViewProps {
  original: string;
  generated: string;
  monacoLanguage: string;
  sideBySide: boolean;
}

/** Monaco's diff editor over the original and the generated file, read-only. */
export function PatchDiffView({ original, generated, monacoLanguage, sideBySide }: PatchDiffViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneDiffEditor | null>(null);

  useEffect(() => {
    const dark = matchMedia('(prefers-color-scheme: dark)').matches;
    const created = monaco.editor.createDiffEditor(container.current!, {
      readOnly: true,
      automaticLayout: true,
      minimap: { enabled: false },
      theme: dark ? 'vs-dark' : 'vs',
      fontSize: 13,
      // The Inline toggle decides; Monaco would otherwise switch to inline below 900 px, which the editor pane is at 1280 px.
      useInlineViewWhenSpaceIsLimited: false,
    });
    editor.current = created;
    return () => {
      const model = created.getModel();
      created.dispose();
      model?.original.dispose();
      model?.modified.dispose();
      editor.current = null;
    };
  }, []);

  useEffect(() => {
    const created = editor.current;
    if (!created) return;
    const previous = created.getModel();
    created.setModel({ original: monaco.editor.createModel(original, monacoLanguage), modified: monaco.editor.createModel(generated, monacoLanguage) });
    previous?.original.dispose();
    previous?.modified.dispose();
  }, [original, generated, monacoLanguage]);

  useEffect(() => {
    editor.current?.updateOptions({ renderSideBySide: sideBySide });
  }, [sideBySide]);

  return <div className="diff-view" ref={container} data-testid="diff-view" />;
}
