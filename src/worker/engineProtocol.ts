import type { ErrorClasses, SerializedError } from '../errors/errorTransfer';
import {
  AmbiguousTargetError,
  BinarySourceError,
  EmptySourceError,
  InputError,
  SourceSyntaxError,
  SourceTooLargeError,
  TargetError,
  UnknownTargetError,
  UnsupportedLanguageError,
} from '../errors/inputErrors';
import type { Runtime } from '../models/backendChoice';
import { ConfigError, type DiffusionConfig } from '../models/diffusionConfig';
import type { EnginePlan, EngineProgress } from '../plan/engine';
import type { GeneratedPatch } from '../plan/refactorPlan';

/** The texts the page holds, by path; the worker refuses any other path, in words that say why. */
export interface PageFiles {
  sources: Record<string, string>;
  /** Set when no folder is open: the editor's file, the only one the app changes. */
  editorFile?: string;
}

/** What every request that loads models carries. */
interface ModelRequest {
  id: number;
  config: DiffusionConfig;
  /** Where the site serves models/ and wasm/, since a worker's own URL is in assets/. */
  siteUrl: string;
}

/**
 * The one message protocol between the page and the engine worker, which owns the tokenizer, the
 * ONNX sessions and the PatchPipeline: the Engine interface (src/plan/engine.ts) spelled as
 * messages. Requests carry an id; the worker answers each with `result`, `ready` or `error` under
 * the same id, and streams `progress` for it meanwhile; a `cancel` aborts the request's signal.
 */
export type EngineRequest =
  | (ModelRequest & {
      type: 'generate';
      /** One plan, one patch; several plans (an imported plans file) run as a batch in priority order. Each carries its file's text and mask mode: the worker reads no file. */
      plans: EnginePlan[];
      /** The files the page has, by path (an opened folder's, or the editor's one file), for related files the plans name by path. */
      files: PageFiles;
      /** Set when this is the retry after the GPU failed: the run goes to WASM and says why. */
      gpuFault?: string;
    })
  /** Loads the models and runs one short generation, so shaders compile before the user's first Generate. */
  | (ModelRequest & { type: 'prepare' })
  | { id: number; type: 'cancel'; target: number };

/**
 * How the page treats a failure: a cancel is not an error, a GPU fault gets a fresh worker and
 * one retry on WASM; anything else is shown. The error itself crosses whole (`error`).
 */
export type EngineErrorKind = 'cancelled' | 'gpu' | 'failed';

export type EngineReply =
  | { id: number; type: 'progress'; progress: EngineProgress }
  | { id: number; type: 'result'; patches: GeneratedPatch[]; runtime: Runtime }
  | { id: number; type: 'ready'; runtime: Runtime; warmUpMs: number }
  | { id: number; type: 'error'; kind: EngineErrorKind; error: SerializedError };

/** The errors the engine throws that the page rebuilds as themselves (deserializeError), subclasses first; others of InputError arrive as InputError with their name and fields. */
export const ENGINE_ERRORS: ErrorClasses = {
  EmptySourceError,
  BinarySourceError,
  SourceTooLargeError,
  UnsupportedLanguageError,
  SourceSyntaxError,
  UnknownTargetError,
  AmbiguousTargetError,
  TargetError,
  ConfigError,
  InputError,
};
