import { create } from 'zustand';
import type { Runtime } from '../../models/backendChoice';
import { createDiffusionConfig, type DiffusionConfig, type DiffusionConfigInput } from '../../models/diffusionConfig';
import { engine } from './engineClient';

export interface WarmUpState {
  /** The models it is for: a warm-up counts only while the settings name the same ones. */
  key: string | null;
  status: 'idle' | 'waiting' | 'warming' | 'ready' | 'failed';
  runtime: Runtime | null;
  milliseconds: number | null;
  message: string | null;
  /** Loads and warms up the models of these settings once the user pauses; invalid settings are left to Generate to report. */
  warmUp(settings: DiffusionConfigInput): void;
  /** Stops a warm-up that has not finished, so that it does not hold up a Generate. */
  stop(): void;
}

/** How long the settings must stay the same before a warm-up starts: a warm-up for settings about to change is wasted. */
const SETTLE_MS = 1500;

const modelsKey = (config: DiffusionConfig) => JSON.stringify([config.model, config.fallback && config.fallbackModel, config.precision, config.backend]);

function validConfig(settings: DiffusionConfigInput): DiffusionConfig | null {
  try {
    return createDiffusionConfig(settings);
  } catch {
    return null;
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;
let inFlight: AbortController | undefined;

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
    getState().stop();
    const key = modelsKey(config);
    setState({ key, status: 'waiting', message: null });
    timer = setTimeout(() => {
      const controller = new AbortController();
      inFlight = controller;
      setState({ status: 'warming' });
      engine()
        .prepare(config, { signal: controller.signal })
        .then(
          ({ runtime, warmUpMs }) => getState().key === key && setState({ status: 'ready', runtime, milliseconds: warmUpMs }),
          (error: Error) => getState().key === key && setState({ status: 'failed', message: error.message }),
        )
        .finally(() => {
          if (inFlight === controller) inFlight = undefined;
        });
    }, SETTLE_MS);
  },
  stop() {
    clearTimeout(timer);
    inFlight?.abort();
    inFlight = undefined;
    if (getState().status === 'waiting' || getState().status === 'warming') setState({ key: null, status: 'idle' });
  },
}));
