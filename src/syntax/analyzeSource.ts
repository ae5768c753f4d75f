import { SourceSyntaxError } from '../errors/inputErrors';
import { checkSourceText } from './decodeSource';
import { detectLanguage } from './detectLanguage';
import { LANGUAGES, type LanguageId } from './languages';
import { type OutlineEntry, outline } from './outline';
import { type SyntaxIssue, syntaxIssues } from './syntaxIssues';
import type { ParsedSource, SyntaxParser } from './syntaxParser';

/** Beyond this share of the file in syntax errors, the code is taken not to be in the language at all. */
const MAX_ERROR_SHARE = 0.25;

export interface AnalyzedSource {
  parsed: ParsedSource;
  language: LanguageId;
  outline: OutlineEntry[];
  /** Syntax errors the file already has; a few are normal (macros, newer syntax than the grammar). */
  issues: SyntaxIssue[];
}

function errorShare(issues: readonly SyntaxIssue[], length: number): number {
  let covered = 0;
  let reached = 0;
  for (const { range } of issues) {
    const start = Math.max(range.start, reached);
    if (range.end > start) covered += range.end - start;
    reached = Math.max(reached, range.end);
  }
  return covered / Math.max(length, 1);
}

/**
 * Everything targeting needs from a text: its language, tree, outline and syntax errors. Refuses,
 * with a message that says why, a text that is empty, too large, binary, in no supported language,
 * or that does not parse in its language. The caller deletes `parsed` when done.
 */
export async function analyzeSource(parser: SyntaxParser, text: string, fileName: string, languageOverride?: string): Promise<AnalyzedSource> {
  checkSourceText(text, fileName);
  const language = detectLanguage(fileName, text, languageOverride);
  const parsed = await parser.parse(text, language);
  const issues = syntaxIssues(parsed);
  const share = errorShare(issues, text.length);
  if (parsed.tree.rootNode.isError || share > MAX_ERROR_SHARE) {
    parsed.delete();
    const first = issues[0];
    const where = first ? ` (first at ${first.line}:${first.column}: ${first.message})` : '';
    throw new SourceSyntaxError(`${fileName} does not parse as ${LANGUAGES[language].label}: ${Math.round(share * 100)}% of it is syntax errors${where}. Is the language right?`);
  }
  return { parsed, language, outline: outline(parsed), issues };
}
