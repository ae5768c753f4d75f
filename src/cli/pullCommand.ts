import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { openCheckpoint } from '../convert/checkpoint';
import { checkpointKind } from '../convert/checkpointKind';
import { convertCheckpoint } from '../convert/convertCheckpoint';
import { openFolder } from '../convert/nodeFiles';
import { createNodeOutputFolder } from '../convert/nodeOutputFolder';
import { InputError } from '../errors/inputErrors';
import { downloadRepoFile } from '../hub/downloadRepoFile';
import { exportManifest } from '../hub/exportManifest';
import { type HubEndpoint, hubUrlFrom, parseRepoReference } from '../hub/hubEndpoint';
import { listRepository } from '../hub/listRepository';
import { pinRevision } from '../hub/pinRevision';
import { planPull } from '../hub/pullPlan';
import { backendPrecision } from '../models/backendChoice';
import { familyByName } from '../models/modelFamilies';
import { MANIFEST_FILE, type ModelKindName } from '../models/modelManifest';
import { MODEL_PRECISIONS, type ModelPrecision } from '../models/modelPrecision';
import { nodeHashers, nodePartialFile } from './nodePartialFile';
import { countTensorReads, ProgressBar, type ProgressStream } from './progressBar';

export interface PullCommandOptions {
  reference?: string;
  out?: string;
  quant?: string;
  kind?: string;
  /** `--family NAME`: the converter's family, where the repository's name and config.json do not tell it. */
  family?: string;
  env?: Record<string, string | undefined>;
  progress?: ProgressStream;
}

function precisionOf(quant: string | undefined): ModelPrecision {
  // auto: the precision for WASM, which the CLI runs on.
  if (quant === undefined || quant === 'auto') return backendPrecision('wasm');
  if (!(MODEL_PRECISIONS as readonly string[]).includes(quant)) throw new InputError(`--quant takes auto, ${MODEL_PRECISIONS.join(', ')}; got "${quant}".`);
  return quant as ModelPrecision;
}

/** `--kind`, which overrides the family table's recognition (checkpointKind). */
function kindOption(option: string | undefined): ModelKindName | undefined {
  if (option !== undefined && option !== 'diffusion' && option !== 'autoregressive') throw new InputError('--kind takes diffusion or autoregressive.');
  return option;
}

const isEmptyOrMissing = async (dir: string) => (await stat(dir).catch(() => null)) === null || (await readdir(dir)).length === 0;

/**
 * `builder pull REPO[@REVISION] --out DIR`: lists the repository at the commit its revision names,
 * downloads what it needs into DIR.download (kept across runs, so a run that stops resumes, every
 * file checked against the listing's hash), then converts a checkpoint into DIR, or stores a
 * transformers.js-layout export in DIR as it is, with our manifest. HF_ENDPOINT names a mirror;
 * HF_TOKEN is sent for gated and private repositories.
 */
export async function pullCommand(options: PullCommandOptions): Promise<number> {
  if (!options.reference) throw new InputError('builder pull takes a repository: builder pull OWNER/NAME[@REVISION] --out DIR.');
  if (!options.out) throw new InputError('--out DIR is required.');
  const out = options.out;
  const env = options.env ?? process.env;
  const { repo, revision } = parseRepoReference(options.reference);
  const precision = precisionOf(options.quant);
  const kindOverride = kindOption(options.kind);
  if (options.family !== undefined) familyByName(options.family);
  if (!(await isEmptyOrMissing(out))) throw new InputError(`${out} already exists; choose a new folder for the output.`);
  const endpoint: HubEndpoint = { url: hubUrlFrom(env.HF_ENDPOINT), token: env.HF_TOKEN?.trim() || undefined };
  const bar = new ProgressBar(options.progress ?? process.stderr);

  const pin = await pinRevision(endpoint, repo, revision);
  const plan = planPull(repo, await listRepository(endpoint, repo, pin.commit), precision);
  const staging = `${out}.download`;
  let done = 0;
  const sha256 = new Map<string, string>();
  for (const file of plan.files) {
    sha256.set(
      file.path,
      await downloadRepoFile({ endpoint, repo, commit: pin.commit, file }, nodePartialFile(join(staging, file.path)), {
        hashers: nodeHashers,
        onBytes: (bytes) => {
          done += bytes;
          bar.update({ phase: 'downloading', doneBytes: done, totalBytes: plan.downloadBytes });
        },
      }),
    );
  }
  bar.update({ phase: 'downloading', doneBytes: plan.downloadBytes, totalBytes: plan.downloadBytes });
  bar.finishLine();
  const id = basename(out);
  const config = JSON.parse(await readFile(join(staging, 'config.json'), 'utf8')) as Record<string, unknown>;
  let bytes: number;
  let what: string;

  if (plan.layout === 'onnx-export') {
    const generation = plan.files.some((f) => f.path === 'generation_config.json') ? (JSON.parse(await readFile(join(staging, 'generation_config.json'), 'utf8')) as Record<string, unknown>) : null;
    const manifest = exportManifest(
      id,
      config,
      generation,
      plan.files.map((f) => ({ path: f.path, bytes: f.bytes, sha256: sha256.get(f.path)! })),
    );
    await writeFile(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(out, { recursive: true, force: true });
    await rename(staging, out);
    bytes = plan.downloadBytes;
    what = `the ${precision} ONNX export, stored as it is`;
  } else {
    // The repository's name is what tells dLLM's MDLM and BD3LM apart (as the folder's does for convert).
    const name = repo.split('/')[1]!;
    const source = await openFolder(staging);
    const kind = await checkpointKind(source, name, { kind: kindOverride, family: options.family });
    const checkpoint = await openCheckpoint(source);
    try {
      const counted = countTensorReads(checkpoint);
      const manifest = await convertCheckpoint({
        source,
        checkpoint: { config: checkpoint.config, rawConfig: checkpoint.rawConfig, readTensor: counted.readTensor },
        output: await createNodeOutputFolder(out),
        id,
        name,
        family: { family: options.family },
        kind,
        precisions: [precision],
        onProgress: (p, bytesDone, bytesTotal) => {
          bar.update({ phase: `converting to ${p}`, doneBytes: bytesDone, totalBytes: bytesTotal, tensors: counted.tensors() });
        },
      });
      bar.finishLine();
      bytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
      what = `${kind}, family ${manifest.family}, converted to ${precision}`;
    } finally {
      await checkpoint.close();
    }
    await rm(staging, { recursive: true, force: true });
  }
  process.stdout.write(`pulled ${repo}@${pin.commit.slice(0, 7)} (${what}) to ${out}: ${(bytes / 1e6).toFixed(1)} MB${pin.license ? `, licence ${pin.license}` : ''}\n`);
  return 0;
}
