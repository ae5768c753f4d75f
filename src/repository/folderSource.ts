import { InputError } from '../errors/inputErrors';

/** One entry of a folder listing. */
export interface FolderEntry {
  name: string;
  kind: 'file' | 'directory';
  /** Bytes, for files. */
  size: number;
}

/**
 * A folder the user opened, wherever it lives: a directory handle in Chromium, the files of an
 * `<input webkitdirectory>` elsewhere, a directory on disk in the CLI. Paths are relative to the
 * folder, `/`-separated, '' for the folder itself.
 */
export interface FolderSource {
  list(path: string): Promise<FolderEntry[]>;
  read(path: string): Promise<Uint8Array>;
  /** Present only where the folder was opened with write access. */
  write?(path: string, bytes: Uint8Array): Promise<void>;
}

/** A folder that can be written: what write-back and undo need. */
export type WritableFolder = FolderSource & Required<Pick<FolderSource, 'write'>>;

export const isWritable = (folder: FolderSource): folder is WritableFolder => typeof folder.write === 'function';

/**
 * A path inside the opened folder, checked: relative, `/`-separated, no `.` or `..` segments, so
 * nothing read or written can land outside the folder. Backslashes are taken as separators (a
 * plans file written on Windows).
 */
export function folderPath(path: string): string {
  const normalized = path.replaceAll('\\', '/').replace(/^\.\/+/, '');
  const segments = normalized.split('/');
  if (normalized === '' || normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized) || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new InputError(`"${path}" is not a path inside the opened folder: give it relative to the folder, without "..".`);
  }
  return normalized;
}

export const joinFolderPath = (directory: string, name: string): string => (directory === '' ? name : `${directory}/${name}`);

export const parentFolder = (path: string): string => {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
};
