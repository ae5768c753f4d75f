import { create } from 'zustand';
import type { Runtime } from '../core/backendChoice';
import { createDiffusionConfig, type DiffusionConfig, type DiffusionConfigInput } from '../core/diffusionConfig';
import { engine } from './engineClient';

export interface WarmUpState {
  /** The models it is for: a warm-up counts only while the settings name the same ones. */
  key: string | null;
  status: 'idle' | 'warming' | 'ready' | 'failed';
  runtime: Runtime | null;
  milliseconds: number | null;
  message: string | null;
  /** Loads and warms up the models of these settings, once per set of models; invalid settings are left to Generate to report. */
  warmUp(settings: DiffusionConfigInput): void;
}

const modelsKey = (config: DiffusionConfig) => JSON.stringify([config.model, config.fallback && config.fallbackModel, config.precision, config.backend]);

function validConfig(settings: DiffusionConfigInput): DiffusionConfig | null {
  try {
    return createDiffusionConfig(settings);
  } catch {
    return null;
  }
}

/**
 * Model loading and shader compilation, done while the user writes the prompt rather than after
 * Generate: the app asks for it once targets are ticked.
 */
export const useWarmUp = create<WarmUpState>()((setState, getState) => ({
  key: null,
  status: 'idle',
  runtime: null,
  milliseconds: null,
  message: null,
  warmUp(settings) {
    const config = validConfig(settings);
    if (!config || getState().key === modelsKey(config)) return;
    const key = modelsKey(config);
    setState({ key, status: 'warming', message: null });
    engine()
      .prepare(config)
      .then(
        ({ runtime, warmUpMs }) => getState().key === key && setState({ status: 'ready', runtime, milliseconds: warmUpMs }),
        (error: Error) => getState().key === key && setState({ status: 'failed', message: error.message }),
      );
  },
}));
