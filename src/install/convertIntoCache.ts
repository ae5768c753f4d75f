import { openCheckpoint } from '../convert/checkpoint';
import { convertCheckpoint } from '../convert/convertCheckpoint';
import type { CachedModel } from '../models/cachedModel';
import { DownloadMeter } from '../models/downloadProgress';
import type { ModelPrecision } from '../models/modelPrecision';
import type { FileFolder } from '../runtime/byteSource';
import { describeCachedModel } from '../runtime/modelCache';
import type { InstallOptions } from '../runtime/modelInstall';
import { cacheOutputFolder } from './cacheOutputFolder';

export interface ConvertIntoCacheOptions extends InstallOptions {
  id: string;
  kind: 'diffusion' | 'autoregressive';
  precision: ModelPrecision;
  /** The repository's or folder's name, which tells some families apart (dLLM's MDLM and BD3LM). */
  name?: string;
}

const REPORT_EVERY_MS = 100;

/**
 * Converts a Hugging Face checkpoint (a download staged in OPFS, a folder the user opened) into
 * the model cache as `id`, tensor by tensor, with the converter's own entry point; the progress
 * is the converted weights' bytes and the tensors read.
 */
export async function convertIntoCache(source: FileFolder, options: ConvertIntoCacheOptions): Promise<CachedModel> {
  const { store, id, signal } = options;
  const now = options.now ?? (() => performance.now());
  const checkpoint = await openCheckpoint(source);
  const total = checkpoint.tensorNames().length;
  let read = 0;
  let meter: DownloadMeter | null = null;
  let reportedAt = -Infinity;
  try {
    await convertCheckpoint({
      source,
      checkpoint: {
        config: checkpoint.config,
        rawConfig: checkpoint.rawConfig,
        readTensor: (name) => {
          signal.throwIfAborted();
          read = Math.min(total, read + 1);
          return checkpoint.readTensor(name);
        },
      },
      output: cacheOutputFolder(store, id),
      id,
      name: options.name,
      kind: options.kind,
      precisions: [options.precision],
      onProgress: (_precision, written, bytes) => {
        meter ??= new DownloadMeter(bytes, 0, now());
        meter.add(written - meter.doneBytes, now());
        if (written < bytes && now() - reportedAt < REPORT_EVERY_MS) return;
        reportedAt = now();
        options.onProgress({ ...meter.snapshot('the converted weights', 'converting', reportedAt), tensors: { done: read, total } });
      },
    });
  } finally {
    await checkpoint.close();
  }
  return describeCachedModel(store, id);
}
