import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../errors/inputErrors';
import { configFromQuery, createDiffusionConfig, type DiffusionConfigInput, type PresetName } from '../models/diffusionConfig';
import type { GeneratedPatch } from '../plan/refactorPlan';
import { loadPipeline, readSourceFile } from './loadPipeline';
import { maskMode as parseMaskMode } from './maskCommand';
import { chooseBackend, precisionChoice, type RuntimeFlags } from './modelRuntime';
import { passEstimate } from './passEstimate';
import { patchPath } from './sourceFile';

/** Sampling flags shared by `patch` and `batch`, as the CLI spells them. */
export interface SamplingFlags extends RuntimeFlags {
  model?: string;
  'fallback-model'?: string;
  preset?: string;
  steps?: string;
  schedule?: string;
  cfg?: string;
  temperature?: string;
  'top-p'?: string;
  remasking?: string;
  seed?: string;
  strength?: string;
  'cache-interval'?: string;
  'parallel-threshold'?: string;
  'context-tokens'?: string;
  'no-fallback'?: boolean;
}

const FLAG_TO_SETTING: Record<string, string> = {
  steps: 'steps',
  schedule: 'schedule',
  cfg: 'cfgScale',
  temperature: 'temperature',
  'top-p': 'topP',
  remasking: 'remasking',
  seed: 'seed',
  strength: 'strength',
  'cache-interval': 'cacheInterval',
  'parallel-threshold': 'parallelThreshold',
  'context-tokens': 'contextTokens',
};

/**
 * The paths the patches name the files by (relative to their repositories), and where each file
 * is: two different files that would be named the same are refused.
 */
export function patchLocations(files: readonly string[]): { paths: string[]; locations: Map<string, string> } {
  const locations = new Map<string, string>();
  const paths = files.map((file) => {
    const path = patchPath(file);
    const location = resolve(file);
    const known = locations.get(path);
    if (known !== undefined && known !== location) throw new InputError(`${known} and ${location} would both be ${path} in a patch; run them from their own repositories.`);
    locations.set(path, location);
    return path;
  });
  return { paths, locations };
}

/** Reads each plan's file from where it is on disk, by the path its patch names it. */
export function readFrom(locations: ReadonlyMap<string, string>): (path: string) => Promise<string> {
  return async (path) => readSourceFile(locations.get(path) ?? path);
}

/** The PatchPipeline for the flags: settings validated field by field, models loaded from their folders; `readSource` as in LoadPipelineOptions; `fixed`: settings the command sets over the flags. */
export async function pipelineFromFlags(flags: SamplingFlags, readSource?: (path: string) => Promise<string>, fixed: DiffusionConfigInput = {}) {
  const query = new URLSearchParams(flags.preset ? { preset: flags.preset } : {});
  for (const [flag, setting] of Object.entries(FLAG_TO_SETTING)) {
    const value = flags[flag as keyof SamplingFlags];
    if (typeof value === 'string') query.set(setting, value);
  }
  if (flags['no-fallback']) query.set('fallback', 'false');
  query.set('precision', precisionChoice(flags));
  const input = configFromQuery(query);
  const config = createDiffusionConfig({ ...input, ...fixed });
  const preset: PresetName = input.preset ?? 'demo';
  const backend = await chooseBackend(flags.backend);
  const setup = await loadPipeline({ config, preset, modelDir: flags.model, fallbackModelDir: flags['fallback-model'], backend, precision: config.precision, readSource });
  return { ...setup, config };
}

export interface PatchFlags extends SamplingFlags {
  file?: string;
  targets: string[];
  prompt?: string;
  out?: string;
  json?: string;
  language?: string;
  /** `definition` (the default) or `body`: the plan's mask mode. */
  mode?: string;
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
  const maskMode = parseMaskMode(flags.mode);
  const { paths, locations } = patchLocations([flags.file]);
  const setup = await pipelineFromFlags(flags, readFrom(locations));
  try {
    const filePath = paths[0]!;
    const plan = { filePath, editTargets: flags.targets, intent: flags.prompt, language: flags.language, maskMode };
    const [patch] = (await setup.pipeline.generate([plan], { onProgress: passEstimate(setup.config, 1, setup) })).patches;
    if (!patch) throw new Error('the pipeline gave no patch for the plan');
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
