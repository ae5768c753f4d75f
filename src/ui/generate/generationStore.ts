import { create } from 'zustand';
import type { Runtime } from '../../models/backendChoice';
import type { DiffusionConfig } from '../../models/diffusionConfig';
import type { EngineProgress } from '../../plan/engine';
import type { GeneratedPatch, RefactorPlan } from '../../plan/refactorPlan';
import type { MaskMode } from '../../syntax/maskSpans';
import { engine } from './engineClient';
import { pagePlans } from './pagePlans';
import { useWarmUp } from './warmUpStore';

export interface GenerationState {
  status: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
  requestId: number | null;
  progress: EngineProgress | null;
  /** When the first denoising step was reported, and what it had revealed: tokens/s counts from there, not from model loading. */
  firstStep: { at: number; revealed: number } | null;
  message: string | null;
  /** When Generate was pressed (performance.now()): the time a run takes is counted from the click. */
  startedAt: number | null;
  /** The run's denoising so far, one entry per pass of the steps (diffusion, each remask round, the fallback): one bar for the whole run. */
  segments: RunSegment[];
  /** The result shown in the diff view. */
  patch: GeneratedPatch | null;
  /** The editor's file the shown result was made from: it is reviewed and applied only there. */
  resultFile: string | null;
  /** Results set aside (another file opened, a new run, Discard), newest first, a few per file. */
  history: { file: string; patch: GeneratedPatch }[];
  /** Every result of the last imported plans file, in the order they ran; empty after a single plan. */
  batch: GeneratedPatch[];
  /** Where the last generation ran, and the fallbacks it took. */
  runtime: Runtime | null;
  /**
   * `file`: the editor's file the run is made from. `sources`: the files of an opened folder by
   * path, when the plans span several (see EngineRequest).
   */
  generate(plans: RefactorPlan[], source: string, config: DiffusionConfig, mode: MaskMode, file: string, sources?: Record<string, string>): Promise<void>;
  show(patch: GeneratedPatch): void;
  /** Takes the shown result off the stage, into the history of its file. */
  setAside(): void;
  /** Shows a result of the history again (the one shown goes into the history). */
  reopen(file: string, patch: GeneratedPatch): void;
  /** Forgets the shown result (it was applied). */
  dismiss(): void;
  cancel(): void;
}

export interface RunSegment {
  phase: 'diffusion' | 'remask' | 'fallback';
  step: number;
  total: number;
}

/** How long each result took from the click on Generate to its arrival, engine start included. */
const fromClick = new WeakMap<GeneratedPatch, number>();
export const millisecondsFromClick = (patch: GeneratedPatch): number | undefined => fromClick.get(patch);

/** Adds a progress report to the run's segments: a new phase, or a step count that starts again (the next remask round), opens a segment. */
function withStep(segments: RunSegment[], phase: RunSegment['phase'], step: number, total: number): RunSegment[] {
  const last = segments.at(-1);
  if (last && last.phase === phase && step >= last.step) return [...segments.slice(0, -1), { phase, step, total }];
  return [...segments, { phase, step, total }];
}

/** The run in flight: Cancel aborts it, and a run's progress counts only while it is the latest. */
let latestRun = 0;
let running: AbortController | undefined;

/** Results kept per file once set aside. */
const HISTORY_PER_FILE = 5;

function withSetAside(history: GenerationState['history'], file: string | null, patch: GeneratedPatch | null): GenerationState['history'] {
  if (!patch || file === null) return history;
  const kept = [{ file, patch }, ...history.filter((entry) => entry.patch !== patch)];
  return kept.filter((entry, i) => entry.file !== file || kept.slice(0, i).filter((e) => e.file === file).length < HISTORY_PER_FILE);
}

/** One generation at a time, run by the engine worker; the page only shows what it reports. */
export const useGeneration = create<GenerationState>()((setState, getState) => ({
  status: 'idle',
  requestId: null,
  progress: null,
  firstStep: null,
  message: null,
  startedAt: null,
  segments: [],
  patch: null,
  resultFile: null,
  history: [],
  batch: [],
  runtime: null,
  async generate(plans, source, config, mode, file, sources) {
    if (getState().status === 'running') {
      setState({ message: 'A generation is already running; cancel it first.' });
      return;
    }
    const clickedAt = performance.now();
    // The user's own run matters more than a warm-up for it.
    useWarmUp.getState().stop();
    const id = ++latestRun;
    const controller = new AbortController();
    running = controller;
    const onProgress = (progress: EngineProgress) => {
      if (getState().requestId !== id) return;
      const firstStep = getState().firstStep ?? ('step' in progress ? { at: performance.now(), revealed: progress.revealed } : null);
      const segments = 'step' in progress ? withStep(getState().segments, progress.phase, progress.step, progress.total) : getState().segments;
      setState({ progress, firstStep, segments });
    };
    const { patch, resultFile, history } = getState();
    // The old result is not live under the progress: it waits in its file's history.
    setState({
      status: 'running',
      requestId: id,
      progress: null,
      firstStep: null,
      message: null,
      startedAt: clickedAt,
      segments: [],
      patch: null,
      history: withSetAside(history, resultFile ?? patch?.filePath ?? null, patch),
    });
    try {
      const run = pagePlans(plans, { file, text: source }, mode, sources);
      const { patches, runtime } = await engine().engine(config, run.files).generate(run.plans, { signal: controller.signal, onProgress });
      const took = performance.now() - clickedAt;
      for (const patch of patches) fromClick.set(patch, took);
      setState({
        status: 'done',
        patch: patches.find((p) => p.sample.path !== 'error') ?? patches[0] ?? null,
        resultFile: file,
        batch: patches.length > 1 ? patches : [],
        runtime,
        message: null,
      });
    } catch (error) {
      const cancelled = (error as Error).name === 'AbortError';
      setState({ status: cancelled ? 'cancelled' : 'failed', message: cancelled ? 'Cancelled.' : (error as Error).message });
    } finally {
      if (running === controller) running = undefined;
      if (getState().requestId === id) setState({ requestId: null, progress: null });
    }
  },
  show(patch) {
    setState({ patch });
  },
  setAside() {
    const { patch, resultFile, history } = getState();
    setState({ patch: null, batch: [], status: 'idle', message: null, history: withSetAside(history, resultFile ?? patch?.filePath ?? null, patch) });
  },
  reopen(file, patch) {
    const { patch: shown, resultFile, history } = getState();
    const rest = withSetAside(history, resultFile ?? shown?.filePath ?? null, shown).filter((entry) => entry.patch !== patch);
    setState({ patch, resultFile: file, batch: [], status: 'done', message: null, history: rest });
  },
  dismiss() {
    setState({ patch: null, status: 'idle', message: null });
  },
  cancel() {
    running?.abort();
  },
}));
