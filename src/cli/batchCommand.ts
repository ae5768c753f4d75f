import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../errors/inputErrors';
import { relevantFilePaths } from '../plan/planContext';
import { type GeneratedPatch, parsePlans, type RefactorPlan } from '../plan/refactorPlan';
import { repositoryPatch } from '../plan/repositoryPatch';
import { contentHash } from '../repository/contentHash';
import { folderPath } from '../repository/folderSource';
import { writeBack } from '../repository/writeBack';
import { decodeSource } from '../syntax/decodeSource';
import { mergePatches } from './mergePatches';
import { nodeFolder } from './nodeFolder';
import { passEstimate } from './passEstimate';
import { exitCodeFor, patchLocations, pipelineFromFlags, readFrom, type SamplingFlags } from './patchCommand';
import { parseShard, plansOfShard } from './planShards';
import { patchPath } from './sourceFile';

export interface BatchFlags extends SamplingFlags {
  plans?: string;
  'out-dir'?: string;
  root?: string;
  out?: string;
  apply?: boolean;
  /** `I/N`: with --root, only this shard's plans (planShards.ts). */
  shard?: string;
  /** With --root: the provenance of every file of the run, as JSON. */
  json?: string;
  /** Joins the patches given as `patches` into one, to --out. */
  merge?: boolean;
  patches?: string[];
}

function readPlans(path: string): RefactorPlan[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`Cannot read ${path}.`);
  }
  return parsePlans(text, path);
}

/** Each relevant file a plan names by path that `isFile` does not find, said before any model loads; the plan runs without it (resolvePlanContext). */
function warnMissingRelated(plansPath: string, plans: readonly RefactorPlan[], isFile: (path: string) => boolean, where: string): void {
  for (const plan of plans) {
    for (const path of relevantFilePaths(plan.context)) {
      if (!isFile(path)) process.stderr.write(`${plansPath}: the plan for ${plan.filePath} names the relevant file ${path}, which is not a file in ${where}; that plan runs without it.\n`);
    }
  }
}

/** `builder batch`: every plan of a plans JSON by priority; with --root, over one folder into one patch. */
export async function batchCommand(flags: BatchFlags): Promise<number> {
  if (flags.merge) return mergeCommand(flags);
  if (flags.patches && flags.patches.length > 0) throw new InputError(`builder batch takes no FILE (got ${flags.patches[0]}) except with --merge A.patch B.patch ...`);
  if (!flags.plans) throw new InputError('--plans PLANS.json is required.');
  if (flags.root !== undefined) return folderBatch(flags, flags.root);
  if (flags.shard !== undefined || flags.json !== undefined) throw new InputError("--shard and --json need --root DIR: a shard is a share of one folder's plans.");
  if (flags.out || flags.apply) throw new InputError("--out and --apply need --root DIR, the folder the plans' paths are relative to.");
  const plans = readPlans(flags.plans);
  // Checked before any model loads: a typo in a path is the user's to fix, not a patch to write.
  const missing = plans.find((plan) => !existsSync(plan.filePath));
  if (missing) throw new InputError(`${flags.plans} names ${missing.filePath}, which does not exist; nothing was generated.`);
  warnMissingRelated(flags.plans, plans, (path) => existsSync(path) && statSync(path).isFile(), 'the current folder');
  const outDir = flags['out-dir'] ?? 'builder-patches';
  mkdirSync(outDir, { recursive: true });
  // Each patch names its file relative to the file's repository, so it applies there; the plan is read from where it is.
  const { paths, locations } = patchLocations(plans.map((plan) => plan.filePath));
  const setup = await pipelineFromFlags(flags, readFrom(locations));
  try {
    const patches = await setup.pipeline.generateBatch(
      plans.map((plan, i) => ({ ...plan, filePath: paths[i]! })),
      { onProgress: passEstimate(setup.config, plans.length, setup) },
    );
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

/** Whether `path`, relative to `root` and inside it, is a file there. */
function isFolderFile(root: string, path: string): boolean {
  let inside: string;
  try {
    inside = folderPath(path);
  } catch {
    return false;
  }
  return existsSync(join(root, inside)) && statSync(join(root, inside)).isFile();
}

/**
 * The plans over files of one folder (paths relative to it): one patch that `git apply` takes at
 * the folder's root, to --out or stdout, and with --apply the files written back, each only if it
 * still holds what was read (its content hash).
 */
async function folderBatch(flags: BatchFlags, root: string): Promise<number> {
  if (flags['out-dir']) throw new InputError('--out-dir writes a patch per plan; with --root the batch writes one patch, to --out FILE.patch.');
  const folder = nodeFolder(root);
  const shard = flags.shard === undefined ? null : parseShard(flags.shard);
  const allPlans = readPlans(flags.plans!).map((plan) => ({ ...plan, filePath: folderPath(plan.filePath) }));
  // Every shard checks the whole plans file, so that all of them refuse a bad one alike.
  const missing = allPlans.find((plan) => !isFolderFile(root, plan.filePath));
  if (missing) throw new InputError(`${flags.plans} names ${missing.filePath}, which is not a file in ${root}; nothing was generated.`);
  const plans = shard ? plansOfShard(allPlans, shard) : allPlans;
  if (shard) process.stderr.write(`shard ${shard.index}/${shard.count}: ${plans.length} of the ${allPlans.length} plans, ${new Set(plans.map((plan) => plan.filePath)).size} file(s)\n`);
  warnMissingRelated(flags.plans!, plans, (path) => isFolderFile(root, path), root);
  if (flags.out && existsSync(flags.out) && statSync(flags.out).isDirectory()) throw new InputError(`--out ${flags.out} is a folder; give a file name for the patch.`);
  if (flags.json && existsSync(flags.json) && statSync(flags.json).isDirectory()) throw new InputError(`--json ${flags.json} is a folder; give a file name for the provenance.`);
  // The patch names each file as git does, relative to the work tree the folder is in (the folder
  // itself outside a repository), so git apply at the folder's root takes it either way.
  // Both absolute: patchPath resolves the file against its second argument, so a relative root would count twice.
  const inFolder = new Map(plans.map((plan) => [patchPath(resolve(root, plan.filePath), resolve(root)), plan.filePath]));
  const read = new Map<string, { text: string; hash: string }>();
  const setup = await pipelineFromFlags(flags, async (path) => {
    const inside = inFolder.get(path) ?? folderPath(path);
    let file = read.get(inside);
    if (!file) {
      const bytes = await folder.read(inside);
      file = { text: decodeSource(bytes, inside), hash: contentHash(bytes) };
      read.set(inside, file);
    }
    return file.text;
  });
  let patches: GeneratedPatch[];
  try {
    const toPatchPath = new Map([...inFolder].map(([patchName, inside]) => [inside, patchName]));
    patches = await setup.pipeline.generateBatch(
      plans.map((plan) => ({ ...plan, filePath: toPatchPath.get(plan.filePath)! })),
      { onProgress: passEstimate(setup.config, plans.length, setup) },
    );
  } finally {
    await setup.release();
  }
  const combined = repositoryPatch(patches);
  if (flags.out) writeFileSync(flags.out, combined.diff);
  else process.stdout.write(combined.diff);
  if (flags.json) {
    const files = combined.files.map(({ path, verdict, message, patch }) => ({ path, verdict, message, patch }));
    writeFileSync(flags.json, `${JSON.stringify({ plans: flags.plans, shard: flags.shard ?? null, files }, null, 2)}\n`);
  }
  for (const file of combined.files) process.stderr.write(`${file.path} [${file.patch.plan.editTargets.join(', ')}]: ${file.message}\n`);
  let refused = 0;
  if (flags.apply) {
    const result = await writeBack(
      folder,
      combined.files
        .filter((f) => f.verdict === 'applies')
        .map((f) => ({ path: inFolder.get(f.path)!, expectedHash: read.get(inFolder.get(f.path)!)!.hash, bytes: new TextEncoder().encode(f.patch.generatedCode) })),
    );
    for (const written of result.written) process.stderr.write(`wrote ${written.path}\n`);
    for (const refusal of result.refused) process.stderr.write(`not written: ${refusal.message}\n`);
    refused = result.refused.length;
  }
  return refused > 0 ? 3 : exitCodeFor(patches);
}

/** `builder batch --merge A.patch B.patch ... [--out FILE]`: the shards' patches as the unsharded run's one patch. */
function mergeCommand(flags: BatchFlags): number {
  const names = flags.patches ?? [];
  if (names.length === 0) throw new InputError("--merge takes the shards' patches: builder batch --merge A.patch B.patch ... --out ALL.patch");
  if (flags.plans || flags.root || flags.shard) throw new InputError('--merge joins finished patches; it takes no --plans, --root or --shard.');
  const patches = names.map((name) => {
    try {
      return { name, text: readFileSync(name, 'utf8') };
    } catch {
      throw new InputError(`Cannot read ${name}.`);
    }
  });
  const merged = mergePatches(patches);
  if (flags.out) writeFileSync(flags.out, merged);
  else process.stdout.write(merged);
  return 0;
}
