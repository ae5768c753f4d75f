import { create } from 'zustand';
import type { Runtime } from '../core/backendChoice';
import type { DiffusionConfig } from '../core/diffusionConfig';
import type { MaskMode } from '../core/maskSpans';
import type { GeneratedPatch, RefactorPlan } from '../core/refactorPlan';
import { EngineError, type EngineProgress, engine } from './engineClient';
import { useWarmUp } from './warmUpStore';

export interface GenerationState {
  status: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
  requestId: number | null;
  progress: EngineProgress | null;
  /** When the first denoising step was reported, and what it had revealed: tokens/s counts from there, not from model loading. */
  firstStep: { at: number; revealed: number } | null;
  message: string | null;
  /** The result shown in the diff view. */
  patch: GeneratedPatch | null;
  /** Every result of the last imported plans file, in the order they ran; empty after a single plan. */
  batch: GeneratedPatch[];
  /** Where the last generation ran, and the fallbacks it took. */
  runtime: Runtime | null;
  /** `sources`: the files of an opened folder by path, when the plans span several (see EngineRequest). */
  generate(plans: RefactorPlan[], source: string, config: DiffusionConfig, mode: MaskMode, sources?: Record<string, string>): Promise<void>;
  show(patch: GeneratedPatch): void;
  dismiss(): void;
  cancel(): void;
}

/** One generation at a time, run by the engine worker; the page only shows what it reports. */
export const useGeneration = create<GenerationState>()((setState, getState) => ({
  status: 'idle',
  requestId: null,
  progress: null,
  firstStep: null,
  message: null,
  patch: null,
  batch: [],
  runtime: null,
  async generate(plans, source, config, mode, sources) {
    if (getState().status === 'running') {
      setState({ message: 'A generation is already running; cancel it first.' });
      return;
    }
    // The user's own run matters more than a warm-up for it.
    useWarmUp.getState().stop();
    const { id, result } = engine().generate(
      plans,
      source,
      config,
      mode,
      (progress) => {
        if (getState().requestId !== id) return;
        const firstStep = getState().firstStep ?? ('step' in progress ? { at: performance.now(), revealed: progress.revealed } : null);
        setState({ progress, firstStep });
      },
      sources,
    );
    setState({ status: 'running', requestId: id, progress: null, firstStep: null, message: null });
    try {
      const { patches, runtime } = await result;
      setState({ status: 'done', patch: patches.find((p) => p.sample.path !== 'error') ?? patches[0] ?? null, batch: patches.length > 1 ? patches : [], runtime, message: null });
    } catch (error) {
      const cancelled = error instanceof EngineError && error.kind === 'cancelled';
      setState({ status: cancelled ? 'cancelled' : 'failed', message: cancelled ? 'Cancelled.' : (error as Error).message });
    } finally {
      if (getState().requestId === id) setState({ requestId: null, progress: null });
    }
  },
  show(patch) {
    setState({ patch });
  },
  dismiss() {
    setState({ patch: null, status: 'idle', message: null });
  },
  cancel() {
    const { requestId } = getState();
    if (requestId !== null) engine().cancel(requestId);
  },
}));
