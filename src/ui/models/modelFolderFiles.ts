/**
 * The files of a model folder the user chose, keyed by their path inside the folder
 * (`onnx/model_q4.onnx`), from each of the ways a browser hands over a folder.
 */
export type FolderFiles = Map<string, File>;

type DirectoryPicker = () => Promise<FileSystemDirectoryHandle>;
type Entries = { entries(): AsyncIterable<[string, FileSystemHandle]> };

/** showDirectoryPicker, where the browser has it (Chromium); elsewhere the file input's webkitdirectory. */
export function directoryPicker(): DirectoryPicker | null {
  const picker = (globalThis as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
  return typeof picker === 'function' ? picker.bind(globalThis) : null;
}

export async function filesOfDirectory(dir: FileSystemDirectoryHandle, prefix = '', into: FolderFiles = new Map()): Promise<FolderFiles> {
  for await (const [name, handle] of (dir as unknown as Entries).entries()) {
    if (handle.kind === 'directory') await filesOfDirectory(handle as FileSystemDirectoryHandle, `${prefix}${name}/`, into);
    else into.set(`${prefix}${name}`, await (handle as FileSystemFileHandle).getFile());
  }
  return into;
}

/** An `<input webkitdirectory>`'s files: their relative paths start with the folder's own name, which goes. */
export function filesOfInput(files: FileList): FolderFiles {
  return new Map([...files].map((file) => [file.webkitRelativePath.split('/').slice(1).join('/') || file.name, file]));
}

/** A directory's entries: readEntries answers in batches (100 in Chromium) until it answers with none. */
function childrenOf(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    const next = () => reader.readEntries((batch) => (batch.length === 0 ? resolve(all) : (all.push(...batch), next())), reject);
    next();
  });
}

async function entryFiles(entry: FileSystemEntry, prefix: string, into: FolderFiles): Promise<void> {
  if (entry.isFile) {
    into.set(`${prefix}${entry.name}`, await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
    return;
  }
  for (const child of await childrenOf(entry as FileSystemDirectoryEntry)) await entryFiles(child, `${prefix}${entry.name}/`, into);
}

/**
 * A dropped folder's files, or null when the drop is not one folder. The entries must be taken
 * during the drop event itself, so they are taken synchronously and read after.
 */
export function filesOfDrop(data: DataTransfer): Promise<FolderFiles> | null {
  const entries = [...data.items].map((item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const folder = entries.length === 1 && entries[0]!.isDirectory ? (entries[0] as FileSystemDirectoryEntry) : null;
  if (!folder) return null;
  return (async () => {
    const files: FolderFiles = new Map();
    for (const child of await childrenOf(folder)) await entryFiles(child, '', files);
    return files;
  })();
}
