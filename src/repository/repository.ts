import { MAX_SOURCE_BYTES } from '../syntax/decodeSource';
import { languageFromFileName } from '../syntax/detectLanguage';
import type { LanguageId } from '../syntax/languages';
import { type FolderSource, joinFolderPath } from './folderSource';
import { IgnoreRules } from './ignoreRules';

/** A file of the opened folder that Builder shows in its tree. */
export interface RepositoryFile {
  path: string;
  size: number;
  /** From the file name; null for text files in no supported language (shown, not outlined). */
  language: LanguageId | null;
}

export type SkipReason = 'ignored' | 'vendored' | 'binary' | 'huge';

/** What was left out, and why, so the tree can say so instead of silently missing files. */
export interface SkippedPath {
  path: string;
  reason: SkipReason;
  isDirectory: boolean;
}

export interface Repository {
  /** The folder's files in tree order (folders before files, by name), skipped ones left out. */
  files: RepositoryFile[];
  skipped: SkippedPath[];
  /** Set when the scan stopped at MAX_REPOSITORY_FILES. */
  truncated: boolean;
}

/**
 * Folders of other people's code or of tools, never the project's own: dependencies, virtual
 * environments, caches and version-control data. Skipped even where no `.gitignore` says so.
 */
export const VENDORED_FOLDERS: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'bower_components',
  'jspm_packages',
  'vendor',
  'third_party',
  'third-party',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  'site-packages',
  '.eggs',
  'Pods',
  '.gradle',
  '.idea',
  '.vscode',
]);

/** Minified and bundled files are generated from other code: editing them makes no sense. */
const GENERATED_FILE = /\.min\.(js|css|mjs)$|\.bundle\.js$|\.map$/i;

/** Endings of files that are not text; the rest are checked for NUL bytes when read. */
const BINARY_EXTENSIONS: ReadonlySet<string> = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'bmp',
  'ico',
  'icns',
  'webp',
  'avif',
  'tif',
  'tiff',
  'psd',
  'pdf',
  'zip',
  'gz',
  'tgz',
  'bz2',
  'xz',
  'zst',
  '7z',
  'rar',
  'tar',
  'jar',
  'war',
  'class',
  'pyc',
  'pyo',
  'so',
  'dylib',
  'dll',
  'exe',
  'o',
  'a',
  'lib',
  'obj',
  'wasm',
  'onnx',
  'onnx_data',
  'safetensors',
  'bin',
  'pt',
  'pth',
  'ckpt',
  'npy',
  'npz',
  'pkl',
  'woff',
  'woff2',
  'ttf',
  'otf',
  'eot',
  'mp3',
  'mp4',
  'm4a',
  'wav',
  'ogg',
  'flac',
  'webm',
  'mov',
  'avi',
  'mkv',
  'sqlite',
  'db',
  'dat',
  'lockb',
]);

/** Beyond this many files the scan stops: the tree and the index would swamp a tab. */
export const MAX_REPOSITORY_FILES = 20_000;

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
};

function skipReason(name: string, size: number): SkipReason | null {
  if (BINARY_EXTENSIONS.has(extensionOf(name))) return 'binary';
  if (GENERATED_FILE.test(name)) return 'vendored';
  if (size > MAX_SOURCE_BYTES) return 'huge';
  return null;
}

const treeOrder = (a: { name: string; kind: string }, b: { name: string; kind: string }) => (a.kind === b.kind ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.kind === 'directory' ? -1 : 1);

/**
 * Walks an opened folder into the files Builder shows: `.gitignore` files honoured at every level
 * (an ignored folder is never listed, so a large ignored build folder costs nothing), vendored
 * folders, binaries, generated bundles and files too large to edit left out and recorded as skipped.
 */
export async function scanRepository(folder: FolderSource): Promise<Repository> {
  const files: RepositoryFile[] = [];
  const skipped: SkippedPath[] = [];
  let truncated = false;
  const walk = async (directory: string, inherited: IgnoreRules): Promise<void> => {
    const entries = (await folder.list(directory)).sort(treeOrder);
    let rules = inherited;
    if (entries.some((e) => e.kind === 'file' && e.name === '.gitignore')) {
      rules = rules.with(directory, new TextDecoder().decode(await folder.read(joinFolderPath(directory, '.gitignore'))));
    }
    for (const entry of entries) {
      if (truncated) return;
      const path = joinFolderPath(directory, entry.name);
      const isDirectory = entry.kind === 'directory';
      if (isDirectory && VENDORED_FOLDERS.has(entry.name)) {
        skipped.push({ path, reason: 'vendored', isDirectory });
      } else if (rules.ignores(path, isDirectory)) {
        skipped.push({ path, reason: 'ignored', isDirectory });
      } else if (isDirectory) {
        await walk(path, rules);
      } else {
        const reason = skipReason(entry.name, entry.size);
        if (reason) skipped.push({ path, reason, isDirectory });
        else if (files.length >= MAX_REPOSITORY_FILES) truncated = true;
        else files.push({ path, size: entry.size, language: languageFromFileName(entry.name) });
      }
    }
  };
  await walk('', IgnoreRules.none());
  return { files, skipped, truncated };
}

const REASON_WORDS: Record<SkipReason, string> = {
  ignored: 'ignored by .gitignore',
  vendored: 'vendored or generated',
  binary: 'binary',
  huge: `over ${MAX_SOURCE_BYTES / (1024 * 1024)} MB`,
};

/** The note beside the tree: what was left out, counted by reason, with a few names. */
export function skippedNote(repository: Repository): string | null {
  const parts: string[] = [];
  for (const reason of Object.keys(REASON_WORDS) as SkipReason[]) {
    const paths = repository.skipped.filter((s) => s.reason === reason);
    if (paths.length === 0) continue;
    const names = paths.slice(0, 3).map((s) => (s.isDirectory ? `${s.path}/` : s.path));
    parts.push(`${paths.length} ${REASON_WORDS[reason]} (${names.join(', ')}${paths.length > 3 ? ', …' : ''})`);
  }
  if (repository.truncated) parts.push(`the rest past ${MAX_REPOSITORY_FILES} files`);
  return parts.length > 0 ? `Skipped: ${parts.join('; ')}.` : null;
}
