import { deserializeError } from '../../errors/errorTransfer';
import type { DiffusionConfig } from '../../models/diffusionConfig';
import type { Engine, EngineOptions, EnginePlan, EngineProgress, EngineRun } from '../../plan/engine';
import { ENGINE_ERRORS, type EngineReply, type EngineRequest, type PageFiles } from '../../worker/engineProtocol';

export type EngineReady = Omit<Extract<EngineReply, { type: 'ready' }>, 'id' | 'type'>;

/** The engine worker itself failed (it crashed, restarted or answered out of turn); the engine's own errors arrive as their own classes. */
export class EngineError extends Error {
  override name = 'EngineError';
}

/** What the client needs of a Worker; tests hand it one that runs in Node. */
export type EngineWorker = Pick<Worker, 'postMessage' | 'terminate' | 'onmessage' | 'onerror'>;

const startEngineWorker = (): EngineWorker => new Worker(new URL('../../worker/engine.worker.ts', import.meta.url), { type: 'module' });

type ModelRequest = Exclude<EngineRequest, { type: 'cancel' }>;

interface Pending {
  request: ModelRequest;
  settle(reply: Extract<EngineReply, { type: 'result' | 'ready' }>): void;
  reject(error: Error): void;
  onProgress(progress: EngineProgress): void;
}

/**
 * The page's side of the engine worker: the Engine interface (src/plan/engine.ts) over messages,
 * as web-llm's WebWorkerMLCEngine is its MLCEngineInterface over them (mlc-ai/web-llm,
 * src/web_worker.ts). Requests go by id with progress pushed; an aborted signal becomes a cancel
 * message; an error arrives as its own class with its fields. A worker that dies is replaced,
 * and a generation the GPU failed under runs once more on WASM in a fresh worker.
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
    for (const pending of this.pending.values()) pending.reject(new EngineError(message));
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
      const retry = { ...request, gpuFault: reply.error.message };
      this.pending.set(reply.id, { ...pending, request: retry });
      this.worker.postMessage(retry);
      return;
    }
    this.pending.delete(reply.id);
    if (reply.type === 'error') pending.reject(deserializeError(reply.error, ENGINE_ERRORS));
    else pending.settle(reply);
  }

  /** Sends a request and settles with its reply; the signal's abort is sent on as a cancel, to whichever worker runs it then. */
  private send(request: ModelRequest, options: EngineOptions): Promise<Extract<EngineReply, { type: 'result' | 'ready' }>> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const cancel = () => this.worker.postMessage({ id: this.nextId++, type: 'cancel', target: request.id } satisfies EngineRequest);
    signal?.addEventListener('abort', cancel, { once: true });
    return new Promise<Extract<EngineReply, { type: 'result' | 'ready' }>>((settle, reject) => {
      this.pending.set(request.id, { request, settle, reject, onProgress: (progress) => options.onProgress?.(progress) });
      this.worker.postMessage(request);
    }).finally(() => signal?.removeEventListener('abort', cancel));
  }

  /**
   * The engine of these settings, in the worker. `files`: the texts the page holds by path (an
   * opened folder's, or the editor's file), for the related files the plans' context names.
   */
  engine(config: DiffusionConfig, files: PageFiles = { sources: {} }): Engine {
    return {
      generate: async (plans: readonly EnginePlan[], options: EngineOptions = {}): Promise<EngineRun> => {
        const request: ModelRequest = { id: this.nextId++, type: 'generate', plans: [...plans], files, config, siteUrl: siteUrl() };
        const reply = await this.send(request, options);
        if (reply.type !== 'result') throw new EngineError(`The engine answered a generation with "${reply.type}".`);
        return { patches: reply.patches, runtime: reply.runtime };
      },
    };
  }

  /** Loads the models of these settings and warms them up, ahead of the first Generate. */
  async prepare(config: DiffusionConfig, options: Pick<EngineOptions, 'signal'> = {}): Promise<EngineReady> {
    const reply = await this.send({ id: this.nextId++, type: 'prepare', config, siteUrl: siteUrl() }, options);
    if (reply.type !== 'ready') throw new EngineError(`The engine answered a warm-up with "${reply.type}".`);
    return { runtime: reply.runtime, warmUpMs: reply.warmUpMs };
  }
}

/** Where the site serves models/ and wasm/; the worker's own URL is under assets/. */
const siteUrl = () => new URL('.', location.href).href;

let shared: EngineClient | undefined;

/** The page's one engine client, started on first use. */
export const engine = (): EngineClient => (shared ??= new EngineClient());
