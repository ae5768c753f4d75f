import { UnsupportedLanguageError } from '../errors/inputErrors';
import { isLanguageId, LANGUAGE_IDS, LANGUAGES, type LanguageId } from './languages';

const interpreters: Record<string, LanguageId> = {
  python: 'python',
  python3: 'python',
  bash: 'bash',
  sh: 'bash',
  zsh: 'bash',
  node: 'javascript',
  deno: 'typescript',
  'ts-node': 'typescript',
  ruby: 'ruby',
  php: 'php',
};

/** Telltale lines of each language; a file scores one point per pattern it shows. */
const signals: Record<LanguageId, RegExp[]> = {
  python: [/^\s*(async\s+)?def \w+\(.*\)\s*(->.*)?:\s*$/m, /^\s*class \w+(\(.*\))?:\s*$/m, /^(from [\w.]+ )?import [\w.]+/m, /\bself\./, /^if __name__ == /m, /^\s*@\w+/m],
  typescript: [
    /\binterface \w+\s*(<.*>)?\s*\{/,
    /:\s*(string|number|boolean|void|unknown|any)\b/,
    /\bimport .* from ['"]/,
    /\btype \w+\s*=/,
    /\bexport (const|function|class|default)\b/,
    /\b(private|readonly|public) \w+:/,
  ],
  tsx: [/\bimport .* from ['"]react['"]/, /return \(\s*</, /<\/\w+>/, /:\s*(string|number|boolean|React\.\w+)\b/, /\binterface \w+Props\b/],
  javascript: [/\bfunction\b/, /\bconst \w+ = /, /=>/, /\brequire\(['"]/, /module\.exports/, /\bconsole\.log\(/],
  rust: [/\bfn \w+\s*(<[^>]*>)?\(/, /\blet mut\b/, /^\s*impl\b/m, /^\s*use \w+(::\w+)+/m, /\bpub (fn|struct|enum|mod)\b/, /#\[derive\(/],
  go: [/^package \w+\s*$/m, /^func /m, /:= /, /^import \($/m, /\bfmt\.\w+\(/],
  java: [/^package [\w.]+;/m, /^import (static )?[\w.]+(\.\*)?;/m, /\bpublic (final |abstract )?class\b/, /\bSystem\.out\./, /@Override/],
  c: [/#include\s*[<"][\w/]+\.h[>"]/, /\b(int|void|char|static)\s+\*?\w+\s*\([^)]*\)\s*\{?\s*$/m, /\bmalloc\(/, /\btypedef struct\b/, /->\w+/],
  cpp: [/#include\s*<(iostream|vector|string|memory|map|algorithm)>/, /\bstd::/, /\btemplate\s*</, /^namespace \w+\s*\{/m, /\bclass \w+\s*(final\s*)?(:|\{)/, /\w+::\w+\(/],
  csharp: [/^using System/m, /^namespace [\w.]+/m, /\{\s*get;/, /\bpublic (sealed |static |partial )*class\b/, /\bvar \w+ = new\b/],
  ruby: [/^\s*def (self\.)?\w+[?!]?(\(.*\))?\s*$/m, /^\s*end\s*$/m, /^require(_relative)? ['"]/m, /\bdo \|\w+/, /^\s*module \w+/m, /\battr_(reader|accessor)\b/],
  php: [/\$this->/, /^\s*(public |private |protected )?(static )?function \w+\(/m, /\$\w+\s*=/, /^namespace [\w\\]+;/m, /\buse [\w\\]+;/],
  bash: [/^\s*(function\s+)?\w+\s*\(\)\s*\{/m, /^\s*(if|elif) \[\[? .*\]\]?; then/m, /^\s*(fi|done|esac)\s*$/m, /\becho\b/, /\$\{\w+/, /^\s*local \w+/m],
};

export function languageFromFileName(fileName: string): LanguageId | null {
  const lower = fileName.toLowerCase();
  const dot = lower.lastIndexOf('.');
  if (dot === -1) return null;
  const extension = lower.slice(dot);
  return LANGUAGE_IDS.find((id) => (LANGUAGES[id].extensions as readonly string[]).includes(extension)) ?? null;
}

export function languageFromContent(text: string): LanguageId | null {
  const head = text.slice(0, 20_000);
  const shebang = /^#!\s*(?:\/usr\/bin\/env\s+(?:-S\s+)?)?(?:\S*\/)?([\w.-]+)/.exec(head);
  if (shebang) {
    const interpreter = shebang[1]!.replace(/[\d.]+$/, '');
    const fromShebang = interpreters[shebang[1]!] ?? interpreters[interpreter];
    if (fromShebang) return fromShebang;
  }
  if (/^\s*<\?php/.test(head)) return 'php';
  let best: LanguageId | null = null;
  let bestScore = 1;
  for (const id of LANGUAGE_IDS) {
    const score = signals[id].filter((pattern) => pattern.test(head)).length;
    if (score > bestScore) {
      best = id;
      bestScore = score;
    }
  }
  // C++ reads as C too; a tie goes to C++, whose grammar also parses plain C.
  if (best === 'c' && signals.cpp.filter((p) => p.test(head)).length >= bestScore) return 'cpp';
  // TypeScript and TSX share their signals; JSX markup decides.
  if (best === 'typescript' && signals.tsx.filter((p) => p.test(head)).length >= 2) return 'tsx';
  return best;
}

/**
 * The language of a file: the override when given, else the file name's extension (a `.h` that
 * reads as C++ is C++), else its content.
 */
export function detectLanguage(fileName: string, text: string, override?: string): LanguageId {
  const supported = LANGUAGE_IDS.join(', ');
  if (override) {
    if (isLanguageId(override)) return override;
    throw new UnsupportedLanguageError(`Unsupported language "${override}"; choose one of: ${supported}.`);
  }
  const byName = languageFromFileName(fileName);
  if (byName === 'c' && fileName.toLowerCase().endsWith('.h') && languageFromContent(text) === 'cpp') return 'cpp';
  const detected = byName ?? languageFromContent(text);
  if (!detected) {
    throw new UnsupportedLanguageError(`Cannot tell the language of ${fileName}; choose one of: ${supported}.`);
  }
  return detected;
}
