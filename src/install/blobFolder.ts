import { InputError } from '../errors/inputErrors';
import type { FileFolder } from '../runtime/byteSource';

/**
 * Files held as Blobs (a folder the user opened, a download staged in OPFS) as the converter's
 * FileFolder: a tensor is read as a slice of its file, so only one is in memory at a time.
 */
export function blobFolder(location: string, paths: Iterable<string>, blobOf: (path: string) => Promise<Blob | null>): FileFolder {
  const listed = new Set(paths);
  const blob = async (path: string) => {
    const file = listed.has(path) ? await blobOf(path) : null;
    if (!file) throw new InputError(`${location} has no ${path}.`);
    return file;
  };
  return {
    location,
    exists: async (path) => listed.has(path),
    readText: async (path) => (await blob(path)).text(),
    open: async (path) => {
      const file = await blob(path);
      return { size: file.size, read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()), close: async () => {} };
    },
  };
}
