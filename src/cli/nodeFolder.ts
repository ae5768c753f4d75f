import { readdirSync, readFileSync, realpathSync, type Stats, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InputError } from '../errors/inputErrors';
import { type FolderEntry, folderPath, type WritableFolder } from '../repository/folderSource';

/**
 * A directory on disk as a FolderSource. Every path is checked to stay inside it, links included:
 * a symbolic link that leads out of the folder is neither listed into nor written through.
 */
export function nodeFolder(root: string): WritableFolder {
  let rootReal: string;
  try {
    rootReal = realpathSync(root);
    if (!statSync(rootReal).isDirectory()) throw new InputError(`${root} is not a folder.`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`No such folder: ${root}`);
  }
  const inside = (path: string): string => {
    const full = path === '' ? rootReal : join(rootReal, ...folderPath(path).split('/'));
    let real = full;
    try {
      real = realpathSync(full);
    } catch {
      // A file not there yet has no real path; its folder was checked when listed.
    }
    const rel = relative(rootReal, real);
    if (rel.startsWith('..') || rel.split(sep).includes('..')) throw new InputError(`${path} leads outside ${root}; Builder reads and writes only inside the folder.`);
    return full;
  };
  return {
    async list(path) {
      const entries: FolderEntry[] = [];
      for (const entry of readdirSync(inside(path), { withFileTypes: true })) {
        const child = path === '' ? entry.name : `${path}/${entry.name}`;
        let stats: Stats;
        try {
          stats = statSync(inside(child));
        } catch {
          continue;
        }
        if (stats.isDirectory()) entries.push({ name: entry.name, kind: 'directory', size: 0 });
        else if (stats.isFile()) entries.push({ name: entry.name, kind: 'file', size: stats.size });
      }
      return entries;
    },
    async read(path) {
      return readFileSync(inside(path));
    },
    async write(path, bytes) {
      writeFileSync(inside(path), bytes);
    },
  };
}
