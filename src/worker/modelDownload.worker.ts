/// <reference lib="webworker" />
import { InputError } from '../errors/inputErrors';
import type { ModelPrecision } from '../models/modelPrecision';
import { listCachedModels } from '../runtime/modelCache';
import { downloadModel } from '../runtime/modelDownload';
import { importModelFolder } from '../runtime/modelFolderImport';
import { type InstallOptions, StorageQuotaError } from '../runtime/modelInstall';
import { opfsModelStore } from '../runtime/opfsModelStore';
import type { ModelDownloadReply, ModelDownloadRequest } from './modelDownloadProtocol';

declare const self: DedicatedWorkerGlobalScope;
const reply = (message: ModelDownloadReply) => self.postMessage(message);

/** Running installs by request id, and which model each writes: one install per model at a time. */
const running = new Map<number, { modelId: string | null; controller: AbortController; done: Promise<unknown> }>();

const estimate = async () => {
  const { usage, quota } = await navigator.storage.estimate();
  return { usage, quota };
};

async function models(id: number): Promise<void> {
  const figures = await estimate();
  reply({ id, type: 'models', models: await listCachedModels(opfsModelStore), storage: { usage: figures.usage ?? null, quota: figures.quota ?? null } });
}

/** A converted model folder is installed as it is; a raw checkpoint folder is converted first. */
const importFolder = async (files: Map<string, Blob>, precision: ModelPrecision, options: InstallOptions) => {
  if (!isCheckpointFolder(files)) return importModelFolder(files, options);
  const { importCheckpointFolder } = await import('../install/checkpointImport');
  return importCheckpointFolder(files, { ...options, precision });
};

/** A raw Hugging Face checkpoint (config.json and safetensors, no manifest of ours). */
const isCheckpointFolder = (files: ReadonlyMap<string, Blob>) => files.has('config.json') && !files.has('manifest.json') && [...files.keys()].some((path) => path.endsWith('.safetensors'));

async function install(request: Extract<ModelDownloadRequest, { type: 'download' | 'import' | 'pull' }>): Promise<void> {
  const modelId = request.type === 'import' ? null : request.modelId;
  if (modelId && [...running.values()].some((r) => r.modelId === modelId)) {
    reply({ id: request.id, type: 'error', kind: 'input', message: `${modelId} is already downloading.` });
    return;
  }
  const controller = new AbortController();
  const options: InstallOptions = {
    store: opfsModelStore,
    signal: controller.signal,
    estimate,
    onProgress: (progress) => reply({ id: request.id, type: 'progress', progress }),
  };
  const done =
    request.type === 'download'
      ? downloadModel({ ...options, id: request.modelId, folderUrl: request.folderUrl, precision: request.precision })
      : request.type === 'pull'
        ? import('../install/hubPull').then(({ pullIntoCache }) =>
            pullIntoCache({
              ...options,
              id: request.modelId,
              ...request.hub,
              endpoint: { url: request.hub.endpoint },
              precision: request.precision,
            }),
          )
        : importFolder(new Map(request.files.map((f) => [f.path, f.file])), request.precision, options);
  running.set(request.id, { modelId, controller, done: done.catch(() => undefined) });
  try {
    reply({ id: request.id, type: 'installed', model: await done });
  } catch (error) {
    const kind = controller.signal.aborted ? 'cancelled' : error instanceof StorageQuotaError ? 'quota' : error instanceof InputError ? 'input' : 'internal';
    reply({
      id: request.id,
      type: 'error',
      kind,
      message: kind === 'cancelled' ? `Stopped; what was downloaded is kept and ${request.type === 'pull' ? 'Get from Hugging Face' : 'Download'} resumes it.` : (error as Error).message,
    });
  } finally {
    running.delete(request.id);
  }
}

async function remove(id: number, modelId: string): Promise<void> {
  // A download of the model stops first, so it cannot write into the folder being removed.
  for (const run of running.values()) {
    if (run.modelId === modelId) {
      run.controller.abort();
      await run.done;
    }
  }
  await opfsModelStore.remove(modelId);
  await models(id);
}

self.onmessage = ({ data }: MessageEvent<ModelDownloadRequest>) => {
  const failed = (error: unknown) => reply({ id: data.id, type: 'error', kind: 'internal', message: (error as Error).message ?? String(error) });
  if (data.type === 'cancel') running.get(data.target)?.controller.abort();
  else if (data.type === 'list') models(data.id).catch(failed);
  else if (data.type === 'delete') remove(data.id, data.modelId).catch(failed);
  else if (data.type === 'hub-plan') {
    // The Hub client and the converter load only when the user asks for a Hub model: the list the page shows at start stays quick.
    import('../install/hubPull')
      .then(({ planFromHub }) => planFromHub({ url: data.hub.endpoint }, data.hub.repo, data.hub.revision, data.precision))
      .then(
        (plan) => reply({ id: data.id, type: 'hub-plan', plan }),
        (error: Error) => reply({ id: data.id, type: 'error', kind: error instanceof InputError ? 'input' : 'internal', message: error.message }),
      );
  } else void install(data);
};
