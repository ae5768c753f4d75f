import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../core/inputErrors';
import { parsePlans } from '../core/refactorPlan';
import { builderFromFlags, exitCodeFor, patchLocations, type SamplingFlags } from './patchCommand';

export interface BatchFlags extends SamplingFlags {
  plans?: string;
  'out-dir'?: string;
}

/** `builder batch`: every plan of a plans JSON by priority, a .patch and a .json per plan. */
export async function batchCommand(flags: BatchFlags): Promise<number> {
  if (!flags.plans) throw new InputError('--plans PLANS.json is required.');
  let text: string;
  try {
    text = readFileSync(flags.plans, 'utf8');
  } catch {
    throw new InputError(`Cannot read ${flags.plans}.`);
  }
  const plans = parsePlans(text, flags.plans);
  // Checked before any model loads: a typo in a path is the user's to fix, not a patch to write.
  const missing = plans.find((plan) => !existsSync(plan.filePath));
  if (missing) throw new InputError(`${flags.plans} names ${missing.filePath}, which does not exist; nothing was generated.`);
  const outDir = flags['out-dir'] ?? 'builder-patches';
  mkdirSync(outDir, { recursive: true });
  // Each patch names its file relative to the file's repository, so it applies there; the plan is read from where it is.
  const { paths, locations } = patchLocations(plans.map((plan) => plan.filePath));
  const setup = await builderFromFlags(flags, locations);
  try {
    const patches = await setup.builder.generateBatch(plans.map((plan, i) => ({ ...plan, filePath: paths[i]! })));
    patches.forEach((patch, i) => {
      const stem = join(outDir, `${String(i + 1).padStart(2, '0')}-${basename(patch.filePath)}`);
      writeFileSync(`${stem}.patch`, patch.unifiedDiff);
      writeFileSync(`${stem}.json`, `${JSON.stringify(patch, null, 2)}\n`);
      const verdict = patch.sample.path === 'error' ? `error: ${patch.validationErrors[0]}` : patch.canApply ? 'can apply' : 'invalid syntax';
      process.stdout.write(`${stem}.patch  ${patch.filePath} [${patch.plan.editTargets.join(', ')}]: ${verdict}\n`);
    });
    return exitCodeFor(patches);
  } finally {
    await setup.release();
  }
}
