import type { DownloadProgress } from '../core/downloadProgress';
import type { ModelPrecision } from '../core/modelPrecision';
import type { CachedModel } from '../core/cachedModel';

/**
 * Messages between the page and the model download worker, which fetches, stores and hashes model
 * files (hundreds of MB) off the page's thread. Requests carry an id; the worker answers each with
 * `models`, `installed` or `error` under the same id, and streams `progress` for downloads meanwhile.
 */
export type ModelDownloadRequest =
  | { id: number; type: 'list' }
  | { id: number; type: 'download'; modelId: string; folderUrl: string; precision: ModelPrecision }
  /** A model folder from the user's disk: paths inside the folder, and the files. */
  | { id: number; type: 'import'; files: { path: string; file: Blob }[] }
  | { id: number; type: 'delete'; modelId: string }
  /** Stops a download or import; what it stored stays, and the next Download resumes it. */
  | { id: number; type: 'cancel'; target: number };

export interface StorageFigures {
  usage: number | null;
  quota: number | null;
}

/** `quota`: the disk is full, the message says how full. */
export type ModelDownloadErrorKind = 'input' | 'quota' | 'cancelled' | 'internal';

export type ModelDownloadReply =
  | { id: number; type: 'progress'; progress: DownloadProgress }
  | { id: number; type: 'models'; models: CachedModel[]; storage: StorageFigures }
  | { id: number; type: 'installed'; model: CachedModel }
  | { id: number; type: 'error'; kind: ModelDownloadErrorKind; message: string };
