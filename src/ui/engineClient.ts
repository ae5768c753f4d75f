import type { DiffusionConfig } from '../core/diffusionConfig';
import type { MaskMode } from '../core/maskSpans';
import type { GeneratedPatch, RefactorPlan } from '../core/refactorPlan';
import type { EngineErrorKind, EngineReply, EngineRequest } from '../worker/engineProtocol';

export type EngineProgress = Extract<EngineReply, { type: 'progress' }>['progress'];

/** A failed request, by kind: the page treats bad input, cancels and faults differently. */
export class EngineError extends Error {
  override name = 'EngineError';
  constructor(
    readonly kind: EngineErrorKind,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  resolve(result: { patch: GeneratedPatch; backend: string }): void;
  reject(error: EngineError): void;
  onProgress(progress: EngineProgress): void;
}

/** The page's side of the engine worker: requests by id, progress pushed, a dead worker replaced. */
export class EngineClient {
  private worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor() {
    this.worker = this.start();
  }

  private start(): Worker {
    const worker = new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }: MessageEvent<EngineReply>) => {
      const pending = this.pending.get(data.id);
      if (!pending) return;
      if (data.type === 'progress') pending.onProgress(data.progress);
      else {
        this.pending.delete(data.id);
        if (data.type === 'result') pending.resolve({ patch: data.patch, backend: data.backend });
        else pending.reject(new EngineError(data.kind, data.message));
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      // The worker died: fail what it had, and start a fresh one for the next request.
      for (const pending of this.pending.values()) pending.reject(new EngineError('internal', `The engine stopped: ${event.message || 'the worker crashed'}. Try again.`));
      this.pending.clear();
      this.worker.terminate();
      this.worker = this.start();
    };
    return worker;
  }

  generate(plan: RefactorPlan, source: string, config: DiffusionConfig, mode: MaskMode, onProgress: (progress: EngineProgress) => void) {
    const id = this.nextId++;
    const result = new Promise<{ patch: GeneratedPatch; backend: string }>((resolve, reject) => this.pending.set(id, { resolve, reject, onProgress }));
    const request: EngineRequest = { id, type: 'generate', plan, source, config, mode, siteUrl: new URL('.', location.href).href };
    this.worker.postMessage(request);
    return { id, result };
  }

  cancel(id: number): void {
    const request: EngineRequest = { id: this.nextId++, type: 'cancel', target: id };
    this.worker.postMessage(request);
  }
}
