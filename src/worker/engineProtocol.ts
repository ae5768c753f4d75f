import type { GenerationProgress } from '../generate/patchPipeline';
import type { Runtime } from '../models/backendChoice';
import type { DiffusionConfig } from '../models/diffusionConfig';
import type { GeneratedPatch, RefactorPlan } from '../plan/refactorPlan';
import type { MaskMode } from '../syntax/maskSpans';

/** What every request that loads models carries. */
interface ModelRequest {
  id: number;
  config: DiffusionConfig;
  /** Where the site serves models/ and wasm/, since a worker's own URL is in assets/. */
  siteUrl: string;
}

/**
 * The one message protocol between the page and the engine worker, which owns the tokenizer, the
 * ONNX sessions and the PatchPipeline. Requests carry an id; the worker answers each with `result`,
 * `ready` or `error` under the same id, and streams `progress` for it meanwhile.
 */
export type EngineRequest =
  | (ModelRequest & {
      type: 'generate';
      /** One plan, one patch; several plans (an imported plans file) run as a batch in priority order. */
      plans: RefactorPlan[];
      /** The editor's text: the worker never reads files. */
      source: string;
      /** The texts of an opened folder's files by path, when the plans span several files; then `source` is not read. */
      sources?: Record<string, string>;
      mode: MaskMode;
      /** Set when this is the retry after the GPU failed: the run goes to WASM and says why. */
      gpuFault?: string;
    })
  /** Loads the models and runs one short generation, so shaders compile before the user's first Generate. */
  | (ModelRequest & { type: 'prepare' })
  | { id: number; type: 'cancel'; target: number };

/**
 * Error kinds the page reacts to differently: bad input is the user's to fix, a cancel is not an
 * error, a GPU fault gets a fresh worker and one retry on WASM.
 */
export type EngineErrorKind = 'input' | 'cancelled' | 'gpu' | 'internal';

export type EngineReply =
  | { id: number; type: 'progress'; progress: GenerationProgress | { phase: 'loading'; message: string } }
  | { id: number; type: 'result'; patches: GeneratedPatch[]; runtime: Runtime }
  | { id: number; type: 'ready'; runtime: Runtime; warmUpMs: number }
  | { id: number; type: 'error'; kind: EngineErrorKind; message: string };
