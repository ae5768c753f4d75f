import { create } from 'zustand';
import type { GeneratedPatch } from '../../plan/refactorPlan';
import { useGeneration } from './generationStore';
import type { MeasuredPass } from './runEstimate';

/** The models and runtime a pass was timed on: a time says nothing about another model or backend. */
export const passTimeKey = (model: string, backend: string, precision: string): string => `${model}|${backend}|${precision}`;

export interface PassTimeState {
  /** The last diffusion run's pass, by passTimeKey. */
  measured: Record<string, MeasuredPass>;
  record(patch: GeneratedPatch): void;
}

/** A run's time per forward pass, all of its work included, where it took the diffusion path. */
export function measuredPass(patch: GeneratedPatch): MeasuredPass | null {
  const { sample, context } = patch;
  if (sample.path !== 'diffusion' || sample.nfe <= 0 || !context || context.tokens <= 0) return null;
  const wholeFileSeen = context.keptLines === context.totalLines;
  return { msPerPass: sample.generationTimeMs / sample.nfe, sequenceTokens: context.tokens, charsPerToken: wholeFileSeen ? patch.originalCode.length / context.tokens : null };
}

/** Time per forward pass measured by this page's own runs, for the estimate next to Generate. */
export const usePassTimes = create<PassTimeState>()((setState, getState) => ({
  measured: {},
  record(patch) {
    const pass = measuredPass(patch);
    if (pass) setState({ measured: { ...getState().measured, [passTimeKey(patch.model.id, patch.model.backend, patch.model.quant)]: pass } });
  },
}));

// Every run that finishes is a measurement of this machine and backend (a result reopened from the history is not a new one).
useGeneration.subscribe((state, previous) => {
  if (previous.status === 'running' && state.status === 'done' && state.patch) usePassTimes.getState().record(state.patch);
});
