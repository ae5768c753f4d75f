import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../core/inputErrors';
import type { ModelFileReader } from './modelFiles';

/** A model folder on disk. */
export function nodeModelReader(dir: string): ModelFileReader {
  return {
    location: dir,
    read: async (path) => {
      try {
        return new Uint8Array(await readFile(join(dir, path)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`${join(dir, path)} is missing.`);
        throw error;
      }
    },
  };
}
