import { contentHash } from './contentHash';
import { folderPath, type WritableFolder } from './folderSource';

/** A file to overwrite, with the hash of the content it had when Builder read it. */
export interface FileWrite {
  path: string;
  /** contentHash of the bytes read; the file is written only if it still has them. */
  expectedHash: string;
  bytes: Uint8Array;
}

/** A file written, with what it held before, for undo. */
export interface WrittenFile {
  path: string;
  previous: Uint8Array;
  /** contentHash of what was written: undo checks the file still holds it. */
  writtenHash: string;
}

export interface RefusedFile {
  path: string;
  message: string;
}

export interface WriteBackResult {
  written: WrittenFile[];
  refused: RefusedFile[];
}

/**
 * Writes each file only if it is unchanged on disk since it was read (its content hash still the
 * one read); a file changed meanwhile, gone, or unreadable is left alone with a message, and the
 * others are still written. Paths are checked to lie inside the folder before anything is touched.
 */
export async function writeBack(folder: WritableFolder, writes: readonly FileWrite[]): Promise<WriteBackResult> {
  const checked = writes.map((w) => ({ ...w, path: folderPath(w.path) }));
  const result: WriteBackResult = { written: [], refused: [] };
  for (const write of checked) {
    let current: Uint8Array;
    try {
      current = await folder.read(write.path);
    } catch (error) {
      result.refused.push({ path: write.path, message: `${write.path} could not be read back (${(error as Error).message}); it was left alone.` });
      continue;
    }
    if (contentHash(current) !== write.expectedHash) {
      result.refused.push({ path: write.path, message: `${write.path} changed on disk since Builder read it; it was left alone (generate again to patch the new version).` });
      continue;
    }
    try {
      await folder.write(write.path, write.bytes);
    } catch (error) {
      result.refused.push({ path: write.path, message: `${write.path} could not be written (${(error as Error).message}); it is unchanged.` });
      continue;
    }
    result.written.push({ path: write.path, previous: current, writtenHash: contentHash(write.bytes) });
  }
  return result;
}

/**
 * Puts back what a write-back replaced, file by file, with the same check: a file edited again
 * since Builder wrote it keeps the newer edit and is named in `refused`.
 */
export function undoWriteBack(folder: WritableFolder, written: readonly WrittenFile[]): Promise<WriteBackResult> {
  return writeBack(
    folder,
    written.map((w) => ({ path: w.path, expectedHash: w.writtenHash, bytes: w.previous })),
  );
}
