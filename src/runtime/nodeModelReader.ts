import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MissingModelFileError, type ModelFileReader } from './modelFiles';

/** A model folder on disk. */
export function nodeModelReader(dir: string): ModelFileReader {
  return {
    location: dir,
    read: async (path) => {
      try {
        return new Uint8Array(await readFile(join(dir, path)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MissingModelFileError(`${join(dir, path)} is missing.`, path);
        throw error;
      }
    },
  };
}
