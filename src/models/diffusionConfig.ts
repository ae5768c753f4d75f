import { closest, distance } from 'fastest-levenshtein';
import { InputError } from '../errors/inputErrors';
import { MAX_SEED } from '../random/rng';
import { PRECISION_CHOICES, type PrecisionChoice } from './modelPrecision';
import { SCHEDULES, type ScheduleName } from './noiseSchedule';
import { pullCommandLine } from './pullCommandLine';

/** Which masked positions are revealed first at each step (docs/sampler.md). */
export type RemaskingStrategy = 'low-confidence' | 'random' | 'margin' | 'entropy';

/** The authors' samplers (src/generate/authors/): dLLM's MDLM and BD3LM, the Dream family's entropy sampler, Open-dLLM's p2, SDAR's block decoding. */
export type AuthorsSamplerName = 'mdlm' | 'bd3lm' | 'dream' | 'p2' | 'fast-dllm-v2' | 'sdar';

/** An authors' sampler, or `builder`: Builder's own (schedules, context cache, parallel threshold). */
export type SamplerName = AuthorsSamplerName | 'builder';

export const SAMPLER_NAMES: readonly SamplerName[] = ['mdlm', 'bd3lm', 'dream', 'p2', 'fast-dllm-v2', 'sdar', 'builder'];

/** The config's choice: a sampler by name, or `authors`: the model family's authors' sampler (Builder's own where the family names none). */
export type SamplerChoice = SamplerName | 'authors';

export const SAMPLER_CHOICES: readonly SamplerChoice[] = ['authors', ...SAMPLER_NAMES];

/** `auto`: WebGPU where the runtime has an adapter, WASM otherwise. */
export type BackendChoice = 'webgpu' | 'wasm' | 'auto';

export type PresetName = 'demo' | 'fast' | 'balanced' | 'quality';

/** Everything that steers one generation; with the same inputs and backend, the same patch. */
export interface DiffusionConfig {
  /** The diffusion model: an id (its folder's name in the models folder) or a folder path. */
  model: string;
  /** The autoregressive model for fill-in-the-middle, an id or folder like `model`. */
  fallbackModel?: string;
  /**
   * Which ONNX file of the model folders to load (`onnx/model_q4.onnx` for q4), for both models;
   * `auto`: the backend's own (q4 on WebGPU, q8 on WASM; core/backendChoice.ts).
   */
  precision: PrecisionChoice;
  /**
   * Which sampler denoises: `authors` runs the model family's authors' sampler (src/generate/authors/,
   * docs/sampler.md), where the settings below that they do not have (cache interval, parallel
   * threshold) must stay off; `builder` runs Builder's own. The provenance lists how a run departs
   * from the authors' settings.
   */
  sampler: SamplerChoice;
  /** Denoising steps; 0: the authors' (their steps per token times the masks; one per token for Builder's own sampler). */
  steps: number;
  schedule: ScheduleName;
  /**
   * Classifier-free guidance scale, uncond + s(cond - uncond); 1 runs no unconditional row at all, 0
   * only the unconditional one. dLLM's samplers get it as their cfg_scale = s - 1 (their
   * un + (cfg + 1)(cond - un)); the Dream-family samplers have no guidance and take only 1.
   */
  cfgScale: number;
  /** 0 samples greedily. */
  temperature: number;
  /** 0 turns top-k off. */
  topK: number;
  /** 1 turns top-p off. */
  topP: number;
  seed: number;
  /** Fraction of the span's original tokens masked; 1 regenerates the whole span. */
  strength: number;
  remasking: RemaskingStrategy;
  /** Rounds of syntax-guided remasking before the fallback is tried. */
  maxRemaskRounds: number;
  /** Whether the autoregressive fallback runs when diffusion fails or stays invalid. */
  fallback: boolean;
  backend: BackendChoice;
  /** A span of n original tokens gets ceil(maskLengthFactor * n) + maskLengthExtra masks. */
  maskLengthFactor: number;
  maskLengthExtra: number;
  /**
   * Context caching: 0 runs every step over the whole sequence; N runs every Nth step over it,
   * caching the keys and values of everything outside the spans, and the steps between over the
   * spans only (an approximation: the cache does not see the tokens revealed since).
   */
  cacheInterval: number;
  /** Parallel decoding: 0 is off; otherwise every masked token at least this likely is revealed in the same step too. */
  parallelThreshold: number;
  /**
   * The most tokens the sequence may hold (prompt, instruction and file): a longer file is given to
   * the model as a context window of it. The model's positions and the backend's memory may set a
   * lower limit (contextBudget).
   */
  contextTokens: number;
}

/** Settings as they come in (flags, a file, a URL, saved settings): a preset and overrides. */
export type DiffusionConfigInput = Partial<DiffusionConfig> & { preset?: PresetName };

/** Bad settings, every one of them: `fields` holds one message per setting, the message all of them. */
export class ConfigError extends InputError {
  override name = 'ConfigError';
  constructor(readonly fields: Record<string, string>) {
    super(`Invalid settings: ${Object.values(fields).join('; ')}`);
  }
}

/** Where a preset's model comes from, for the message shown when it is missing. */
export interface ModelSource {
  /** A Hugging Face repository id, or what makes the model when it is not downloaded. */
  repository: string;
  /** How to get the model folder; MODELS_DIR stands for the models folder. */
  note: string;
}

export interface Preset {
  description: string;
  config: Readonly<DiffusionConfig>;
  modelSource: ModelSource;
}

const REMASKING_STRATEGIES: readonly RemaskingStrategy[] = ['low-confidence', 'random', 'margin', 'entropy'];
const BACKENDS: readonly BackendChoice[] = ['webgpu', 'wasm', 'auto'];
export const PRESET_NAMES: readonly PresetName[] = ['demo', 'fast', 'balanced', 'quality'];

/** What the presets share; they differ in model, steps, guidance, temperature and remasking rounds. */
const COMMON = {
  precision: 'auto',
  sampler: 'authors',
  // Dream-family models are trained with masking uniform in time, which the linear schedule follows.
  schedule: 'linear',
  topK: 0,
  topP: 0.95,
  seed: 0,
  strength: 1,
  remasking: 'low-confidence',
  fallback: true,
  backend: 'auto',
  maskLengthFactor: 1.25,
  maskLengthExtra: 8,
  // A full pass every 8 steps: a 128-token span in a 2,000-token file then costs about a fifth of
  // the uncached run (8 x 2,128 rows against 2,128 + 7 x 128), while the cache never lags more
  // than 7 steps behind the span, well within the per-block refresh Fast-dLLM's dual cache uses.
  cacheInterval: 8,
  parallelThreshold: 0,
  // The 0.5B shape on WASM here (bench/contextSteps.ts; README's bench table: a whole pass 5.8 s at
  // 216 tokens and 51 s at 2,016, a span pass 4.1 s and 7.4 s): at 1,024 tokens a step, refreshes
  // included at cacheInterval 8, is about 8 s; the window keeps the code that matters within it.
  contextTokens: 1024,
} as const satisfies Partial<DiffusionConfig>;

/** dLLM's A2D evaluation settings (ZHZisZZ/dllm examples/a2d/bd3lm/eval.sh): steps = max_new_tokens, cfg_scale 0, temperature 0, low-confidence. */
const AUTHORS_DLLM = { steps: 0, cfgScale: 1, temperature: 0, topP: 1, remasking: 'low-confidence', cacheInterval: 0 } as const satisfies Partial<DiffusionConfig>;

// The base coder, as Qwen shows fill-in-the-middle (core/modelRegistry.ts cites it).
const QWEN_CODER_FALLBACK = 'qwen2.5-coder-0.5b';

const pullNote = (repository: string, id: string, family: string) =>
  `Get it from the Hugging Face Hub and convert it in one step: \`${pullCommandLine(repository, `MODELS_DIR/${id}`, family)}\` (or Get from Hugging Face in the app's model manager).`;

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  demo: {
    description: 'The tiny demo model (random weights, real tokenizer): the real pipeline in seconds, not useful code.',
    // The tiny model's pass over its whole 4,096 positions takes well under a second, so the demo
    // shows every target of a real file whole where the 0.5B budget above would refuse a long one.
    // Builder's own sampler: its guidance, temperature and context cache are the seed's knobs, shown working, on whichever model the user picks.
    config: { ...COMMON, sampler: 'builder', model: 'tiny-diffusion', fallbackModel: 'tiny-autoregressive', steps: 8, cfgScale: 2, temperature: 0.7, maxRemaskRounds: 2, contextTokens: 4096 },
    modelSource: {
      repository: 'generated by this project (scripts/demo-models.ts)',
      note: 'The demo models are generated, not downloaded: run `npm run models` in the project, which writes public/models/tiny-diffusion and public/models/tiny-autoregressive.',
    },
  },
  // Browser-size models of the families (core/modelFamilies.ts, docs/model-families.md). The real models run their authors' sampler and settings exactly (core/modelFamilies.ts cites
  // them): their steps per token (steps 0), their guidance (none: dLLM's cfg_scale 0 is scale 1
  // here), temperature and top-p, and no context cache or parallel threshold, which none of these
  // authors' samplers has (BD3LM's block cache is exact and always on).
  fast: {
    description: "Qwen2.5-Coder 0.5B BD3LM (dLLM Tiny-A2D, Apache-2.0), its authors' sampler and settings (one step per token, blocks of 32).",
    config: { ...COMMON, ...AUTHORS_DLLM, model: 'qwen2.5-coder-0.5b-bd3lm', fallbackModel: QWEN_CODER_FALLBACK, maxRemaskRounds: 1 },
    modelSource: {
      repository: 'dllm-hub/Qwen2.5-Coder-0.5B-Instruct-diffusion-bd3lm-v0.1',
      note: pullNote('dllm-hub/Qwen2.5-Coder-0.5B-Instruct-diffusion-bd3lm-v0.1', 'qwen2.5-coder-0.5b-bd3lm', 'a2d-bd3lm'),
    },
  },
  balanced: {
    description: "Qwen3 0.6B BD3LM (dLLM Tiny-A2D, Apache-2.0), its authors' sampler and settings (one step per token, blocks of 32).",
    config: { ...COMMON, ...AUTHORS_DLLM, model: 'qwen3-0.6b-bd3lm', fallbackModel: QWEN_CODER_FALLBACK, maxRemaskRounds: 2 },
    modelSource: { repository: 'dllm-hub/Qwen3-0.6B-diffusion-bd3lm-v0.1', note: pullNote('dllm-hub/Qwen3-0.6B-diffusion-bd3lm-v0.1', 'qwen3-0.6b-bd3lm', 'a2d-bd3lm') },
  },
  // The best published code scores among the families a browser can hold, under a licence for any use:
  // SDAR 1.7B Chat (HumanEval 61.6) over CoDA 1.7B (54.3, CC-BY-NC-4.0) and Fast-dLLM v2 1.5B (43.9).
  // Threshold 1: one token a step, as its published scores were measured (JetAstra/SDAR's eval_sdar_hf.py);
  // generate.py's own 0.85 stays the family's setting for `builder sample` and the sampler list.
  quality: {
    description: "SDAR 1.7B Chat (JetAstra, MIT), its authors' sampler at the settings of its published scores (blocks of 4, one token a step, greedy), where memory allows.",
    config: { ...COMMON, ...AUTHORS_DLLM, model: 'sdar-1.7b-chat', fallbackModel: QWEN_CODER_FALLBACK, parallelThreshold: 1, maxRemaskRounds: 3 },
    modelSource: { repository: 'JetLM/SDAR-1.7B-Chat', note: pullNote('JetLM/SDAR-1.7B-Chat', 'sdar-1.7b-chat', 'sdar') },
  },
};

/** Says that a preset's model is not in `modelsDir`, and how to get it there. */
export function missingModelMessage(preset: PresetName, modelsDir: string): string {
  const { config, modelSource } = PRESETS[preset];
  const folder = modelsDir.replace(/(?<=.)[\\/]+$/, '');
  return `The "${preset}" preset uses the model "${config.model}", which is not in ${folder}. ${modelSource.note.replaceAll('MODELS_DIR', folder)}`;
}

interface FieldRule {
  /** How a URL query spells the value. */
  kind: 'string' | 'number' | 'boolean';
  valid: (value: unknown) => boolean;
  requirement: string;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

const integerFrom = (min: number, max: number): FieldRule => ({
  kind: 'number',
  valid: (value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
  requirement: max === Infinity ? `must be an integer >= ${min}` : `must be an integer from ${min} to ${max}`,
});

const numberAtLeast = (min: number): FieldRule => ({ kind: 'number', valid: (value) => isNumber(value) && value >= min, requirement: `must be a number >= ${min}` });

const fractionAbove0: FieldRule = { kind: 'number', valid: (value) => isNumber(value) && value > 0 && value <= 1, requirement: 'must be a number in (0, 1]' };

const oneOf = (choices: readonly string[]): FieldRule => ({
  kind: 'string',
  valid: (value) => typeof value === 'string' && choices.includes(value),
  requirement: `must be one of ${choices.join(', ')}`,
});

const modelReference: FieldRule = { kind: 'string', valid: (value) => typeof value === 'string' && value.trim() !== '', requirement: 'must name a model, by id or folder' };

/** Every setting with its rule; the key order is the order messages and URLs use. */
const FIELDS: { readonly [K in keyof DiffusionConfig]-?: FieldRule } = {
  model: modelReference,
  fallbackModel: modelReference,
  precision: oneOf(PRECISION_CHOICES),
  sampler: oneOf(SAMPLER_CHOICES),
  steps: integerFrom(0, 1024),
  schedule: oneOf(SCHEDULES),
  cfgScale: numberAtLeast(0),
  temperature: numberAtLeast(0),
  topK: integerFrom(0, Infinity),
  topP: fractionAbove0,
  seed: integerFrom(0, MAX_SEED),
  strength: fractionAbove0,
  remasking: oneOf(REMASKING_STRATEGIES),
  maxRemaskRounds: integerFrom(0, 10),
  fallback: { kind: 'boolean', valid: (value) => typeof value === 'boolean', requirement: 'must be true or false' },
  backend: oneOf(BACKENDS),
  maskLengthFactor: numberAtLeast(1),
  maskLengthExtra: integerFrom(0, Infinity),
  cacheInterval: integerFrom(0, 1024),
  parallelThreshold: { kind: 'number', valid: (value) => isNumber(value) && value >= 0 && value <= 1, requirement: 'must be 0 (off) or a number in (0, 1]' },
  contextTokens: integerFrom(64, 1_048_576),
};

const FIELD_NAMES = Object.keys(FIELDS) as (keyof DiffusionConfig)[];

const shown = (value: unknown): string => (typeof value === 'string' || (typeof value === 'object' && value !== null) ? JSON.stringify(value) : String(value));

/**
 * The preset (demo unless named) with the input's settings over it, every setting checked. An
 * input value left undefined keeps the preset's, so absent flags can be passed straight through.
 * Throws a ConfigError naming every bad setting at once.
 */
export function createDiffusionConfig(input: DiffusionConfigInput = {}): DiffusionConfig {
  const errors: Record<string, string> = {};
  const presetName = input.preset ?? 'demo';
  const known = PRESET_NAMES.includes(presetName);
  if (!known) errors.preset = `preset must be one of ${PRESET_NAMES.join(', ')} (got ${shown(presetName)})`;
  const config: Record<string, unknown> = { ...PRESETS[known ? presetName : 'demo'].config };
  for (const name of FIELD_NAMES) {
    if (input[name] !== undefined) config[name] = input[name];
    const value = config[name];
    if (value === undefined && name === 'fallbackModel') continue;
    const rule = FIELDS[name];
    if (!rule.valid(value)) errors[name] = `${name} ${rule.requirement} (got ${shown(value)})`;
  }
  if (Object.keys(errors).length > 0) throw new ConfigError(errors);
  return config as unknown as DiffusionConfig;
}

/** The settings as URL query parameters, for a shareable link; configFromQuery reads them back. */
export function configToQuery(config: DiffusionConfig): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of FIELD_NAMES) {
    const value = config[name];
    if (value !== undefined) query.set(name, String(value));
  }
  return query;
}

// A plain decimal number: Number() alone would also take '', ' 1', '0x10' and 'Infinity'.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Settings from URL query parameters: `preset` and the settings' own names. Other parameters
 * belong to someone else and are ignored; a number or boolean that does not parse is a
 * ConfigError. Values are checked by createDiffusionConfig.
 */
export function configFromQuery(params: URLSearchParams): DiffusionConfigInput {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const preset = params.get('preset');
  if (preset !== null) input.preset = preset;
  for (const name of FIELD_NAMES) {
    const text = params.get(name);
    if (text === null) continue;
    const { kind } = FIELDS[name];
    if (kind === 'string') input[name] = text;
    else if (kind === 'number' && DECIMAL.test(text)) input[name] = Number(text);
    else if (kind === 'boolean' && (text === 'true' || text === 'false')) input[name] = text === 'true';
    else errors[name] = `${name} must be ${kind === 'number' ? 'a number' : 'true or false'} (got ${shown(text)})`;
  }
  if (Object.keys(errors).length > 0) throw new ConfigError(errors);
  return input as DiffusionConfigInput;
}

/**
 * Settings from a JSON file: an object with `preset` and any of the settings. A key that is not a
 * setting is an error (it is most likely a typo). Values are checked by createDiffusionConfig.
 */
export function configFromJson(text: string): DiffusionConfigInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError({ json: `the settings file is not valid JSON (${(error as Error).message})` });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError({ json: 'the settings file must hold a JSON object, such as {"preset": "fast", "steps": 30}' });
  }
  const errors: Record<string, string> = {};
  const known = ['preset', ...FIELD_NAMES];
  for (const key of Object.keys(parsed)) {
    if (key === 'preset' || Object.hasOwn(FIELDS, key)) continue;
    const nearest = closest(key, known);
    errors[key] = `"${key}" is not a setting${distance(key.toLowerCase(), nearest.toLowerCase()) <= 2 ? ` (did you mean "${nearest}"?)` : ''}`;
  }
  if (Object.keys(errors).length > 0) throw new ConfigError(errors);
  return parsed as DiffusionConfigInput;
}
