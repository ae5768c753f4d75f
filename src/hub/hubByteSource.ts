import { InputError } from '../errors/inputErrors';
import type { HubEndpoint } from './hubEndpoint';
import type { RepoFile } from './listRepository';
import { type PinnedFile, readRepoFile, streamRange } from './readRepoFile';

/**
 * A file on the Hub as the converter's byte source (src/convert/byteSource.ts, ByteSource): each
 * `read` is one Range request for exactly those bytes, resumed where the connection drops, so a
 * checkpoint is read tensor by tensor and never whole (the lazy Blob of huggingface.js,
 * packages/hub/src/utils/WebBlob.ts, does the same on `slice()`). The whole file's sha256 cannot be
 * checked this way (the converter reads tensors out of file order); sizes and shapes are.
 */
export function hubByteSource(pinned: PinnedFile, signal?: AbortSignal) {
  const size = pinned.file.bytes;
  return {
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      if (offset < 0 || length < 0 || offset + length > size) throw new RangeError(`Cannot read ${length} bytes at ${offset} from ${pinned.file.path} (${size} bytes).`);
      const bytes = new Uint8Array(length);
      let filled = 0;
      if (length > 0) {
        await streamRange(
          pinned,
          offset,
          offset + length,
          (chunk) => {
            bytes.set(chunk, filled);
            filled += chunk.byteLength;
          },
          signal,
        );
      }
      return bytes;
    },
    close: async () => {},
  };
}

/**
 * A repository at a commit as the converter's FileFolder: what the listing has exists, text files
 * come whole and hash-checked, weights through hubByteSource.
 */
export function hubFolder(endpoint: HubEndpoint, repo: string, commit: string, files: readonly RepoFile[], signal?: AbortSignal) {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const pinned = (path: string): PinnedFile => {
    const file = byPath.get(path);
    if (!file) throw new InputError(`${repo} has no file ${path} at ${commit.slice(0, 7)}.`);
    return { endpoint, repo, commit, file };
  };
  return {
    location: `${endpoint.url}/${repo}@${commit.slice(0, 7)}`,
    exists: async (path: string) => byPath.has(path),
    readText: async (path: string) => new TextDecoder().decode(await readRepoFile(pinned(path), signal)),
    open: async (path: string) => hubByteSource(pinned(path), signal),
  };
}
