import type { LanguageId } from '../syntax/languages';
import { parentFolder } from './folderSource';

/** Languages whose imports Builder follows to files; elsewhere related code is found by name. */
export const RESOLVED_LANGUAGES: ReadonlySet<LanguageId> = new Set(['python', 'typescript', 'tsx', 'javascript']);

/** What a relative import may name: the path itself, with an extension, or a folder's index. */
const SCRIPT_SUFFIXES = ['', '.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts', '/index.ts', '/index.tsx', '/index.js', '/index.jsx', '/index.mjs'];
/** TypeScript's ESM convention: `./io.js` in the source names `./io.ts`. */
const COMPILED_TO_SOURCE: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/** `a/b/../c/./d` as `a/c/d`; null where it climbs out of the folder. */
function normalize(path: string): string | null {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(segment);
  }
  return out.join('/');
}

function resolveScript(fromPath: string, specifier: string, files: ReadonlySet<string>): string | null {
  // Bare specifiers are packages (node_modules), not files of the folder.
  if (!specifier.startsWith('.')) return null;
  const base = normalize(`${parentFolder(fromPath)}/${specifier}`);
  if (base === null) return null;
  for (const suffix of SCRIPT_SUFFIXES) if (files.has(base + suffix)) return base + suffix;
  for (const [compiled, sources] of Object.entries(COMPILED_TO_SOURCE)) {
    if (!base.endsWith(compiled)) continue;
    for (const source of sources) if (files.has(base.slice(0, -compiled.length) + source)) return base.slice(0, -compiled.length) + source;
  }
  return null;
}

function resolvePython(fromPath: string, specifier: string, files: ReadonlySet<string>, sortedFiles: readonly string[]): string | null {
  const dots = /^\.*/.exec(specifier)![0].length;
  const modulePath = specifier.slice(dots).split('.').filter(Boolean).join('/');
  const candidates = (base: string) => (base === '' ? [`${base}__init__.py`] : [`${base}.py`, `${base}.pyi`, `${base}/__init__.py`]);
  if (dots > 0) {
    let folder = parentFolder(fromPath);
    for (let up = 1; up < dots; up++) {
      if (folder === '') return null;
      folder = parentFolder(folder);
    }
    const base = [folder, modulePath].filter(Boolean).join('/');
    const found = (base === '' ? ['__init__.py'] : modulePath === '' ? [`${base}/__init__.py`] : candidates(base)).find((c) => files.has(c));
    return found ?? null;
  }
  // An absolute import names a package found from some source root (the folder, src/, ...): the
  // shallowest file whose path ends with the module's.
  for (const candidate of candidates(modulePath)) {
    const found = sortedFiles.find((path) => path === candidate || path.endsWith(`/${candidate}`));
    if (found) return found;
  }
  return null;
}

/**
 * The file of the folder that an import names, or null (a package from outside the folder, a
 * built-in module, or a language Builder does not resolve). `sortedFiles` is `files` from
 * shallowest to deepest, so absolute Python imports prefer the nearest source root.
 */
export function resolveImport(language: LanguageId, fromPath: string, specifier: string, files: ReadonlySet<string>, sortedFiles: readonly string[]): string | null {
  if (language === 'python') return resolvePython(fromPath, specifier, files, sortedFiles);
  if (language === 'typescript' || language === 'tsx' || language === 'javascript') return resolveScript(fromPath, specifier, files);
  return null;
}

/** Paths from shallowest to deepest, then by name: the order resolveImport expects. */
export const byDepth = (paths: Iterable<string>): string[] => [...paths].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : a > b ? 1 : 0));
