import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { CachedModel } from '../models/cachedModel';
import { isComplete, precisionFiles } from '../models/downloadPlan';
import { MANIFEST_FILE, type ModelManifest, parseManifest } from '../models/modelManifest';
import { MODEL_PRECISIONS, type ModelPrecision } from '../models/modelPrecision';

/** Appends to one stored file; nothing is readable as complete until the marker says so. */
export interface StoredFileWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/**
 * The storage under the model cache: one folder of files per model id. The browser's is OPFS
 * (opfsModelStore.ts); any other keeps the same contract.
 */
export interface ModelFolderStore {
  /** Model ids that have a folder, complete or not. */
  ids(): Promise<string[]>;
  /** Every stored file of a model with its length in bytes. */
  sizes(id: string): Promise<Map<string, number>>;
  /** A file's contents, or null where there is none. */
  file(id: string, path: string): Promise<Blob | null>;
  /** A writer that keeps the first `offset` bytes of the file (0: a new file) and appends after them. */
  writer(id: string, path: string, offset: number): Promise<StoredFileWriter>;
  /** Removes one file, or the model's whole folder when `path` is left out. */
  remove(id: string, path?: string): Promise<void>;
}

/**
 * Written last, after every file it lists was hashed where it lies: an entry without one, or
 * whose list misses a file a precision needs, is partial and never read as a model.
 */
export const COMPLETION_MARKER = '.complete.json';

export interface CompletionMarker {
  /** sha256 of the manifest.json the files were verified against. */
  manifestSha256: string;
  /** Verified files: path -> sha256. */
  verified: Record<string, string>;
}

const text = new TextDecoder();

export const hashHex = (bytes: Uint8Array): string => bytesToHex(sha256(bytes));

/**
 * Files up to this size are hashed by WebCrypto, whose native SHA-256 is about 20 times faster than
 * JavaScript's but takes the file whole; bigger ones (a GB embedding table) stream through noble,
 * so they never sit whole in a worker's memory.
 */
const WHOLE_FILE_HASH_LIMIT = 256 * 2 ** 20;

/** sha256 of a stored file as it was read back. */
export async function hashBlob(blob: Blob, wholeFileLimit = WHOLE_FILE_HASH_LIMIT): Promise<string> {
  if (blob.size <= wholeFileLimit && globalThis.crypto?.subtle) {
    return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())));
  }
  const hash = sha256.create();
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
  }
  return bytesToHex(hash.digest());
}

export async function readMarker(store: ModelFolderStore, id: string): Promise<CompletionMarker | null> {
  const blob = await store.file(id, COMPLETION_MARKER);
  if (!blob) return null;
  try {
    const marker = JSON.parse(await blob.text()) as CompletionMarker;
    return typeof marker.manifestSha256 === 'string' && typeof marker.verified === 'object' && marker.verified !== null ? marker : null;
  } catch {
    // A marker cut short by a closed tab: the entry is partial, as if there were none.
    return null;
  }
}

export async function writeMarker(store: ModelFolderStore, id: string, marker: CompletionMarker): Promise<void> {
  const writer = await store.writer(id, COMPLETION_MARKER, 0);
  await writer.write(new TextEncoder().encode(JSON.stringify(marker)));
  await writer.close();
}

/** The stored manifest, with its text's sha256; null where there is none or it does not parse. */
export async function readStoredManifest(store: ModelFolderStore, id: string): Promise<{ manifest: ModelManifest; sha256: string } | null> {
  const blob = await store.file(id, MANIFEST_FILE);
  if (!blob) return null;
  const bytes = new Uint8Array(await blob.arrayBuffer());
  try {
    return { manifest: parseManifest(text.decode(bytes)), sha256: hashHex(bytes) };
  } catch {
    return null;
  }
}

/** The usable precisions of an entry: those whose every file the marker lists as verified against this manifest. */
export function completePrecisions(manifest: ModelManifest, manifestSha256: string, marker: CompletionMarker | null): ModelPrecision[] {
  if (!marker || marker.manifestSha256 !== manifestSha256) return [];
  return MODEL_PRECISIONS.filter((p) => {
    const files = precisionFiles(manifest.files, p);
    return files !== null && isComplete(files, marker.verified);
  });
}

export async function describeCachedModel(store: ModelFolderStore, id: string): Promise<CachedModel> {
  const sizes = await store.sizes(id);
  const storedBytes = [...sizes.values()].reduce((a, b) => a + b, 0);
  const stored = await readStoredManifest(store, id);
  const complete = stored ? completePrecisions(stored.manifest, stored.sha256, await readMarker(store, id)) : [];
  return { id, manifest: stored?.manifest ?? null, completePrecisions: complete, storedBytes, partial: complete.length === 0 };
}

export async function listCachedModels(store: ModelFolderStore): Promise<CachedModel[]> {
  return Promise.all((await store.ids()).sort().map((id) => describeCachedModel(store, id)));
}
