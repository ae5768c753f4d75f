import type { ModelManifest } from './modelManifest';
import type { ModelPrecision } from './modelPrecision';

/** What the cache holds for one model. */
export interface CachedModel {
  id: string;
  manifest: ModelManifest | null;
  /** Precisions whose every file is verified: the model is usable at these. */
  completePrecisions: ModelPrecision[];
  storedBytes: number;
  /** Files are stored but no precision is complete: an interrupted or running download. */
  partial: boolean;
}
