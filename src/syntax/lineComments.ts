import type { LanguageId } from './languages';

/** What starts a comment that runs to the end of the line, per language. */
export const LINE_COMMENT: Readonly<Record<LanguageId, string>> = {
  python: '#',
  typescript: '//',
  tsx: '//',
  javascript: '//',
  rust: '//',
  go: '//',
  java: '//',
  c: '//',
  cpp: '//',
  csharp: '//',
  ruby: '#',
  php: '//',
  bash: '#',
};

/** Text as comment lines of the language, each indented by `indent`, ending in "\n". */
export function commentLines(language: LanguageId, text: string, indent = ''): string {
  const prefix = LINE_COMMENT[language];
  return text
    .split(/\r?\n/)
    .map((line) => (line.trim() === '' ? `${indent}${prefix}\n` : `${indent}${prefix} ${line.trimEnd()}\n`))
    .join('');
}

/** The line that stands for lines of the file the model was not shown. */
export function omissionMarker(language: LanguageId, lines: number, indent: string): string {
  return commentLines(language, `… ${lines} line${lines === 1 ? '' : 's'} …`, indent);
}
