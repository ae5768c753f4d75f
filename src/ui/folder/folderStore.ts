import { del, set } from 'idb-keyval';
import { create } from 'zustand';
import type { DiffusionConfig } from '../../models/diffusionConfig';
import type { GeneratedPatch } from '../../plan/refactorPlan';
import { type RepositoryPatch, repositoryPatch } from '../../plan/repositoryPatch';
import { type RepositoryPlan, repositoryPlans } from '../../plan/repositoryPlans';
import type { FolderSource, WritableFolder } from '../../repository/folderSource';
import { type Repository, scanRepository, skippedNote } from '../../repository/repository';
import { RepositoryIndex } from '../../repository/repositoryIndex';
import { type RefusedFile, undoWriteBack, type WrittenFile, writeBack } from '../../repository/writeBack';
import type { MaskMode } from '../../syntax/maskSpans';
import { useAppState } from '../app/appStateStore';
import { browserParser } from '../editor/browserParser';
import { useGeneration } from '../generate/generationStore';
import type { HunkDecision } from '../review/reviewHunks';
import { reviewedFileText } from './folderReview';

/** The IndexedDB key of the copies of the files the last Apply to folder overwrote, kept until dismissed. */
export const FOLDER_UNDO_KEY = 'builder-folder-undo';

export interface FolderMessage {
  kind: 'error' | 'info';
  text: string;
}

/** The last folder generation: its plans (with the related code each saw), results and the one patch. */
export interface FolderRun {
  plans: RepositoryPlan[];
  patches: GeneratedPatch[];
  combined: RepositoryPatch;
  /** The content hash of each file as read, by path: Apply writes a file only if it still has it. */
  readHashes: Record<string, string>;
}

export interface FolderState {
  name: string | null;
  folder: FolderSource | null;
  writable: boolean;
  repository: Repository | null;
  index: RepositoryIndex | null;
  /** What the tree leaves out, in words. */
  note: string | null;
  indexing: boolean;
  /** The folder's file open in the editor; null when the editor holds a file from elsewhere. */
  openPath: string | null;
  /** Ticked target keys of the folder's other files, by path; the open file's live in the app state. */
  ticks: Record<string, string[]>;
  message: FolderMessage | null;
  run: FolderRun | null;
  /** The user's per-change decisions on the run's files that can apply, by path: what Download patch and Apply to folder write. */
  decisions: Record<string, HunkDecision[]>;
  /** The files Apply to folder is about to write, while the user confirms. */
  confirming: string[] | null;
  /** What the last Apply wrote, for Undo, until dismissed. */
  written: WrittenFile[];
  refused: RefusedFile[];
  open(folder: FolderSource, name: string, writable: boolean): Promise<void>;
  close(): void;
  openFile(path: string): Promise<void>;
  /** Every ticked target key, by path, the open file's included. */
  allTicks(): Record<string, string[]>;
  generate(config: DiffusionConfig, prompt: string, mode: MaskMode): Promise<void>;
  decide(path: string, decisions: HunkDecision[]): void;
  askApply(): void;
  cancelApply(): void;
  apply(): Promise<void>;
  undo(): Promise<void>;
  dismissUndo(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const INITIAL = {
  name: null,
  folder: null,
  writable: false,
  repository: null,
  index: null,
  note: null,
  indexing: false,
  openPath: null,
  ticks: {},
  message: null,
  run: null,
  decisions: {},
  confirming: null,
  written: [],
  refused: [],
};

/** The run's files that can apply with at least one change kept. */
const keptFiles = (run: FolderRun, decisions: Record<string, HunkDecision[]>) =>
  run.combined.files.filter((f) => f.verdict === 'applies' && reviewedFileText(f, decisions[f.path]) !== f.patch.originalCode);

/** An opened folder: its tree, the file open in the editor, ticks per file, and the folder generation with write-back and undo. */
export const useFolder = create<FolderState>()((setState, getState) => ({
  ...INITIAL,

  async open(folder, name, writable) {
    setState({ ...INITIAL, name, message: { kind: 'info', text: `Reading ${name}…` } });
    try {
      const repository = await scanRepository(folder);
      const index = new RepositoryIndex(repository, folder, await browserParser());
      const access = writable ? 'with write access' : 'read-only (Apply to folder needs a folder opened with the directory picker)';
      setState({ folder, writable, repository, index, note: skippedNote(repository), indexing: true, message: { kind: 'info', text: `Opened ${name}: ${repository.files.length} files, ${access}.` } });
      // Outlines of every source file, ahead of the first search for related code.
      await index.indexAll();
      if (getState().index === index) setState({ indexing: false });
    } catch (error) {
      setState({ ...INITIAL, message: { kind: 'error', text: `Could not open ${name}: ${(error as Error).message}` } });
    }
  },

  close() {
    setState(INITIAL);
  },

  allTicks() {
    const { ticks, openPath } = getState();
    const all = { ...ticks };
    if (openPath !== null && useAppState.getState().fileName === openPath) all[openPath] = useAppState.getState().checked;
    return Object.fromEntries(Object.entries(all).filter(([, keys]) => keys.length > 0));
  },

  async openFile(path) {
    const { index, openPath } = getState();
    if (!index) return;
    const file = await index.file(path);
    if (!file) {
      const why = index.unreadable.find((u) => u.path === path)?.message ?? `${path} is not in a language Builder outlines.`;
      setState({ message: { kind: 'error', text: `${why} The editor still holds your previous code.` } });
      return;
    }
    const app = useAppState.getState();
    const ticks = { ...getState().ticks };
    if (openPath !== null && app.fileName === openPath) {
      ticks[openPath] = app.checked;
      // Edits in the editor are kept with the file they were made in.
      if (app.text !== (await index.file(openPath))?.text) index.provide(openPath, app.text, (await index.file(openPath))!.hash);
    }
    app.openText(file.text, path);
    useAppState.setState({ checked: ticks[path] ?? [] });
    delete ticks[path];
    setState({ ticks, openPath: path, message: null });
  },

  async generate(config, prompt, mode) {
    const { index, openPath } = getState();
    if (!index) return;
    const app = useAppState.getState();
    if (openPath !== null && app.fileName === openPath) {
      const read = await index.file(openPath);
      if (read && read.text !== app.text) index.provide(openPath, app.text, read.hash);
    }
    let plans: RepositoryPlan[];
    try {
      const files = Object.entries(getState().allTicks()).map(([path, targets]) => ({ path, targets }));
      plans = await repositoryPlans(index, files, prompt);
    } catch (error) {
      setState({ message: { kind: 'error', text: (error as Error).message } });
      return;
    }
    const sources: Record<string, string> = {};
    const readHashes: Record<string, string> = {};
    for (const { plan } of plans) {
      const file = (await index.file(plan.filePath))!;
      sources[plan.filePath] = file.text;
      readHashes[plan.filePath] = file.hash;
    }
    setState({ run: null, confirming: null, message: null });
    const generation = useGeneration.getState();
    await generation.generate(
      plans.map((p) => p.plan),
      app.text,
      config,
      mode,
      app.fileName,
      sources,
    );
    const after = useGeneration.getState();
    if (after.status !== 'done') return;
    const patches = after.batch.length > 0 ? after.batch : after.patch ? [after.patch] : [];
    setState({ run: { plans, patches, combined: repositoryPatch(patches), readHashes }, decisions: {} });
  },

  decide(path, decisions) {
    setState({ decisions: { ...getState().decisions, [path]: decisions } });
  },

  askApply() {
    const { run, decisions } = getState();
    if (!run) return;
    const paths = keptFiles(run, decisions).map((f) => f.path);
    setState(paths.length > 0 ? { confirming: paths } : { message: { kind: 'error', text: 'No file can be written: none of the results applies, or every change was rejected.' } });
  },

  cancelApply() {
    setState({ confirming: null });
  },

  async apply() {
    const { run, folder, writable, index, confirming, openPath, decisions } = getState();
    if (!run || !folder || !writable || !index || !confirming) return;
    setState({ confirming: null });
    const texts = new Map(
      keptFiles(run, decisions)
        .filter((f) => confirming.includes(f.path))
        .map((f) => [f.path, reviewedFileText(f, decisions[f.path])]),
    );
    const writes = [...texts].map(([path, text]) => ({ path, expectedHash: run.readHashes[path]!, bytes: encoder.encode(text) }));
    const result = await writeBack(folder as WritableFolder, writes);
    // The copies outlive the tab: until the user dismisses them, what was overwritten can be put back.
    await set(FOLDER_UNDO_KEY, { folder: getState().name, written: result.written });
    for (const written of result.written) {
      const text = texts.get(written.path)!;
      index.provide(written.path, text, written.writtenHash);
      if (written.path === openPath && useAppState.getState().fileName === openPath) useAppState.getState().setText(text);
    }
    const wrote = result.written.length > 0 ? `Wrote ${result.written.map((w) => w.path).join(', ')}; Undo puts them back.` : 'Nothing was written.';
    setState({
      written: result.written,
      refused: result.refused,
      message: { kind: result.refused.length > 0 ? 'error' : 'info', text: [wrote, ...result.refused.map((r) => r.message)].join(' ') },
    });
  },

  async undo() {
    const { folder, written, index, openPath } = getState();
    if (!folder || written.length === 0 || !index) return;
    const result = await undoWriteBack(folder as WritableFolder, written);
    for (const restored of result.written) {
      const previous = written.find((w) => w.path === restored.path)!.previous;
      const text = decoder.decode(previous);
      index.provide(restored.path, text, restored.writtenHash);
      if (restored.path === openPath && useAppState.getState().fileName === openPath) useAppState.getState().setText(text);
    }
    await del(FOLDER_UNDO_KEY);
    const undone = result.written.length > 0 ? `Restored ${result.written.map((w) => w.path).join(', ')}.` : 'Nothing was restored.';
    setState({ written: [], refused: result.refused, message: { kind: result.refused.length > 0 ? 'error' : 'info', text: [undone, ...result.refused.map((r) => r.message)].join(' ') } });
  },

  async dismissUndo() {
    await del(FOLDER_UNDO_KEY);
    setState({ written: [], refused: [], message: null });
  },
}));
