import { useEffect, useRef, useState } from 'react';
import type { CachedModel } from '../../models/cachedModel';
import { type DownloadProgress, formatBytes, formatDuration } from '../../models/downloadProgress';
import { MODEL_REGISTRY, type RegistryModel } from '../../models/modelRegistry';
import { useAppState } from '../app/appStateStore';
import { openKnownAnswerExample } from '../app/openExample';
import { useWarmUp } from '../generate/warmUpStore';
import { builtInModelKind, KNOWN_ANSWER_MODEL } from './builtInModels';
import { HUB_HOSTS, hubSourceOf } from './hubSource';
import { directoryPicker, filesOfDirectory, filesOfDrop, filesOfInput } from './modelFolderFiles';
import { FOLDER_IMPORT, type ModelState, modelInUse, settingOfKind, settingsPrecision, useModels } from './modelStore';

function ProgressLine({ label, progress }: { label: string; progress: DownloadProgress | null }) {
  if (!progress) return <p className="small muted">Reading the manifest…</p>;
  const speed = progress.bytesPerSecond ? `, ${formatBytes(progress.bytesPerSecond)}/s` : '';
  const eta = progress.etaSeconds !== null && progress.etaSeconds > 0 ? `, ${formatDuration(progress.etaSeconds)} left` : '';
  return (
    <>
      <progress aria-label={label} value={progress.doneBytes} max={progress.totalBytes} />
      <p className="small muted model-progress">
        {formatBytes(progress.doneBytes)} of {formatBytes(progress.totalBytes)}
        {speed}
        {eta}
        {progress.tensors ? `, ${progress.tensors.done}/${progress.tensors.total} tensors` : ''}; {progress.phase} {progress.file}
      </p>
    </>
  );
}

/** What a Hub download would fetch, store and contact, shown before the user agrees to it. */
function HubOffer({ model, asked, onAgree, onDismiss }: { model: RegistryModel; asked: ModelState['hubPlans'][string]; onAgree(): void; onDismiss(): void }) {
  const { plan, precision } = asked;
  const repo = hubSourceOf(model)!.repo;
  if (!plan) return <p className="small muted">Asking the Hub what {repo} holds…</p>;
  const converts = plan.layout === 'checkpoint';
  return (
    <fieldset className="hub-offer small" aria-label={`Get ${model.id} from Hugging Face`}>
      <p>
        {repo}@{plan.commit.slice(0, 7)}: download {formatBytes(plan.downloadBytes)}
        {converts ? `, converted here to ${precision}: about ${formatBytes(plan.convertedBytes)} stored` : `, stored as it is (${precision})`}.
      </p>
      <p>Licence: {plan.license ?? 'not stated on its model card; read it on the Hub before use'}.</p>
      <p>Contacts only: {HUB_HOSTS.join(', ')}. Nothing of your code or prompt is sent.</p>
      <div className="buttons">
        <button type="button" aria-label={`Download ${model.id} from Hugging Face`} onClick={onAgree}>
          {converts ? 'Download and convert' : 'Download'}
        </button>
        <button type="button" onClick={onDismiss}>
          Not now
        </button>
      </div>
    </fieldset>
  );
}

function cacheStatus(cached: CachedModel | undefined, model: RegistryModel | undefined): string {
  if (cached && !cached.partial) return `Cached and verified: ${cached.completePrecisions.join(', ')}, ${formatBytes(cached.storedBytes)}`;
  if (cached) return `Partly downloaded (${formatBytes(cached.storedBytes)} stored); Download resumes it`;
  // A built-in model is always there: the site serves it; a download only keeps a copy in this browser.
  if (model?.origin.kind === 'generated') return `Built in: served with this page (${builtInModelKind(model.id)}); Download keeps a copy for offline use`;
  // Both sizes, always: one that changed with the backend chosen at the first run read as the model growing.
  const sizes = model?.approximateBytes;
  if (sizes) return `Not downloaded; about ${formatBytes(sizes.q4)} at q4, ${formatBytes(sizes.q8)} at q8`;
  return 'Not downloaded';
}

/** A registry note with its `command` spans as code, not raw backticks. */
function noteWithCode(note: string) {
  return note.split('`').map((part, i) => (i % 2 === 1 ? <code key={part}>{part}</code> : part));
}

/**
 * The model manager: the registry's models and the cache, download with one total progress bar,
 * delete, storage use, and "Load model folder" (picker, folder input, or a folder dropped here).
 */
export function ModelManager() {
  const models = useModels();
  const settings = useAppState((state) => state.settings);
  const setSettings = useAppState((state) => state.setSettings);
  const precision = settingsPrecision(
    settings,
    useWarmUp((state) => state.runtime),
  );
  const folderInput = useRef<HTMLInputElement>(null);
  const section = useRef<HTMLElement>(null);
  const [dropping, setDropping] = useState(false);

  useEffect(() => {
    void useModels.getState().refresh();
    // The app takes any dropped file as source code in its capture phase; a folder dropped on this
    // panel must reach it first, so it is caught on the window, before React sees the event.
    const onDrop = (event: DragEvent) => {
      if (!event.dataTransfer || !section.current?.contains(event.target as Node)) return;
      event.preventDefault();
      event.stopPropagation();
      setDropping(false);
      const files = filesOfDrop(event.dataTransfer);
      const store = useModels.getState();
      if (!files) return store.folderProblem('Drop one model folder here: the folder that holds manifest.json.');
      void files.then(store.importFolder, (error: Error) => store.folderProblem(`The dropped folder cannot be read: ${error.message}`));
    };
    addEventListener('drop', onDrop, { capture: true });
    return () => removeEventListener('drop', onDrop, { capture: true });
  }, []);

  const loadFolder = async () => {
    const picker = directoryPicker();
    if (!picker) return folderInput.current?.click();
    let dir: FileSystemDirectoryHandle;
    try {
      dir = await picker();
    } catch (error) {
      if ((error as Error).name !== 'AbortError') models.folderProblem(`The folder cannot be opened: ${(error as Error).message}`);
      return;
    }
    await models.importFolder(await filesOfDirectory(dir));
  };

  const extra = models.cached.filter((cached) => !MODEL_REGISTRY.some((m) => m.id === cached.id));
  const rows: { id: string; model?: RegistryModel }[] = [...MODEL_REGISTRY.map((model) => ({ id: model.id, model })), ...extra.map(({ id }) => ({ id }))];
  const { storage } = models;
  const importing = models.installs[FOLDER_IMPORT];
  const folderNotice = models.notices[FOLDER_IMPORT];

  return (
    <section
      ref={section}
      className={`model-manager${dropping ? ' dropping' : ''}`}
      aria-label="Models"
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
    >
      <div className="panel-title">
        <h2>Models</h2>
        <button
          type="button"
          onClick={() => void loadFolder()}
          disabled={!!importing}
          title="A converted model folder (with manifest.json), or a Hugging Face checkpoint folder (config.json and safetensors) to convert here; or drop the folder here"
        >
          Load model folder
        </button>
        <input
          ref={folderInput}
          type="file"
          className="visually-hidden"
          aria-label="Model folder"
          tabIndex={-1}
          {...{ webkitdirectory: '' }}
          onChange={(e) => {
            const files = e.target.files;
            if (files?.length) void models.importFolder(filesOfInput(files)).then(() => (e.target.value = ''));
          }}
        />
      </div>
      <p className="small models-about" role="note" aria-label="About the models">
        The built-in models are test models: the demo ones have random weights, the known-answer one knows one synthetic task. Real code needs a real model: get one below from Hugging Face, or load a
        converted folder.
      </p>
      {storage && (
        <p className="small muted" role="note" aria-label="Storage use">
          {storage.usage !== null && storage.quota !== null ? `Storage: ${formatBytes(storage.usage)} used of ${formatBytes(storage.quota)} this site may use` : 'Storage use unknown'}
          {storage.persisted ? ' (persistent)' : storage.persisted === false ? ' (the browser may evict it under pressure)' : ''}
        </p>
      )}
      {importing && <ProgressLine label="Loading model folder" progress={importing.progress} />}
      {folderNotice && (
        <p className={`notice notice-${folderNotice.kind}`} role={folderNotice.kind === 'error' ? 'alert' : 'status'}>
          {folderNotice.message}
        </p>
      )}
      <ul className="model-list">
        {rows.map(({ id, model }) => {
          const cached = models.cached.find((c) => c.id === id);
          const install = models.installs[id];
          const notice = models.notices[id];
          const ready = cached?.completePrecisions.includes(precision);
          const kind = model?.kind ?? cached?.manifest?.kind;
          const inUse = kind !== undefined && modelInUse(settings, kind) === id;
          return (
            <li key={id} className="model-row" aria-label={id}>
              <div className="model-head">
                <strong title={model?.note}>{model?.label ?? id}</strong>
                <span className="muted small">{model?.kind ?? cached?.manifest?.kind}</span>
              </div>
              {(model?.licence ?? cached?.manifest?.licence) && <p className="small muted">Licence: {model?.licence ?? cached?.manifest?.licence}</p>}
              {inUse && <p className="small model-in-use">{kind === 'diffusion' ? 'Generate uses this model' : 'Generate falls back to this model'}</p>}
              {install ? <ProgressLine label={`Downloading ${id}`} progress={install.progress} /> : <p className="small model-status">{cacheStatus(cached, model)}</p>}
              {model && models.hubPlans[id] && !install && (
                <HubOffer model={model} asked={models.hubPlans[id]} onAgree={() => void models.pullFromHub(model)} onDismiss={() => models.dismissHub(id)} />
              )}
              {!install && !cached && model && !model.folderUrl && (
                <details className="small muted">
                  <summary>Other ways to get it</summary>
                  {noteWithCode(model.note)}
                </details>
              )}
              <div className="buttons">
                {model && hubSourceOf(model) && !install && !ready && !models.hubPlans[id] && (
                  <button
                    type="button"
                    aria-label={`Get ${id} from Hugging Face`}
                    title="Asks the Hub what it would download; nothing is fetched until you agree"
                    onClick={() => void models.askHub(model, precision)}
                  >
                    Get from Hugging Face
                  </button>
                )}
                {model?.folderUrl && !install && !ready && (
                  <button type="button" aria-label={`Download ${id}`} title={`The ${precision} files, the precision the settings use`} onClick={() => void models.download(model, precision)}>
                    Download
                  </button>
                )}
                {install && (
                  <button type="button" aria-label={`Stop downloading ${id}`} onClick={() => models.stop(id)}>
                    Cancel
                  </button>
                )}
                {/* Only at the precision Generate loads: a model cached at another one is offered that precision instead. */}
                {ready && !install && kind && !inUse && (
                  <button
                    type="button"
                    aria-label={`Use ${id}`}
                    title={kind === 'diffusion' ? 'Generate with this model' : 'Let this model rewrite what the diffusion model leaves broken'}
                    onClick={() => setSettings({ ...settings, [settingOfKind(kind)]: id })}
                  >
                    {kind === 'diffusion' ? 'Use for Generate' : 'Use as fallback'}
                  </button>
                )}
                {id === KNOWN_ANSWER_MODEL && (
                  <button type="button" title="Open the known-answer task's example with this model chosen" onClick={openKnownAnswerExample}>
                    Try the example
                  </button>
                )}
                {cached && !install && (
                  <button type="button" aria-label={`Delete ${id}`} onClick={() => void models.remove(id)}>
                    Delete
                  </button>
                )}
              </div>
              {notice && (
                <p className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
                  {notice.message}
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
