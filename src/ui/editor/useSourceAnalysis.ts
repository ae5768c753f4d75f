import { useEffect, useState } from 'react';
import { analyzeSource } from '../../syntax/analyzeSource';
import type { LanguageId } from '../../syntax/languages';
import type { OutlineEntry } from '../../syntax/outline';
import type { SourceText } from '../../syntax/sourceText';
import type { SyntaxIssue } from '../../syntax/syntaxIssues';
import { browserParser } from './browserParser';

export interface SourceAnalysis {
  language: LanguageId | null;
  outline: OutlineEntry[];
  issues: SyntaxIssue[];
  source: SourceText | null;
  /** Why the text could not be analysed, in words for the user. */
  error: string | null;
  pending: boolean;
}

const EMPTY: SourceAnalysis = { language: null, outline: [], issues: [], source: null, error: null, pending: true };
const TYPING_PAUSE_MS = 120;

/** The outline and syntax errors of the editor's text, recomputed when the user pauses typing. */
export function useSourceAnalysis(text: string, fileName: string, languageOverride: LanguageId | null): SourceAnalysis {
  const [analysis, setAnalysis] = useState<SourceAnalysis>(EMPTY);
  useEffect(() => {
    let current = true;
    setAnalysis((previous) => ({ ...previous, pending: true }));
    const timer = setTimeout(async () => {
      try {
        const analyzed = await analyzeSource(await browserParser(), text, fileName, languageOverride ?? undefined);
        analyzed.parsed.delete();
        if (current) {
          setAnalysis({ language: analyzed.language, outline: analyzed.outline, issues: analyzed.issues, source: analyzed.parsed.source, error: null, pending: false });
        }
      } catch (error) {
        if (current) setAnalysis({ ...EMPTY, error: error instanceof Error ? error.message : String(error), pending: false });
      }
    }, TYPING_PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, fileName, languageOverride]);
  return analysis;
}
