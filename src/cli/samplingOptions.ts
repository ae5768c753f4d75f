/**
 * The flags of every command that runs a model (`patch`, `batch`, `sample`, `eval`, ...): which
 * runtime, and which precision of the model folder (`--quant` is `--precision`'s older name).
 * Spread them into a command's options and give the values to modelRuntime.ts's chooseBackend,
 * precisionChoice and openModel.
 */
export const RUNTIME_OPTIONS = {
  backend: { type: 'string' },
  precision: { type: 'string' },
  quant: { type: 'string' },
} as const;

/** The sampling flags `patch` and `batch` share, as node:util's parseArgs takes them (a module of its own, so parsing loads no engine). */
export const SAMPLING_OPTIONS = {
  model: { type: 'string' },
  'fallback-model': { type: 'string' },
  preset: { type: 'string' },
  steps: { type: 'string' },
  schedule: { type: 'string' },
  cfg: { type: 'string' },
  temperature: { type: 'string' },
  'top-p': { type: 'string' },
  remasking: { type: 'string' },
  seed: { type: 'string' },
  strength: { type: 'string' },
  ...RUNTIME_OPTIONS,
  'cache-interval': { type: 'string' },
  'parallel-threshold': { type: 'string' },
  'context-tokens': { type: 'string' },
  'no-fallback': { type: 'boolean' },
} as const;
