import { basename, resolve } from 'node:path';
import { openCheckpoint } from '../convert/checkpoint';
import { convertCheckpoint } from '../convert/convertCheckpoint';
import { openFolder } from '../convert/nodeFiles';
import { createNodeOutputFolder } from '../convert/nodeOutputFolder';
import { InputError } from '../errors/inputErrors';
import { familyByName } from '../models/modelFamilies';
import { MODEL_PRECISIONS, type ModelPrecision } from '../models/modelPrecision';
import { countTensorReads, ProgressBar } from './progressBar';

export interface ConvertCommandOptions {
  from?: string;
  out?: string;
  quant?: string;
  kind?: string;
  id?: string;
  /** Over what the family table recognises (core/modelFamilies.ts). */
  family?: string;
  logitsShift?: string;
  maskToken?: string;
}

function precisions(quant: string | undefined): ModelPrecision[] {
  const wanted = (quant ?? 'q4').split(',').map((q) => q.trim());
  for (const q of wanted) if (!(MODEL_PRECISIONS as readonly string[]).includes(q)) throw new InputError(`--quant takes ${MODEL_PRECISIONS.join(', ')} (or a list, q4,fp32); got "${q}".`);
  return [...new Set(wanted)] as ModelPrecision[];
}

/** `builder convert`: a Hugging Face checkpoint folder to a model folder for the browser. */
export async function convertCommand(options: ConvertCommandOptions): Promise<number> {
  if (!options.from) throw new InputError('--from HF_DIR is required.');
  if (!options.out) throw new InputError('--out DIR is required.');
  const kind = options.kind ?? 'diffusion';
  if (kind !== 'diffusion' && kind !== 'autoregressive') throw new InputError('--kind takes diffusion or autoregressive.');
  const wanted = precisions(options.quant);
  if (options.logitsShift !== undefined && options.logitsShift !== '0' && options.logitsShift !== '1') throw new InputError(`--logits-shift takes 0 or 1; got "${options.logitsShift}".`);
  if (options.family !== undefined) familyByName(options.family);
  const source = await openFolder(options.from);
  const checkpoint = await openCheckpoint(source);
  try {
    const output = await createNodeOutputFolder(options.out);
    const bar = new ProgressBar(process.stderr);
    const counted = countTensorReads(checkpoint);
    const manifest = await convertCheckpoint({
      source,
      checkpoint: { config: checkpoint.config, rawConfig: checkpoint.rawConfig, readTensor: counted.readTensor },
      output,
      id: options.id ?? basename(options.out),
      kind,
      precisions: wanted,
      // A folder from `hf download REPO --local-dir NAME` is named after the repository, which is what tells dLLM's MDLM and BD3LM apart.
      name: basename(resolve(options.from)),
      family: { family: options.family, logitsShift: options.logitsShift === undefined ? undefined : options.logitsShift === '1' ? 1 : 0, maskToken: options.maskToken },
      onProgress: (precision, written, bytes) => bar.update({ phase: `converting to ${precision}`, doneBytes: written, totalBytes: bytes, tensors: counted.tensors() }),
    });
    bar.finishLine();
    const bytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
    process.stdout.write(`wrote ${manifest.id} (${kind}, family ${manifest.family}, ${wanted.join(', ')}) to ${options.out}: ${manifest.files.length} files, ${(bytes / 1e6).toFixed(1)} MB\n`);
    return 0;
  } finally {
    await checkpoint.close();
  }
}
