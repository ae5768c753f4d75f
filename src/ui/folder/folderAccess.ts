import { type FolderEntry, type FolderSource, folderPath } from '../../repository/folderSource';
import type { FolderFiles } from '../models/modelFolderFiles';

type Entries = { entries(): AsyncIterable<[string, FileSystemHandle]> };
type PermissionHandle = { queryPermission?(options: { mode: 'readwrite' }): Promise<PermissionState>; requestPermission?(options: { mode: 'readwrite' }): Promise<PermissionState> };
type ReadWritePicker = (options: { mode: 'readwrite' }) => Promise<FileSystemDirectoryHandle>;

/** The File System Access API's directory picker, asking for write access, where the browser has it (Chromium). */
export function readWritePicker(): ReadWritePicker | null {
  const picker = (globalThis as { showDirectoryPicker?: ReadWritePicker }).showDirectoryPicker;
  return typeof picker === 'function' ? picker.bind(globalThis) : null;
}

async function directoryAt(root: FileSystemDirectoryHandle, path: string): Promise<FileSystemDirectoryHandle> {
  let dir = root;
  if (path !== '') for (const segment of folderPath(path).split('/')) dir = await dir.getDirectoryHandle(segment);
  return dir;
}

async function fileAt(root: FileSystemDirectoryHandle, path: string): Promise<FileSystemFileHandle> {
  const segments = folderPath(path).split('/');
  const name = segments.pop()!;
  return (await directoryAt(root, segments.join('/'))).getFileHandle(name);
}

/**
 * A folder opened through a directory handle: listed and read lazily, written in place (only
 * existing files, found by walking down from the handle, so a write can never land outside it).
 * Writable when the handle holds, or is granted, readwrite permission.
 */
export async function handleFolder(root: FileSystemDirectoryHandle): Promise<{ folder: FolderSource; writable: boolean }> {
  const permissions = root as unknown as PermissionHandle;
  const state = permissions.queryPermission ? await permissions.queryPermission({ mode: 'readwrite' }) : 'granted';
  const folder: FolderSource = {
    async list(path) {
      const entries: FolderEntry[] = [];
      for await (const [name, handle] of ((await directoryAt(root, path)) as unknown as Entries).entries()) {
        if (handle.kind === 'directory') entries.push({ name, kind: 'directory', size: 0 });
        else entries.push({ name, kind: 'file', size: (await (handle as FileSystemFileHandle).getFile()).size });
      }
      return entries;
    },
    async read(path) {
      return new Uint8Array(await (await (await fileAt(root, path)).getFile()).arrayBuffer());
    },
  };
  if (state !== 'granted') return { folder, writable: false };
  folder.write = async (path, bytes) => {
    const writable = await (await fileAt(root, path)).createWritable();
    await writable.write(bytes as Uint8Array<ArrayBuffer>);
    await writable.close();
  };
  return { folder, writable: true };
}

/** A folder handed over as files (`<input webkitdirectory>`, a dropped folder): read-only. */
export function filesFolder(files: FolderFiles): FolderSource {
  return {
    async list(path) {
      const prefix = path === '' ? '' : `${path}/`;
      const entries = new Map<string, FolderEntry>();
      for (const [filePath, file] of files) {
        if (!filePath.startsWith(prefix)) continue;
        const rest = filePath.slice(prefix.length);
        const slash = rest.indexOf('/');
        if (slash === -1) entries.set(rest, { name: rest, kind: 'file', size: file.size });
        else entries.set(rest.slice(0, slash), { name: rest.slice(0, slash), kind: 'directory', size: 0 });
      }
      return [...entries.values()];
    },
    async read(path) {
      const file = files.get(folderPath(path));
      if (!file) throw new Error(`${path} is not in the opened folder`);
      return new Uint8Array(await file.arrayBuffer());
    },
  };
}
