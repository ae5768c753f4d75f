import { InputError } from '../errors/inputErrors';
import type { CachedModel } from '../models/cachedModel';
import { filesForPrecision, fitsInQuota, planFile, precisionFiles, quotaMessage } from '../models/downloadPlan';
import { DownloadMeter, type DownloadProgress } from '../models/downloadProgress';
import { MANIFEST_FILE, type ManifestFile, type ModelManifest } from '../models/modelManifest';
import { MODEL_PRECISIONS, type ModelPrecision } from '../models/modelPrecision';
import { describeCachedModel, hashBlob, hashHex, type ModelFolderStore, readMarker, readStoredManifest, type StoredFileWriter, writeMarker } from './modelCache';

/** Storage ran out: the message carries the figures of navigator.storage.estimate. */
export class StorageQuotaError extends InputError {
  override name = 'StorageQuotaError';
}

export interface StorageEstimate {
  usage?: number;
  quota?: number;
}

/** Where the bytes come from: a download or a folder from disk. */
export interface FileFiller {
  /**
   * Writes `file` from byte `offset` on through `open` (which truncates the stored file to the
   * offset it is given: a source that cannot resume opens at 0) and reports each chunk to `count`.
   */
  fill(file: ManifestFile, offset: number, open: (offset: number) => Promise<StoredFileWriter>, count: (bytes: number) => void): Promise<void>;
}

export interface InstallOptions {
  store: ModelFolderStore;
  signal: AbortSignal;
  onProgress(progress: DownloadProgress): void;
  estimate(): Promise<StorageEstimate>;
  now?: () => number;
}

/** Progress at most this often, and at each file's end: the page re-renders on each. */
const REPORT_EVERY_MS = 100;

const isQuotaError = (error: unknown) => error instanceof DOMException && error.name === 'QuotaExceededError';

/**
 * Installs `files` of a model into the cache: each stored file is written once, read back and
 * checked against its sha256, and the completion marker is written last, so an install that
 * fails, is cancelled or dies with its tab never leaves an entry that looks complete. What was
 * already stored is kept (verified files) or resumed (partial ones).
 */
export async function installModel(manifestBytes: Uint8Array, manifest: ModelManifest, files: readonly ManifestFile[], filler: FileFiller, options: InstallOptions): Promise<CachedModel> {
  const { store, signal, id } = { ...options, id: manifest.id };
  const now = options.now ?? (() => performance.now());
  const manifestSha256 = hashHex(manifestBytes);
  const stored = await readStoredManifest(store, id);
  if (stored?.sha256 !== manifestSha256) {
    // Another version of the model (or a broken entry): none of its files can be trusted for this one.
    await store.remove(id);
    const writer = await store.writer(id, MANIFEST_FILE, 0);
    await writer.write(manifestBytes);
    await writer.close();
  }
  const marker = stored?.sha256 === manifestSha256 ? await readMarker(store, id) : null;
  const verified = { ...marker?.verified };
  const sizes = await store.sizes(id);
  const steps = files.map((file) => ({ file, step: planFile(file, verified, sizes.get(file.path)) }));
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const have = steps.reduce((sum, { file, step }) => sum + (step.action === 'fetch' ? step.offset : file.bytes), 0);
  const estimate = await options.estimate();
  if (!fitsInQuota(total - have, estimate)) throw new StorageQuotaError(quotaMessage(id, total - have, estimate));

  const meter = new DownloadMeter(total, have, now());
  let reportedAt = -Infinity;
  const report = (file: string, phase: DownloadProgress['phase'], force = false) => {
    if (!force && now() - reportedAt < REPORT_EVERY_MS) return;
    reportedAt = now();
    options.onProgress(meter.snapshot(file, phase, reportedAt));
  };
  const matches = async (file: ManifestFile) => {
    report(file.path, 'verifying', true);
    const blob = await store.file(id, file.path);
    return blob !== null && blob.size === file.bytes && (await hashBlob(blob)) === file.sha256;
  };
  const open = (file: ManifestFile) => async (offset: number) => {
    const writer = await store.writer(id, file.path, offset);
    return {
      write: async (chunk: Uint8Array) => {
        signal.throwIfAborted();
        await writer.write(chunk);
      },
      close: () => writer.close(),
    };
  };

  report(files[0]?.path ?? MANIFEST_FILE, 'fetching', true);
  try {
    for (const { file, step } of steps) {
      signal.throwIfAborted();
      if (step.action === 'keep') continue;
      if (step.action === 'verify' && (await matches(file))) {
        verified[file.path] = file.sha256;
        continue;
      }
      const offset = step.action === 'fetch' ? step.offset : 0;
      if (step.action === 'verify') meter.add(-file.bytes, now());
      delete verified[file.path];
      await filler.fill(file, offset, open(file), (bytes) => {
        meter.add(bytes, now());
        // Bytes thrown away (a server that ignores Range) show at once, not at the next tick.
        report(file.path, 'fetching', bytes < 0);
      });
      if (!(await matches(file))) {
        await store.remove(id, file.path);
        throw new InputError(`${file.path} of ${id} does not match its sha256 in manifest.json after it was stored: the copy was discarded. The source file is corrupt or not this model's.`);
      }
      verified[file.path] = file.sha256;
    }
    signal.throwIfAborted();
    await writeMarker(store, id, { manifestSha256, verified });
  } catch (error) {
    if (isQuotaError(error)) throw new StorageQuotaError(quotaMessage(id, total - meter.doneBytes, await options.estimate()));
    throw error;
  }
  report(files.at(-1)?.path ?? MANIFEST_FILE, 'verifying', true);
  return describeCachedModel(store, id);
}

/** The files to install: one precision's, or every precision the folder is complete for. */
export function filesToInstall(manifest: ModelManifest, precision: ModelPrecision | 'all', present?: (file: ManifestFile) => boolean): ManifestFile[] {
  if (precision !== 'all') return filesForPrecision(manifest.files, precision);
  const chosen = new Set<ManifestFile>();
  for (const p of MODEL_PRECISIONS) {
    const files = precisionFiles(manifest.files, p);
    if (files && (!present || files.every(present))) files.forEach((f) => chosen.add(f));
  }
  return manifest.files.filter((f) => chosen.has(f));
}
