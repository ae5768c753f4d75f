import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors/inputErrors';
import { type AnalyzedSource, analyzeSource } from '../syntax/analyzeSource';
import { decodeSource } from '../syntax/decodeSource';
import { SyntaxParser } from '../syntax/syntaxParser';
import { nodeWasmLocator } from './wasmFiles';

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`No such file: ${path}`);
    if (code === 'EISDIR') throw new InputError(`${path} is a folder, not a file.`);
    if (code === 'EACCES') throw new InputError(`Cannot read ${path}: permission denied.`);
    throw error;
  }
}

/** Reads, decodes, parses and outlines a file given on the command line. */
export async function analyzeFile(path: string, language?: string): Promise<AnalyzedSource> {
  const text = decodeSource(readBytes(path), basename(path));
  const parser = await SyntaxParser.create(nodeWasmLocator);
  return analyzeSource(parser, text, basename(path), language);
}

/** The folder of the git work tree that holds `folder` (where `.git` is, a folder or a worktree's file), or null. */
function workTreeOf(folder: string): string | null {
  for (let at = folder; ; at = dirname(at)) {
    if (existsSync(resolve(at, '.git'))) return at;
    if (dirname(at) === at) return null;
  }
}

/** `path` below `root` with forward slashes, or null when it is not below it. */
function below(root: string, path: string): string | null {
  const inside = relative(root, path);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return null;
  return inside.split(sep).join('/');
}

/**
 * The path a patch names the file by, so that it applies where the user is: relative to the
 * file's git work tree, as `git diff` writes it (git apply resolves it from the top of the tree,
 * wherever in it the user stands); outside a repository, relative to the current folder when the
 * file is inside it; else the file's own name. Never with `..`, which git apply refuses.
 */
export function patchPath(file: string, cwd = process.cwd()): string {
  const absolute = resolve(cwd, file);
  // Symbolic links resolved, as git sees the tree (a checkout under /tmp is often /private/tmp).
  const real = existsSync(absolute) ? realpathSync(absolute) : absolute;
  const tree = workTreeOf(dirname(real));
  const inTree = tree === null ? null : below(tree, real);
  if (inTree !== null) return inTree;
  const inCwd = below(existsSync(cwd) ? realpathSync(cwd) : cwd, real);
  return inCwd ?? basename(real);
}
