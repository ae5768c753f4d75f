/** The sampling flags `patch` and `batch` share, as node:util's parseArgs takes them (a module of its own, so parsing loads no engine). */
export const SAMPLING_OPTIONS = {
  model: { type: 'string' },
  'fallback-model': { type: 'string' },
  preset: { type: 'string' },
  steps: { type: 'string' },
  schedule: { type: 'string' },
  cfg: { type: 'string' },
  temperature: { type: 'string' },
  seed: { type: 'string' },
  strength: { type: 'string' },
  quant: { type: 'string' },
  'cache-interval': { type: 'string' },
  'parallel-threshold': { type: 'string' },
  'context-tokens': { type: 'string' },
  'no-fallback': { type: 'boolean' },
} as const;
