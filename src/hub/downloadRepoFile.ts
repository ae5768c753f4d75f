import type { HasherFactory } from './fileHash';
import { nobleHasher } from './fileHash';
import { checkHash, type PinnedFile, startHash, streamRange } from './readRepoFile';

/** A file being downloaded into storage (a file on disk, an OPFS file), possibly left half-done by an earlier run. */
export interface PartialFile {
  /** Bytes already stored; 0 when there are none. */
  storedBytes(): Promise<number>;
  /** The stored bytes in order, to hash what an earlier run left before resuming after it. */
  readStored(): AsyncIterable<Uint8Array>;
  /** Opens for writing at `offset`, dropping anything stored after it. */
  openAt(offset: number): Promise<{ write(chunk: Uint8Array): Promise<void>; close(): Promise<void> }>;
  discard(): Promise<void>;
}

export interface DownloadFileOptions {
  /** Bytes that arrived (negative: stored bytes thrown away), for one progress figure over the job. */
  onBytes?(bytes: number): void;
  signal?: AbortSignal;
  hashers?: HasherFactory;
}

/**
 * Downloads one listed file into `partial`, resuming after what an earlier run stored (an LFS file:
 * its listed sha256 covers the whole, so the stored part is hashed first, then the rest asked for
 * by Range) and after any connection that drops meanwhile. The whole must hash to the listing, or
 * the file is discarded and FileHashMismatchError thrown. Returns the file's sha256 for the manifest.
 */
export async function downloadRepoFile(pinned: PinnedFile, partial: PartialFile, options: DownloadFileOptions = {}): Promise<string> {
  const { file } = pinned;
  const hashers = options.hashers ?? nobleHasher;
  const listed = startHash(pinned, hashers);
  // A git file's listing is a sha1; the manifest wants its sha256 too (an LFS file's is the listing).
  const sha256 = file.sha256 === null ? hashers('sha256') : null;
  let offset = file.sha256 === null ? 0 : Math.min(await partial.storedBytes(), file.bytes);
  if (offset > 0) {
    let hashed = 0;
    for await (const chunk of partial.readStored()) {
      const part = chunk.subarray(0, offset - hashed);
      listed.update(part);
      hashed += part.byteLength;
      if (hashed >= offset) break;
    }
    options.onBytes?.(offset);
  }
  const writer = await partial.openAt(offset);
  try {
    if (offset < file.bytes) {
      await streamRange(
        pinned,
        offset,
        file.bytes,
        async (chunk) => {
          listed.update(chunk);
          sha256?.update(chunk);
          await writer.write(chunk);
          offset += chunk.byteLength;
          options.onBytes?.(chunk.byteLength);
        },
        options.signal,
      );
    }
  } finally {
    await writer.close();
  }
  try {
    checkHash(pinned, listed);
  } catch (error) {
    await partial.discard();
    options.onBytes?.(-file.bytes);
    throw error;
  }
  return sha256?.hex() ?? file.sha256!;
}
