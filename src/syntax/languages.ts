/** The languages Builder can outline, with what each needs: its grammar and how files are named. */
export interface LanguageInfo {
  /** Shown to people. */
  label: string;
  /** The tree-sitter grammar's WASM file, served from public/wasm. */
  grammarFile: string;
  /** Lower-case file name endings, with the dot. */
  extensions: readonly string[];
  /** The id of Monaco's tokenizer for the language. */
  monacoId: string;
}

export const LANGUAGES = {
  python: { label: 'Python', grammarFile: 'tree-sitter-python.wasm', extensions: ['.py', '.pyi', '.pyw'], monacoId: 'python' },
  typescript: { label: 'TypeScript', grammarFile: 'tree-sitter-typescript.wasm', extensions: ['.ts', '.mts', '.cts'], monacoId: 'typescript' },
  tsx: { label: 'TSX', grammarFile: 'tree-sitter-tsx.wasm', extensions: ['.tsx'], monacoId: 'typescript' },
  javascript: { label: 'JavaScript', grammarFile: 'tree-sitter-javascript.wasm', extensions: ['.js', '.mjs', '.cjs', '.jsx'], monacoId: 'javascript' },
  rust: { label: 'Rust', grammarFile: 'tree-sitter-rust.wasm', extensions: ['.rs'], monacoId: 'rust' },
  go: { label: 'Go', grammarFile: 'tree-sitter-go.wasm', extensions: ['.go'], monacoId: 'go' },
  java: { label: 'Java', grammarFile: 'tree-sitter-java.wasm', extensions: ['.java'], monacoId: 'java' },
  c: { label: 'C', grammarFile: 'tree-sitter-c.wasm', extensions: ['.c', '.h'], monacoId: 'c' },
  cpp: { label: 'C++', grammarFile: 'tree-sitter-cpp.wasm', extensions: ['.cc', '.cpp', '.cxx', '.c++', '.hpp', '.hh', '.hxx', '.h++', '.ipp'], monacoId: 'cpp' },
  csharp: { label: 'C#', grammarFile: 'tree-sitter-c-sharp.wasm', extensions: ['.cs'], monacoId: 'csharp' },
  ruby: { label: 'Ruby', grammarFile: 'tree-sitter-ruby.wasm', extensions: ['.rb', '.rake', '.gemspec'], monacoId: 'ruby' },
  php: { label: 'PHP', grammarFile: 'tree-sitter-php.wasm', extensions: ['.php', '.phtml'], monacoId: 'php' },
  bash: { label: 'Bash', grammarFile: 'tree-sitter-bash.wasm', extensions: ['.sh', '.bash', '.zsh'], monacoId: 'shell' },
} as const satisfies Record<string, LanguageInfo>;

export type LanguageId = keyof typeof LANGUAGES;

export const LANGUAGE_IDS = Object.keys(LANGUAGES) as LanguageId[];

export function isLanguageId(value: string): value is LanguageId {
  return Object.hasOwn(LANGUAGES, value);
}
