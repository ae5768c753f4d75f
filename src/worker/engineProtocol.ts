import type { DiffusionConfig } from '../core/diffusionConfig';
import type { MaskMode } from '../core/maskSpans';
import type { GeneratedPatch, RefactorPlan } from '../core/refactorPlan';
import type { GenerationProgress } from '../sampler/builder';

/**
 * The one message protocol between the page and the engine worker, which owns the tokenizer, the
 * ONNX sessions and the Builder. Requests carry an id; the worker answers each with `result` or
 * `error` under the same id, and streams `progress` for it meanwhile.
 */
export type EngineRequest =
  | {
      id: number;
      type: 'generate';
      plan: RefactorPlan;
      /** The editor's text: the worker never reads files. */
      source: string;
      config: DiffusionConfig;
      mode: MaskMode;
      /** Where the site serves models/ and wasm/, since a worker's own URL is in assets/. */
      siteUrl: string;
    }
  | { id: number; type: 'cancel'; target: number };

/** Error kinds the page reacts to differently: bad input is the user's to fix, a cancel is not an error. */
export type EngineErrorKind = 'input' | 'cancelled' | 'model' | 'internal';

export type EngineReply =
  | { id: number; type: 'progress'; progress: GenerationProgress | { phase: 'loading'; message: string } }
  | { id: number; type: 'result'; patch: GeneratedPatch; backend: string }
  | { id: number; type: 'error'; kind: EngineErrorKind; message: string };
