import { type FileHandle, open, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { InputError } from '../errors/inputErrors';
import type { ByteSink, FileFolder, OpenedByteSource } from '../runtime/byteSource';

/** A file-system failure the user can fix as an InputError; anything else unchanged. */
function asInputError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError(`No such file: ${path}`);
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`Cannot read ${path}: permission denied.`);
  if (code === 'EISDIR') return new InputError(`${path} is a folder, not a file.`);
  return error;
}

/** A file on disk as a ByteSource; each read fetches only the bytes asked for. */
export async function openFileSource(path: string): Promise<OpenedByteSource> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw asInputError(error, path);
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new InputError(`${path} is not a regular file.`);
  }
  const size = info.size;
  return {
    size,
    async read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size) {
        throw new RangeError(`Cannot read ${length} bytes at ${offset} from ${path} (${size} bytes).`);
      }
      const bytes = new Uint8Array(length);
      let filled = 0;
      // One read may return fewer bytes than asked for; keep going until the range is complete.
      while (filled < length) {
        const { bytesRead } = await handle.read(bytes, filled, length - filled, offset + filled);
        if (bytesRead === 0) throw new Error(`${path} shrank while being read (ended at byte ${offset + filled}).`);
        filled += bytesRead;
      }
      return bytes;
    },
    close: () => handle.close(),
  };
}

export interface FileSink extends ByteSink {
  readonly bytesWritten: number;
  close(): Promise<void>;
}

/** Creates (or truncates) a file and appends to it write by write. */
export async function createFileSink(path: string): Promise<FileSink> {
  const handle = await open(path, 'w');
  let bytesWritten = 0;
  return {
    get bytesWritten() {
      return bytesWritten;
    },
    async write(bytes) {
      let done = 0;
      while (done < bytes.byteLength) {
        const result = await handle.write(bytes, done, bytes.byteLength - done);
        done += result.bytesWritten;
      }
      bytesWritten += done;
    },
    close: () => handle.close(),
  };
}

/** A local folder as a FileFolder. Paths inside it may not climb out of it. */
export async function openFolder(dir: string): Promise<FileFolder> {
  const info = await stat(dir).catch((error: unknown) => {
    throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new InputError(`No such folder: ${dir}`) : asInputError(error, dir);
  });
  if (!info.isDirectory()) throw new InputError(`${dir} is not a folder.`);
  const resolve = (path: string): string => {
    const relative = normalize(path);
    if (isAbsolute(relative) || relative === '..' || relative.startsWith(`..${sep}`)) {
      throw new InputError(`${path} points outside ${dir}.`);
    }
    return join(dir, relative);
  };
  return {
    location: dir,
    exists: async (path) =>
      stat(resolve(path)).then(
        (file) => file.isFile(),
        () => false,
      ),
    readText: async (path) => {
      const full = resolve(path);
      return readFile(full, 'utf8').catch((error: unknown) => {
        throw asInputError(error, full);
      });
    },
    open: async (path) => openFileSource(resolve(path)),
  };
}
