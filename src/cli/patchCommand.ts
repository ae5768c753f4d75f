import { writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { configFromQuery, createDiffusionConfig, type PresetName } from '../core/diffusionConfig';
import { resolvePrecision } from '../core/backendChoice';
import { InputError } from '../core/inputErrors';
import type { GeneratedPatch } from '../core/refactorPlan';
import { loadBuilder } from './loadBuilder';

/** Sampling flags shared by `patch` and `batch`, as the CLI spells them. */
export interface SamplingFlags {
  model?: string;
  'fallback-model'?: string;
  preset?: string;
  steps?: string;
  schedule?: string;
  cfg?: string;
  temperature?: string;
  seed?: string;
  strength?: string;
  quant?: string;
  'cache-interval'?: string;
  'parallel-threshold'?: string;
  'no-fallback'?: boolean;
}

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
  'no-fallback': { type: 'boolean' },
} as const;

const FLAG_TO_SETTING: Record<string, string> = {
  steps: 'steps',
  schedule: 'schedule',
  cfg: 'cfgScale',
  temperature: 'temperature',
  seed: 'seed',
  strength: 'strength',
  quant: 'precision',
  'cache-interval': 'cacheInterval',
  'parallel-threshold': 'parallelThreshold',
};

/** The Builder for the flags: settings validated field by field, models loaded from their folders; `readSource` as in LoadBuilderOptions. */
export async function builderFromFlags(flags: SamplingFlags, readSource?: (path: string) => Promise<string>) {
  const query = new URLSearchParams(flags.preset ? { preset: flags.preset } : {});
  for (const [flag, setting] of Object.entries(FLAG_TO_SETTING)) {
    const value = flags[flag as keyof SamplingFlags];
    if (typeof value === 'string') query.set(setting, value);
  }
  if (flags['no-fallback']) query.set('fallback', 'false');
  const input = configFromQuery(query);
  const config = createDiffusionConfig(input);
  const preset: PresetName = input.preset ?? 'demo';
  return loadBuilder({ config, preset, modelDir: flags.model, fallbackModelDir: flags['fallback-model'], quant: resolvePrecision(config.precision, 'wasm'), readSource });
}

export interface PatchFlags extends SamplingFlags {
  file?: string;
  targets: string[];
  prompt?: string;
  out?: string;
  json?: string;
  language?: string;
}

/** Exit 0 when the patch can apply, 3 when one was produced that cannot. */
export function exitCodeFor(patches: readonly GeneratedPatch[]): number {
  return patches.every((p) => p.canApply) ? 0 : 3;
}

/** `builder patch`: one plan from the flags, its patch to --out (or stdout) and its JSON to --json. */
export async function patchCommand(flags: PatchFlags): Promise<number> {
  if (!flags.file) throw new InputError('--file FILE is required.');
  if (flags.targets.length === 0) throw new InputError('--target NAME is required (several as --target a,b).');
  if (flags.prompt === undefined) throw new InputError('--prompt TEXT is required (it may be empty: --prompt "").');
  const setup = await builderFromFlags(flags);
  try {
    // The patch names the file as git does: relative, with forward slashes.
    const filePath = relative(process.cwd(), resolve(flags.file)).split(sep).join('/');
    const patch = await setup.builder.generatePatch({ filePath, editTargets: flags.targets, intent: flags.prompt, language: flags.language });
    if (flags.out) writeFileSync(flags.out, patch.unifiedDiff);
    else process.stdout.write(patch.unifiedDiff);
    if (flags.json) writeFileSync(flags.json, `${JSON.stringify(patch, null, 2)}\n`);
    const verdict = patch.isValidSyntax ? 'valid syntax' : `invalid syntax (${patch.validationErrors[0]})`;
    process.stderr.write(`${patch.sample.path}, ${patch.sample.nfe} forward passes, ${patch.sample.generationTimeMs} ms, ${verdict}, risk ${patch.riskScore.toFixed(2)}\n`);
    return exitCodeFor([patch]);
  } finally {
    await setup.release();
  }
}
