import { InputError } from '../errors/inputErrors';
import { type ModelPrecision, modelGraphPath } from '../models/modelPrecision';
import type { RepoFile } from './listRepository';

/** The files of a checkpoint the converter reads besides its weights (newer transformers saves the chat template in chat_template.jinja). */
const CHECKPOINT_TEXT = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja', 'model.safetensors.index.json'];
const REQUIRED_TEXT = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/**
 * What to fetch of a repository, decided from its listing alone:
 * - `checkpoint`: safetensors weights (model.safetensors, or the shards model.safetensors.index.json
 *   names as model-0000N-of-0000M.safetensors) with config.json and the tokenizer files, converted here;
 * - `onnx-export`: a transformers.js-layout export (onnx/model{suffix}.onnx with its
 *   `.onnx_data`), stored as it is, one precision.
 */
export type PullPlan =
  | { layout: 'checkpoint'; files: RepoFile[]; weights: RepoFile[]; downloadBytes: number }
  | { layout: 'onnx-export'; files: RepoFile[]; precision: ModelPrecision; downloadBytes: number };

const total = (files: readonly RepoFile[]) => files.reduce((sum, f) => sum + f.bytes, 0);

export function planPull(repo: string, listing: readonly RepoFile[], precision: ModelPrecision): PullPlan {
  const byPath = new Map(listing.map((f) => [f.path, f]));
  const missing = REQUIRED_TEXT.filter((path) => !byPath.has(path));
  if (missing.length > 0) throw new InputError(`${repo} has no ${missing.join(', ')}: it is not a model Builder can use.`);
  const text = CHECKPOINT_TEXT.flatMap((path) => byPath.get(path) ?? []);
  // Top-level safetensors only: subfolders hold other variants (e.g. original/ in some repositories).
  const weights = listing.filter((f) => !f.path.includes('/') && f.path.endsWith('.safetensors'));
  if (weights.length > 0) {
    const files = [...text, ...weights];
    return { layout: 'checkpoint', files, weights, downloadBytes: total(files) };
  }
  const graph = modelGraphPath(precision);
  if (byPath.has(graph)) {
    // transformers.js splits big external data into model.onnx_data, model.onnx_data_1, ...
    const graphFiles = listing.filter((f) => f.path === graph || f.path.startsWith(`${graph}_data`));
    const files = [...text.filter((f) => f.path !== 'model.safetensors.index.json'), ...graphFiles];
    return { layout: 'onnx-export', files, precision, downloadBytes: total(files) };
  }
  const graphs = listing.filter((f) => f.path.endsWith('.onnx')).map((f) => f.path);
  if (graphs.length > 0) throw new InputError(`${repo} is an ONNX export without ${graph} (${precision}); it has ${graphs.join(', ')}. Choose another precision.`);
  throw new InputError(`${repo} has neither safetensors weights nor an onnx/ folder: Builder cannot convert it.`);
}

const DTYPE_BYTES: Record<string, number> = { bfloat16: 2, float16: 2, float32: 4 };
/** The converter's 4-bit linear layers: 4 bits a weight plus a scale per block of 32, about 0.64 bytes a weight with the graph's overhead. */
const Q4_BYTES_PER_WEIGHT = 0.64;
/** 8-bit linear layers: a byte a weight plus the scales. */
const Q8_BYTES_PER_WEIGHT = 1.03;

/**
 * About how big the model folder will be, shown before the user agrees: an export is stored as
 * it is; a checkpoint's weight count comes from its safetensors' size and config.json's
 * torch_dtype, laid out as the converter writes each precision (the embedding table in float32,
 * or float16 for q4f16, beside 4- or 8-bit linear layers).
 */
export function convertedBytes(plan: PullPlan, config: Record<string, unknown>, precision: ModelPrecision): number {
  if (plan.layout === 'onnx-export') return plan.downloadBytes;
  const weights = plan.weights.reduce((sum, f) => sum + f.bytes, 0) / (DTYPE_BYTES[String(config.torch_dtype)] ?? 2);
  const embedding = Number(config.vocab_size) * Number(config.hidden_size) || 0;
  if (precision === 'fp32') return weights * 4;
  if (precision === 'fp16') return weights * 2;
  if (precision === 'q8') return embedding * 4 + (weights - embedding) * Q8_BYTES_PER_WEIGHT;
  return embedding * (precision === 'q4' ? 4 : 2) + (weights - embedding) * Q4_BYTES_PER_WEIGHT;
}
