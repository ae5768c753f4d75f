import { create } from 'zustand';
import { backendPrecision, expectedBackend, type Runtime, resolvePrecision } from '../../models/backendChoice';
import type { CachedModel } from '../../models/cachedModel';
import { createDiffusionConfig, type DiffusionConfigInput } from '../../models/diffusionConfig';
import { type DownloadProgress, formatBytes } from '../../models/downloadProgress';
import type { ModelPrecision } from '../../models/modelPrecision';
import type { RegistryModel } from '../../models/modelRegistry';
import type { HubPlanSummary, StorageFigures } from '../../worker/modelDownloadProtocol';
import { useAppState } from '../app/appStateStore';
import { useWarmUp } from '../generate/warmUpStore';
import { hubSourceOf } from './hubSource';
import { hubErrorMessage } from './hubUnreachable';
import { ModelDownloadClient, ModelDownloadError } from './modelDownloadClient';

export interface ModelNotice {
  kind: 'error' | 'info';
  message: string;
}

/** The key of a folder import in `installs` and `notices`, which has no model id until its manifest is read. */
export const FOLDER_IMPORT = 'folder';

export interface ModelState {
  cached: CachedModel[];
  storage: (StorageFigures & { persisted: boolean | null }) | null;
  /** Running downloads and imports by model id (or FOLDER_IMPORT). */
  installs: Record<string, { requestId: number; progress: DownloadProgress | null }>;
  notices: Record<string, ModelNotice>;
  /** Hub downloads the user asked about, by model id: null while the Hub is asked, then what it would fetch. */
  hubPlans: Record<string, { precision: ModelPrecision; plan: HubPlanSummary | null }>;
  refresh(): Promise<void>;
  /** The user clicked Get from Hugging Face: ask the Hub what it would take (the first request to the Hub). */
  askHub(model: RegistryModel, precision: ModelPrecision): Promise<void>;
  /** The user agreed: download, and convert a checkpoint. */
  pullFromHub(model: RegistryModel): Promise<void>;
  dismissHub(modelId: string): void;
  download(model: RegistryModel, precision: ModelPrecision): Promise<void>;
  /** A converted model folder, or a Hugging Face checkpoint folder, converted to the precision the settings use. */
  importFolder(files: Map<string, Blob>): Promise<void>;
  stop(key: string): void;
  /** A folder that could not be read or dropped: said where the import's messages go. */
  folderProblem(message: string): void;
  remove(modelId: string): Promise<void>;
}

/**
 * The precision downloads fetch and conversions write: the one the settings generate with, `auto`
 * resolved for the backend the engine reported at its warm-up, else the one it is expected to choose.
 */
export function settingsPrecision(settings: DiffusionConfigInput, runtime: Runtime | null): ModelPrecision {
  try {
    const config = createDiffusionConfig(settings);
    return resolvePrecision(config.precision, runtime?.backend ?? expectedBackend(config.backend, 'gpu' in navigator));
  } catch {
    return backendPrecision(runtime?.backend ?? 'webgpu');
  }
}

/** Which setting a model of this kind fills: the diffusion model, or the autoregressive fallback. */
export const settingOfKind = (kind: 'diffusion' | 'autoregressive') => (kind === 'diffusion' ? 'model' : 'fallbackModel');

/** The model id Generate uses for that setting: the user's choice, else the preset's. */
export function modelInUse(settings: DiffusionConfigInput, kind: 'diffusion' | 'autoregressive'): string | undefined {
  const setting = settingOfKind(kind);
  try {
    return createDiffusionConfig({ preset: settings.preset, [setting]: settings[setting] })[setting];
  } catch {
    return settings[setting];
  }
}

let client: ModelDownloadClient | undefined;
const worker = () => (client ??= new ModelDownloadClient());

/** Asked once, when the user first stores a model: a persisted origin's models are not evicted under storage pressure. */
let askedToPersist = false;
async function persistStorage(): Promise<void> {
  if (askedToPersist || !navigator.storage?.persist) return;
  askedToPersist = true;
  await navigator.storage.persist().catch(() => false);
}

/** The model cache as the download worker reports it, and the downloads running now. */
export const useModels = create<ModelState>()((setState, getState) => {
  const setNotice = (key: string, notice: ModelNotice | null) =>
    setState(({ notices }) => {
      const next = { ...notices };
      if (notice) next[key] = notice;
      else delete next[key];
      return { notices: next };
    });
  const showList = async ({ models, storage }: { models: CachedModel[]; storage: StorageFigures }) => {
    const persisted = navigator.storage?.persisted ? await navigator.storage.persisted().catch(() => null) : null;
    setState({ cached: models, storage: { ...storage, persisted } });
  };
  /** `describe`: the words for a failure, where the raw message would not say what to do. */
  const run = async (key: string, start: () => { id: number; model: Promise<CachedModel> }, describe: (message: string) => string = (message) => message) => {
    setNotice(key, null);
    void persistStorage();
    const { id, model } = start();
    setState(({ installs }) => ({ installs: { ...installs, [key]: { requestId: id, progress: null } } }));
    try {
      const installed = await model;
      const size = formatBytes(installed.storedBytes);
      setNotice(key === FOLDER_IMPORT ? installed.id : key, { kind: 'info', message: `${installed.id} is cached and verified (${installed.completePrecisions.join(', ')}, ${size}).` });
    } catch (error) {
      const cancelled = error instanceof ModelDownloadError && error.kind === 'cancelled';
      setNotice(key, { kind: cancelled ? 'info' : 'error', message: cancelled ? (error as Error).message : describe((error as Error).message) });
    } finally {
      setState(({ installs }) => {
        const next = { ...installs };
        delete next[key];
        return { installs: next };
      });
      await getState().refresh();
    }
  };
  const onProgress = (key: string) => (progress: DownloadProgress) => setState(({ installs }) => (installs[key] ? { installs: { ...installs, [key]: { ...installs[key], progress } } } : {}));

  return {
    cached: [],
    storage: null,
    installs: {},
    notices: {},
    hubPlans: {},
    async refresh() {
      try {
        await showList(await worker().list());
      } catch (error) {
        setNotice(FOLDER_IMPORT, { kind: 'error', message: `The model cache cannot be read: ${(error as Error).message}` });
      }
    },
    async download(model, precision) {
      if (!model.folderUrl || getState().installs[model.id]) return;
      const folderUrl = new URL(model.folderUrl, new URL('.', location.href)).href;
      await run(model.id, () => worker().install({ type: 'download', modelId: model.id, folderUrl, precision }, onProgress(model.id)));
    },
    async askHub(model, precision) {
      const hub = hubSourceOf(model);
      if (!hub || getState().installs[model.id]) return;
      setNotice(model.id, null);
      const setPlan = (entry: ModelState['hubPlans'][string] | null) =>
        setState(({ hubPlans }) => {
          const next = { ...hubPlans };
          if (entry) next[model.id] = entry;
          else delete next[model.id];
          return { hubPlans: next };
        });
      setPlan({ precision, plan: null });
      try {
        setPlan({ precision, plan: await worker().hubPlan(model.id, hub, precision) });
      } catch (error) {
        setPlan(null);
        setNotice(model.id, { kind: 'error', message: hubErrorMessage((error as Error).message) });
      }
    },
    async pullFromHub(model) {
      const hub = hubSourceOf(model);
      const asked = getState().hubPlans[model.id];
      if (!hub || !asked?.plan || getState().installs[model.id]) return;
      getState().dismissHub(model.id);
      await run(model.id, () => worker().install({ type: 'pull', modelId: model.id, hub, precision: asked.precision }, onProgress(model.id)), hubErrorMessage);
    },
    dismissHub(modelId) {
      setState(({ hubPlans }) => {
        const next = { ...hubPlans };
        delete next[modelId];
        return { hubPlans: next };
      });
    },
    async importFolder(files) {
      if (getState().installs[FOLDER_IMPORT]) return;
      const precision = settingsPrecision(useAppState.getState().settings, useWarmUp.getState().runtime);
      await run(FOLDER_IMPORT, () => worker().install({ type: 'import', files: [...files].map(([path, file]) => ({ path, file })), precision }, onProgress(FOLDER_IMPORT)));
    },
    stop(key) {
      const install = getState().installs[key];
      if (install) worker().cancel(install.requestId);
    },
    folderProblem(message) {
      setNotice(FOLDER_IMPORT, { kind: 'error', message });
    },
    async remove(modelId) {
      setNotice(modelId, null);
      try {
        await showList(await worker().remove(modelId));
        setNotice(modelId, { kind: 'info', message: `${modelId} was deleted from the cache.` });
      } catch (error) {
        setNotice(modelId, { kind: 'error', message: `Could not delete ${modelId}: ${(error as Error).message}` });
      }
    },
  };
});

/**
 * Why Generate cannot use these models now, or null: a model still downloading is refused here,
 * before the engine would find it half-stored.
 */
export function modelsBusyReason(state: Pick<ModelState, 'installs'>, modelIds: readonly (string | undefined)[]): string | null {
  for (const id of modelIds) {
    const install = id && state.installs[id];
    if (!install) continue;
    const progress = install.progress;
    const share = progress && progress.totalBytes > 0 ? ` (${Math.floor((100 * progress.doneBytes) / progress.totalBytes)}%)` : '';
    return `${id} is still downloading${share}: wait for it to finish, or stop it in the model manager.`;
  }
  return null;
}

/** modelsBusyReason for the models these settings generate with (the diffusion model, and the fallback when it is on). */
export function useModelsBusyReason(settings: DiffusionConfigInput): string | null {
  let ids: (string | undefined)[] = [];
  try {
    const config = createDiffusionConfig(settings);
    ids = [config.model, config.fallback ? config.fallbackModel : undefined];
  } catch {
    // The settings panel says what is wrong with them; no model to wait for.
  }
  // Selecting the message, not the installs, re-renders the caller when the message changes only.
  return useModels((state) => modelsBusyReason(state, ids));
}
