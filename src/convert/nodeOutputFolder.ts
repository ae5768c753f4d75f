import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../errors/inputErrors';
import { createFileSink } from './nodeFiles';
import type { OutputFolder } from './outputFolder';

/** A folder that must not exist yet (or be empty); written beside it and renamed into place at the end. */
export async function createNodeOutputFolder(destination: string): Promise<OutputFolder> {
  const existing = await stat(destination).catch(() => null);
  if (existing && (!existing.isDirectory() || (await readdir(destination)).length > 0)) {
    throw new InputError(`${destination} already exists; choose a new folder for the output.`);
  }
  const staging = `${destination}.partial-${process.pid}-${Date.now()}`;
  await mkdir(staging, { recursive: true });
  return {
    async create(path) {
      const full = join(staging, path);
      await mkdir(dirname(full), { recursive: true });
      return createFileSink(full);
    },
    async commit() {
      if (existing) await rm(destination, { recursive: true });
      await rename(staging, destination);
    },
    abort: () => rm(staging, { recursive: true, force: true }),
    sha256() {
      const hash = createHash('sha256');
      return { update: (chunk) => void hash.update(chunk), hex: () => hash.digest('hex') };
    },
  };
}
