import { analyzeSource } from '../syntax/analyzeSource';
import { decodeSource } from '../syntax/decodeSource';
import { type FileSymbols, fileSymbols } from '../syntax/fileSymbols';
import type { LanguageId } from '../syntax/languages';
import type { OutlineEntry } from '../syntax/outline';
import type { SyntaxParser } from '../syntax/syntaxParser';
import { contentHash } from './contentHash';
import type { FolderSource } from './folderSource';
import { byDepth } from './importResolution';
import type { Repository } from './repository';

/** A source file as read and outlined. */
export interface IndexedFile {
  path: string;
  language: LanguageId;
  text: string;
  /** contentHash of the bytes read: what write-back checks the file still holds. */
  hash: string;
  outline: OutlineEntry[];
}

/** A definition of some file, found by its name. */
export interface NamedDefinition {
  file: IndexedFile;
  entry: OutlineEntry;
}

/** A file the index could not take (not UTF-8, binary inside, does not parse), with why. */
export interface UnreadableFile {
  path: string;
  message: string;
}

/**
 * The source files of a scanned folder, read, decoded and outlined on first use and kept; names
 * and imports (fileSymbols) are read from a fresh parse only for the files a search looks into,
 * so a large folder costs its outlines and texts, not every tree.
 */
export class RepositoryIndex {
  private readonly files = new Map<string, Promise<IndexedFile | null>>();
  private readonly symbolCache = new Map<string, Promise<FileSymbols>>();
  private nameMap: Promise<Map<string, NamedDefinition[]>> | null = null;
  readonly unreadable: UnreadableFile[] = [];
  /** Every file's path, for resolving imports (a `.json` or an unknown file can be imported too). */
  readonly paths: ReadonlySet<string>;
  readonly pathsByDepth: readonly string[];

  constructor(
    readonly repository: Repository,
    private readonly folder: FolderSource,
    private readonly parser: SyntaxParser,
  ) {
    this.paths = new Set(repository.files.map((f) => f.path));
    this.pathsByDepth = byDepth(this.paths);
  }

  /** The source files (those in a supported language), in tree order. */
  get sourcePaths(): string[] {
    return this.repository.files.filter((f) => f.language !== null).map((f) => f.path);
  }

  /**
   * Puts a file's text in the index as the caller has it (the editor's, or one read elsewhere)
   * instead of reading it from the folder; `hash` is the hash of what was read from disk.
   */
  provide(path: string, text: string, hash: string): void {
    const language = this.repository.files.find((f) => f.path === path)?.language;
    if (!language) return;
    this.symbolCache.delete(path);
    this.nameMap = null;
    this.files.set(path, this.analyze(path, language, text, hash));
  }

  private async analyze(path: string, language: LanguageId, text: string, hash: string): Promise<IndexedFile | null> {
    try {
      const analyzed = await analyzeSource(this.parser, text, path, language);
      analyzed.parsed.delete();
      return { path, language, text, hash, outline: analyzed.outline };
    } catch (error) {
      this.unreadable.push({ path, message: (error as Error).message });
      return null;
    }
  }

  /** The file read and outlined, or null where it is not a source file or could not be read. */
  file(path: string): Promise<IndexedFile | null> {
    let file = this.files.get(path);
    if (!file) {
      const language = this.repository.files.find((f) => f.path === path)?.language ?? null;
      file = language === null ? Promise.resolve(null) : this.read(path, language);
      this.files.set(path, file);
    }
    return file;
  }

  private async read(path: string, language: LanguageId): Promise<IndexedFile | null> {
    let bytes: Uint8Array;
    let text: string;
    try {
      bytes = await this.folder.read(path);
      text = decodeSource(bytes, path);
    } catch (error) {
      this.unreadable.push({ path, message: (error as Error).message });
      return null;
    }
    return this.analyze(path, language, text, contentHash(bytes));
  }

  /** Every source file read and outlined: what opening a folder costs up front. */
  async indexAll(): Promise<IndexedFile[]> {
    const files: IndexedFile[] = [];
    for (const path of this.sourcePaths) {
      const file = await this.file(path);
      if (file) files.push(file);
    }
    return files;
  }

  /** A file's imports and uses of names, from a parse of its indexed text. */
  symbols(file: IndexedFile): Promise<FileSymbols> {
    let symbols = this.symbolCache.get(file.path);
    if (!symbols) {
      symbols = this.parser.parse(file.text, file.language).then((parsed) => {
        try {
          return fileSymbols(parsed);
        } finally {
          parsed.delete();
        }
      });
      this.symbolCache.set(file.path, symbols);
    }
    return symbols;
  }

  /** The definitions of every source file with this (unqualified) name: how related code is found where imports are not followed. */
  async definitionsNamed(name: string): Promise<NamedDefinition[]> {
    this.nameMap ??= this.indexAll().then((files) => {
      const map = new Map<string, NamedDefinition[]>();
      for (const file of files) {
        for (const entry of file.outline) {
          const list = map.get(entry.name);
          if (list) list.push({ file, entry });
          else map.set(entry.name, [{ file, entry }]);
        }
      }
      return map;
    });
    return (await this.nameMap).get(name) ?? [];
  }
}
