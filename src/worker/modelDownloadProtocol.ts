import type { HubPlanSummary } from '../install/hubPull';
import type { CachedModel } from '../models/cachedModel';
import type { DownloadProgress } from '../models/downloadProgress';
import type { ModelPrecision } from '../models/modelPrecision';

/**
 * Messages between the page and the model download worker, which fetches, stores and hashes model
 * files (hundreds of MB) off the page's thread. Requests carry an id; the worker answers each with
 * `models`, `installed` or `error` under the same id, and streams `progress` for downloads meanwhile.
 */
export type ModelDownloadRequest =
  | { id: number; type: 'list' }
  | { id: number; type: 'download'; modelId: string; folderUrl: string; precision: ModelPrecision }
  /** A model folder from the user's disk: paths inside the folder, and the files. */
  /** A Hugging Face checkpoint folder (config.json and safetensors, no manifest) is converted, to `precision`. */
  | { id: number; type: 'import'; files: { path: string; file: Blob }[]; precision: ModelPrecision }
  | { id: number; type: 'delete'; modelId: string }
  /** What getting a registry model from the Hub would fetch and store: asked when the user clicks Get from Hugging Face, before they agree. */
  | { id: number; type: 'hub-plan'; modelId: string; hub: HubSource; precision: ModelPrecision }
  /** Downloads it, converting a checkpoint to `precision` or storing an ONNX export as it is. */
  | { id: number; type: 'pull'; modelId: string; hub: HubSource; precision: ModelPrecision }
  /** Stops a download or import; what it stored stays, and the next Download resumes it. */
  | { id: number; type: 'cancel'; target: number };

/** A repository on the Hub the site was built to use (VITE_HUB_ENDPOINT). */
export interface HubSource {
  endpoint: string;
  repo: string;
  revision: string;
}

export type { HubPlanSummary };

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
  | { id: number; type: 'hub-plan'; plan: HubPlanSummary }
  | { id: number; type: 'error'; kind: ModelDownloadErrorKind; message: string };
