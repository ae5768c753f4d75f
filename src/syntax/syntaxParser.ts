import { Language, Parser, type Tree } from 'web-tree-sitter';
import { LANGUAGES, type LanguageId } from './languages';
import { SourceText } from './sourceText';

/**
 * Where WASM files are found: a file-system path in Node, a URL in the browser or a worker. Given a
 * file name such as `tree-sitter-python.wasm`, returns its location.
 */
export type WasmLocator = (fileName: string) => string;

/** A parsed file. Its tree lives in WASM memory: call `delete()` when done with it. */
export class ParsedSource {
  readonly source: SourceText;

  constructor(
    text: string,
    readonly language: LanguageId,
    readonly tree: Tree,
  ) {
    this.source = new SourceText(text);
  }

  get text(): string {
    return this.source.text;
  }

  delete(): void {
    this.tree.delete();
  }
}

/**
 * The one place that touches web-tree-sitter's WASM: initialises it once, loads each grammar the
 * first time it is needed, and parses.
 */
export class SyntaxParser {
  private readonly parser = new Parser();
  private readonly grammars = new Map<LanguageId, Promise<Language>>();

  private constructor(private readonly locate: WasmLocator) {}

  static async create(locate: WasmLocator): Promise<SyntaxParser> {
    await Parser.init({ locateFile: (name: string) => locate(name) });
    return new SyntaxParser(locate);
  }

  private grammar(language: LanguageId): Promise<Language> {
    let grammar = this.grammars.get(language);
    if (!grammar) {
      grammar = Language.load(this.locate(LANGUAGES[language].grammarFile));
      grammar.catch(() => this.grammars.delete(language));
      this.grammars.set(language, grammar);
    }
    return grammar;
  }

  async parse(text: string, language: LanguageId): Promise<ParsedSource> {
    this.parser.setLanguage(await this.grammar(language));
    const tree = this.parser.parse(text);
    if (!tree) throw new Error(`tree-sitter returned no tree for a ${LANGUAGES[language].label} file`);
    return new ParsedSource(text, language, tree);
  }
}
