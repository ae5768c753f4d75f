import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/inputErrors';
import {
  ConfigError,
  configFromJson,
  configFromQuery,
  configToQuery,
  createDiffusionConfig,
  type DiffusionConfig,
  type DiffusionConfigInput,
  missingModelMessage,
  PRESET_NAMES,
  PRESETS,
} from '../../src/models/diffusionConfig';
import { SCHEDULES } from '../../src/models/noiseSchedule';

/** The ConfigError that `run` throws; fails the test when it throws nothing or something else. */
function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(InputError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('presets', () => {
  it('start from demo: the tiny models, few steps', () => {
    const config = createDiffusionConfig();
    expect(config).toEqual(PRESETS.demo.config);
    expect(config).toMatchObject({ sampler: 'builder', model: 'tiny-diffusion', fallbackModel: 'tiny-autoregressive', steps: 8, cfgScale: 2, temperature: 0.7 });
  });

  it('pick browser-size family models: a 0.5B and a 0.6B block-diffusion model, and SDAR 1.7B (the best published scores under a licence for any use)', () => {
    // Each runs its authors' sampler and settings: their steps per token (0), no guidance, no context cache.
    const authors = { sampler: 'authors', steps: 0, cfgScale: 1, cacheInterval: 0, parallelThreshold: 0 };
    expect(PRESETS.fast.config).toMatchObject({ ...authors, model: 'qwen2.5-coder-0.5b-bd3lm', precision: 'auto', temperature: 0 });
    expect(PRESETS.balanced.config).toMatchObject({ ...authors, model: 'qwen3-0.6b-bd3lm', precision: 'auto', temperature: 0 });
    // SDAR's published scores were measured one token a step: threshold 1.
    expect(PRESETS.quality.config).toMatchObject({ ...authors, model: 'sdar-1.7b-chat', precision: 'auto', temperature: 0, parallelThreshold: 1 });
    expect(PRESETS.quality.description).toMatch(/MIT/);
    for (const name of ['fast', 'balanced', 'quality'] as const) expect(PRESETS[name].config.fallbackModel).toBe('qwen2.5-coder-0.5b');
  });

  it('are all valid, and createDiffusionConfig gives a copy of each', () => {
    expect(Object.keys(PRESETS)).toEqual([...PRESET_NAMES]);
    for (const preset of PRESET_NAMES) {
      const config = createDiffusionConfig({ preset });
      expect(config).toEqual(PRESETS[preset].config);
      expect(config).not.toBe(PRESETS[preset].config);
      expect(config.maskLengthFactor).toBe(1.25);
      expect(config.maskLengthExtra).toBe(8);
    }
  });

  it('say where a missing model comes from and how to make its folder', () => {
    const fast = missingModelMessage('fast', '/srv/models/');
    expect(fast).toContain('"fast" preset uses the model "qwen2.5-coder-0.5b-bd3lm", which is not in /srv/models.');
    expect(fast).toContain('builder pull dllm-hub/Qwen2.5-Coder-0.5B-Instruct-diffusion-bd3lm-v0.1 --out /srv/models/qwen2.5-coder-0.5b-bd3lm --family a2d-bd3lm');
    expect(missingModelMessage('quality', 'models')).toContain('builder pull JetLM/SDAR-1.7B-Chat --out models/sdar-1.7b-chat --family sdar');
    expect(missingModelMessage('demo', 'public/models')).toContain('npm run models');
    for (const preset of PRESET_NAMES) expect(missingModelMessage(preset, 'M')).not.toContain('MODELS_DIR');
  });
});

describe('createDiffusionConfig', () => {
  it('lays the input over the preset, and an undefined value keeps the preset’s', () => {
    const config = createDiffusionConfig({ preset: 'fast', steps: 12, seed: 7, temperature: undefined, schedule: 'cosine' });
    expect(config).toEqual({ ...PRESETS.fast.config, steps: 12, seed: 7, schedule: 'cosine' });
  });

  it('keeps only settings: no preset name, no stray keys', () => {
    const config = createDiffusionConfig({ preset: 'balanced', colour: 'red' } as DiffusionConfigInput);
    expect(Object.keys(config).sort()).toEqual(Object.keys(PRESETS.balanced.config).sort());
  });

  // [setting, values it refuses, values it takes]
  const RULES: [keyof DiffusionConfig, unknown[], unknown[]][] = [
    ['model', ['', '   ', 42], ['open-dcoder-0.5b', '/models/my model']],
    ['fallbackModel', ['', 3], ['qwen2.5-coder-0.5b-instruct']],
    ['precision', ['int8', 'Q4'], ['auto', 'fp32', 'fp16', 'q8', 'q4', 'q4f16']],
    ['sampler', ['dllm', 'Authors', 1], ['authors', 'mdlm', 'bd3lm', 'dream', 'p2', 'builder']],
    ['steps', [1025, 1.5, -1, Number.NaN, '8'], [0, 1024]],
    ['schedule', ['exponential', ''], [...SCHEDULES]],
    ['cfgScale', [-0.1, Number.POSITIVE_INFINITY, Number.NaN, '2'], [0, 1, 12.5]],
    ['temperature', [-0.01, Number.POSITIVE_INFINITY], [0, 1.5]],
    ['topK', [-1, 2.5], [0, 40]],
    ['topP', [0, 1.01, -0.5], [0.01, 1]],
    ['seed', [-1, 2 ** 32, 0.5], [0, 2 ** 32 - 1]],
    ['strength', [0, 1.5, -1], [0.1, 1]],
    ['remasking', ['confidence'], ['low-confidence', 'random', 'margin', 'entropy']],
    ['maxRemaskRounds', [-1, 11, 1.5], [0, 10]],
    ['fallback', ['true', 1], [true, false]],
    ['backend', ['cpu', 'WEBGPU'], ['webgpu', 'wasm', 'auto']],
    ['maskLengthFactor', [0.99, 0, Number.POSITIVE_INFINITY], [1, 2.5]],
    ['maskLengthExtra', [-1, 0.5], [0, 100]],
    ['cacheInterval', [-1, 1.5, 1025, '8'], [0, 1, 8, 1024]],
    ['parallelThreshold', [-0.1, 1.01, Number.NaN], [0, 0.9, 1]],
  ];

  for (const [setting, refused, taken] of RULES) {
    it(`checks ${setting}`, () => {
      for (const value of refused) {
        const error = configError(() => createDiffusionConfig({ [setting]: value }));
        expect(Object.keys(error.fields)).toEqual([setting]);
        expect(error.fields[setting]).toMatch(new RegExp(`^${setting} must .* \\(got .*\\)$`));
        expect(error.message).toBe(`Invalid settings: ${error.fields[setting]}`);
      }
      for (const value of taken) expect(createDiffusionConfig({ [setting]: value })[setting]).toBe(value);
    });
  }

  it('reports every bad setting at once, in one line', () => {
    const error = configError(() => createDiffusionConfig({ steps: -1, cfgScale: -1, temperature: -0.5, strength: 1.5 }));
    expect(error.fields).toEqual({
      steps: 'steps must be an integer from 0 to 1024 (got -1)',
      cfgScale: 'cfgScale must be a number >= 0 (got -1)',
      temperature: 'temperature must be a number >= 0 (got -0.5)',
      strength: 'strength must be a number in (0, 1] (got 1.5)',
    });
    expect(error.message).toBe(
      'Invalid settings: steps must be an integer from 0 to 1024 (got -1); cfgScale must be a number >= 0 (got -1); ' +
        'temperature must be a number >= 0 (got -0.5); strength must be a number in (0, 1] (got 1.5)',
    );
    expect(error.message).not.toContain('\n');
  });

  it('refuses an unknown preset together with the other errors', () => {
    const error = configError(() => createDiffusionConfig({ preset: 'turbo' as never, steps: -1 }));
    expect(error.fields).toEqual({
      preset: 'preset must be one of demo, fast, balanced, quality (got "turbo")',
      steps: 'steps must be an integer from 0 to 1024 (got -1)',
    });
  });
});

describe('URL query', () => {
  it('round-trips every preset and a changed config', () => {
    const configs = [
      ...PRESET_NAMES.map((preset) => createDiffusionConfig({ preset })),
      createDiffusionConfig({
        preset: 'fast',
        temperature: 0.1,
        topP: 0.9,
        topK: 40,
        seed: 4294967295,
        strength: 0.35,
        cfgScale: 1e-7,
        maskLengthFactor: 1.5,
        fallback: false,
        backend: 'wasm',
        remasking: 'entropy',
        schedule: 'sqrt',
      }),
    ];
    for (const config of configs) expect(createDiffusionConfig(configFromQuery(configToQuery(config)))).toEqual(config);
  });

  it('writes the settings by name, and leaves out a fallback model that is not set', () => {
    const { fallbackModel: _, ...withoutFallback } = createDiffusionConfig({ preset: 'fast' });
    const query = configToQuery(withoutFallback);
    expect(query.get('sampler')).toBe('authors');
    expect(query.get('steps')).toBe('0');
    expect(query.get('cfgScale')).toBe('1');
    expect(query.get('fallback')).toBe('true');
    expect(query.has('fallbackModel')).toBe(false);
  });

  it('reads a preset with overrides and ignores parameters that are not settings', () => {
    const input = configFromQuery(new URLSearchParams('preset=balanced&steps=30&cfgScale=2.5&fallback=false&utm_source=x&tab=diff'));
    expect(input).toEqual({ preset: 'balanced', steps: 30, cfgScale: 2.5, fallback: false });
    expect(createDiffusionConfig(input)).toEqual({ ...PRESETS.balanced.config, steps: 30, cfgScale: 2.5, fallback: false });
  });

  it('reports numbers and booleans that do not parse, each by name', () => {
    const error = configError(() => configFromQuery(new URLSearchParams('steps=abc&cfgScale=&seed=0x10&temperature=Infinity&topK=%205&fallback=yes&model=m')));
    expect(error.fields).toEqual({
      steps: 'steps must be a number (got "abc")',
      cfgScale: 'cfgScale must be a number (got "")',
      seed: 'seed must be a number (got "0x10")',
      temperature: 'temperature must be a number (got "Infinity")',
      topK: 'topK must be a number (got " 5")',
      fallback: 'fallback must be true or false (got "yes")',
    });
  });

  it('leaves range checks to createDiffusionConfig', () => {
    const input = configFromQuery(new URLSearchParams('steps=-1&schedule=exp'));
    expect(Object.keys(configError(() => createDiffusionConfig(input)).fields)).toEqual(['steps', 'schedule']);
  });
});

describe('configFromJson', () => {
  it('reads a settings file', () => {
    const input = configFromJson('{ "preset": "quality", "steps": 60, "schedule": "cosine", "fallback": false }');
    expect(createDiffusionConfig(input)).toEqual({ ...PRESETS.quality.config, steps: 60, schedule: 'cosine', fallback: false });
  });

  it('says when the file is not JSON, or not an object', () => {
    expect(configError(() => configFromJson('{ "steps": 20, }')).message).toMatch(/^Invalid settings: the settings file is not valid JSON \(.+\)$/);
    for (const text of ['[1, 2]', 'null', '"fast"', '20']) {
      expect(configError(() => configFromJson(text)).message).toBe('Invalid settings: the settings file must hold a JSON object, such as {"preset": "fast", "steps": 30}');
    }
  });

  it('names keys that are not settings, with the setting a typo was probably meant as', () => {
    const error = configError(() => configFromJson('{ "step": 20, "cfgscale": 3, "colour": "red", "steps": 20 }'));
    expect(error.fields).toEqual({
      step: '"step" is not a setting (did you mean "steps"?)',
      cfgscale: '"cfgscale" is not a setting (did you mean "cfgScale"?)',
      colour: '"colour" is not a setting',
    });
  });

  it('leaves value checks to createDiffusionConfig, which names the wrong types', () => {
    const error = configError(() => createDiffusionConfig(configFromJson('{ "steps": "20", "fallback": "no", "model": null }')));
    expect(error.fields).toEqual({
      model: 'model must name a model, by id or folder (got null)',
      steps: 'steps must be an integer from 0 to 1024 (got "20")',
      fallback: 'fallback must be true or false (got "no")',
    });
  });
});
