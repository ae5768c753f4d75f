import type { DiffusionConfig } from '../../models/diffusionConfig';
import type { RefactorPlan } from '../../plan/refactorPlan';
import type { MaskMode } from '../../syntax/maskSpans';
import type { EngineErrorKind, EngineReply, EngineRequest } from '../../worker/engineProtocol';

export type EngineProgress = Extract<EngineReply, { type: 'progress' }>['progress'];
export type EngineResult = Omit<Extract<EngineReply, { type: 'result' }>, 'id' | 'type'>;
export type EngineReady = Omit<Extract<EngineReply, { type: 'ready' }>, 'id' | 'type'>;

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

/** What the client needs of a Worker; tests hand it one that runs in Node. */
export type EngineWorker = Pick<Worker, 'postMessage' | 'terminate' | 'onmessage' | 'onerror'>;

const startEngineWorker = (): EngineWorker => new Worker(new URL('../../worker/engine.worker.ts', import.meta.url), { type: 'module' });

interface Pending {
  request: Exclude<EngineRequest, { type: 'cancel' }>;
  settle(reply: Extract<EngineReply, { type: 'result' | 'ready' }>): void;
  reject(error: EngineError): void;
  onProgress(progress: EngineProgress): void;
}

/**
 * The page's side of the engine worker: requests by id, progress pushed. A worker that dies is
 * replaced, and a generation the GPU failed under runs once more on WASM in a fresh worker.
 */
export class EngineClient {
  private worker: EngineWorker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly startWorker: () => EngineWorker = startEngineWorker) {
    this.worker = this.start();
  }

  private start(): EngineWorker {
    const worker = this.startWorker();
    worker.onmessage = ({ data }: MessageEvent<EngineReply>) => this.receive(data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.restart();
      this.failAll(`The engine stopped: ${event.message || 'the worker crashed'}. Your code and earlier results are kept; press Generate to try again.`);
    };
    return worker;
  }

  private restart(): void {
    this.worker.terminate();
    this.worker = this.start();
  }

  private failAll(message: string): void {
    for (const pending of this.pending.values()) pending.reject(new EngineError('internal', message));
    this.pending.clear();
  }

  private receive(reply: EngineReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if (reply.type === 'progress') {
      pending.onProgress(reply.progress);
      return;
    }
    const { request } = pending;
    if (reply.type === 'error' && reply.kind === 'gpu' && request.type === 'generate' && request.gpuFault === undefined) {
      // A lost GPU device cannot come back in this worker: start a fresh one and run again on WASM, once.
      this.pending.delete(reply.id);
      this.restart();
      this.failAll('The engine restarted after a GPU fault; press Generate again.');
      const retry = { ...request, gpuFault: reply.message };
      this.pending.set(reply.id, { ...pending, request: retry });
      this.worker.postMessage(retry);
      return;
    }
    this.pending.delete(reply.id);
    if (reply.type === 'error') pending.reject(new EngineError(reply.kind, reply.message));
    else pending.settle(reply);
  }

  private send(request: Pending['request'], onProgress: (progress: EngineProgress) => void): Promise<Extract<EngineReply, { type: 'result' | 'ready' }>> {
    return new Promise((settle, reject) => {
      this.pending.set(request.id, { request, settle, reject, onProgress });
      this.worker.postMessage(request);
    });
  }

  /** One plan, or several (an imported plans file, an opened folder's files with `sources`) run one after another in priority order. */
  generate(
    plans: RefactorPlan[],
    source: string,
    config: DiffusionConfig,
    mode: MaskMode,
    onProgress: (progress: EngineProgress) => void,
    sources?: Record<string, string>,
  ): { id: number; result: Promise<EngineResult> } {
    const id = this.nextId++;
    const request: EngineRequest = { id, type: 'generate', plans, source, config, mode, siteUrl: siteUrl(), ...(sources ? { sources } : {}) };
    const result = this.send(request, onProgress).then((reply) => {
      if (reply.type !== 'result') throw new EngineError('internal', `The engine answered a generation with "${reply.type}".`);
      return { patches: reply.patches, runtime: reply.runtime };
    });
    return { id, result };
  }

  /** Loads the models of these settings and warms them up, ahead of the first Generate. */
  prepare(config: DiffusionConfig): { id: number; ready: Promise<EngineReady> } {
    const id = this.nextId++;
    const request: EngineRequest = { id, type: 'prepare', config, siteUrl: siteUrl() };
    const ready = this.send(request, () => undefined).then((reply) => {
      if (reply.type !== 'ready') throw new EngineError('internal', `The engine answered a warm-up with "${reply.type}".`);
      return { runtime: reply.runtime, warmUpMs: reply.warmUpMs };
    });
    return { id, ready };
  }

  cancel(id: number): void {
    const request: EngineRequest = { id: this.nextId++, type: 'cancel', target: id };
    this.worker.postMessage(request);
  }
}

/** Where the site serves models/ and wasm/; the worker's own URL is under assets/. */
const siteUrl = () => new URL('.', location.href).href;

let shared: EngineClient | undefined;

/** The page's one engine, started on first use. */
export const engine = (): EngineClient => (shared ??= new EngineClient());
