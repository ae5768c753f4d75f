import { InputError } from '../errors/inputErrors';
import type { ModelFolderStore, StoredFileWriter } from './modelCache';

/**
 * The model cache in the Origin Private File System, one folder per model under `models/`.
 *
 * OPFS rather than Cache Storage: a file there can be written at an offset and survives a closed
 * tab half-written, so a dropped download resumes with a Range request from the stored length
 * instead of starting over (a Cache Storage entry is all or nothing and needs the whole response);
 * and a sync access handle locks the file, so two tabs never write the same one.
 */
const ROOT = 'models';

type Entries = { entries(): AsyncIterable<[string, FileSystemHandle]> };

const isNotFound = (error: unknown) => error instanceof DOMException && (error.name === 'NotFoundError' || error.name === 'TypeMismatchError');

async function modelsRoot(): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(ROOT, { create: true });
}

/** The directory holding `path` inside the model's folder and the file's name; null when it does not exist. */
async function parentOf(id: string, path: string, create: boolean): Promise<{ dir: FileSystemDirectoryHandle; name: string } | null> {
  const segments = [id, ...path.split('/')];
  const name = segments.pop()!;
  try {
    let dir = await modelsRoot();
    for (const segment of segments) dir = await dir.getDirectoryHandle(segment, { create });
    return { dir, name };
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

async function walk(dir: FileSystemDirectoryHandle, prefix: string, into: Map<string, number>): Promise<void> {
  for await (const [name, handle] of (dir as unknown as Entries).entries()) {
    if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`, into);
    else into.set(`${prefix}${name}`, (await (handle as FileSystemFileHandle).getFile()).size);
  }
}

export const opfsModelStore: ModelFolderStore = {
  async ids() {
    const ids: string[] = [];
    for await (const [name, handle] of ((await modelsRoot()) as unknown as Entries).entries()) if (handle.kind === 'directory') ids.push(name);
    return ids;
  },

  async sizes(id) {
    const sizes = new Map<string, number>();
    try {
      await walk(await (await modelsRoot()).getDirectoryHandle(id), '', sizes);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return sizes;
  },

  async file(id, path) {
    const parent = await parentOf(id, path, false);
    if (!parent) return null;
    try {
      return await (await parent.dir.getFileHandle(parent.name)).getFile();
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  },

  async writer(id, path, offset): Promise<StoredFileWriter> {
    const { dir, name } = (await parentOf(id, path, true))!;
    // Sync access handles (workers only) write in place at an offset, fast, under an exclusive lock.
    let access: FileSystemSyncAccessHandle;
    try {
      access = await (await dir.getFileHandle(name, { create: true })).createSyncAccessHandle();
    } catch (error) {
      if (error instanceof DOMException && error.name === 'NoModificationAllowedError') {
        throw new InputError(`${path} of ${id} is being written by another tab of Builder: let that download finish there.`);
      }
      throw error;
    }
    access.truncate(offset);
    let at = offset;
    return {
      write: async (chunk) => {
        at += access.write(chunk, { at });
      },
      close: async () => {
        access.flush();
        access.close();
      },
    };
  },

  async remove(id, path) {
    const parent = path === undefined ? { dir: await modelsRoot(), name: id } : await parentOf(id, path, false);
    if (!parent) return;
    try {
      await parent.dir.removeEntry(parent.name, { recursive: true });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  },
};
