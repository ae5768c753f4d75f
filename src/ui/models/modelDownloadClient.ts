import type { CachedModel } from '../../models/cachedModel';
import type { DownloadProgress } from '../../models/downloadProgress';
import type { ModelPrecision } from '../../models/modelPrecision';
import type { HubPlanSummary, HubSource, ModelDownloadErrorKind, ModelDownloadReply, ModelDownloadRequest, StorageFigures } from '../../worker/modelDownloadProtocol';

/** A failed request, by kind: a cancel is not an error, a full disk is the user's to fix. */
export class ModelDownloadError extends Error {
  override name = 'ModelDownloadError';
  constructor(
    readonly kind: ModelDownloadErrorKind,
    message: string,
  ) {
    super(message);
  }
}

type Answer = Extract<ModelDownloadReply, { type: 'models' | 'installed' | 'hub-plan' }>;
type Request = ModelDownloadRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(answer: Answer): void;
  reject(error: ModelDownloadError): void;
  onProgress?(progress: DownloadProgress): void;
}

/** The page's side of the model download worker: requests by id, progress pushed, a dead worker replaced. */
export class ModelDownloadClient {
  private worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor() {
    this.worker = this.start();
  }

  private start(): Worker {
    const worker = new Worker(new URL('../../worker/modelDownload.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }: MessageEvent<ModelDownloadReply>) => {
      const pending = this.pending.get(data.id);
      if (!pending) return;
      if (data.type === 'progress') return pending.onProgress?.(data.progress);
      this.pending.delete(data.id);
      if (data.type === 'error') pending.reject(new ModelDownloadError(data.kind, data.message));
      else pending.resolve(data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      // Stored files stay: the completion marker decides what is usable, so a crash loses no finished model.
      for (const pending of this.pending.values()) pending.reject(new ModelDownloadError('internal', `The download worker stopped: ${event.message || 'it crashed'}. Try again.`));
      this.pending.clear();
      this.worker.terminate();
      this.worker = this.start();
    };
    return worker;
  }

  private send(request: Request, onProgress?: (progress: DownloadProgress) => void): { id: number; answer: Promise<Answer> } {
    const id = this.nextId++;
    const answer = new Promise<Answer>((resolve, reject) => this.pending.set(id, { resolve, reject, onProgress }));
    this.worker.postMessage({ ...request, id } as ModelDownloadRequest);
    return { id, answer };
  }

  async list(): Promise<{ models: CachedModel[]; storage: StorageFigures }> {
    return (await this.send({ type: 'list' }).answer) as Extract<Answer, { type: 'models' }>;
  }

  async remove(modelId: string): Promise<{ models: CachedModel[]; storage: StorageFigures }> {
    return (await this.send({ type: 'delete', modelId }).answer) as Extract<Answer, { type: 'models' }>;
  }

  /** What getting `modelId` from the Hub would fetch and store (the Hub is asked now: call it only once the user asked). */
  async hubPlan(modelId: string, hub: HubSource, precision: ModelPrecision): Promise<HubPlanSummary> {
    return ((await this.send({ type: 'hub-plan', modelId, hub, precision }).answer) as Extract<Answer, { type: 'hub-plan' }>).plan;
  }

  /** Starts an install; `id` cancels it. */
  install(request: Extract<Request, { type: 'download' | 'import' | 'pull' }>, onProgress: (progress: DownloadProgress) => void): { id: number; model: Promise<CachedModel> } {
    const { id, answer } = this.send(request, onProgress);
    return { id, model: answer.then((a) => (a as Extract<Answer, { type: 'installed' }>).model) };
  }

  cancel(target: number): void {
    this.worker.postMessage({ id: this.nextId++, type: 'cancel', target } satisfies ModelDownloadRequest);
  }
}
