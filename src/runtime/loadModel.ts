import { InputError } from '../errors/inputErrors';
import type { Backend } from '../models/backendChoice';
import type { ModelMemory } from '../models/contextBudget';
import type { ModelPrecision } from '../models/modelPrecision';
import { CausalModel } from './causalModel';
import { DiffusionModel } from './diffusionModel';
import { checkUnhashed, type ModelFileReader, readVerifiedModel } from './modelFiles';
import { createOrtSession, type ModelSession, type OrtRuntime, ort, webRuntime } from './ortSession';

export type LoadedModel = ({ kind: 'diffusion'; model: DiffusionModel } | { kind: 'autoregressive'; model: CausalModel }) & {
  /**
   * Settles once the files loaded on the cache's record alone (not hashed again, see
   * readVerifiedModel) are hashed in the background: rejects, naming the file and having discarded
   * it, where one changed in the cache since it was checked. Whoever uses the model awaits it
   * before trusting a result.
   */
  integrity: Promise<void>;
};

/** The keys and values a pass returns for the next one to take back: both model kinds name them so. */
export function presentNames(layers: number): string[] {
  return Array.from({ length: layers }, (_, layer) => [`present.${layer}.key`, `present.${layer}.value`]).flat();
}

/**
 * A model folder, verified file by file against its manifest, with its session on the backend:
 * onnxruntime-web's by default, onnxruntime-node's where the CLI passes nativeRuntime's.
 */
export async function loadModel(reader: ModelFileReader, precision: ModelPrecision, backend: Backend, runtime: OrtRuntime = webRuntime): Promise<LoadedModel> {
  const files = await readVerifiedModel(reader, precision);
  const integrity = checkUnhashed(reader, files);
  integrity.catch(() => undefined);
  let session: ModelSession;
  try {
    session = await createOrtSession(files.graph, files.externalData, backend, presentNames(Number(files.config.num_hidden_layers)), runtime);
  } catch (error) {
    if (error instanceof InputError) throw error;
    await integrity;
    throw new InputError(`onnxruntime could not load ${reader.location} (${precision}, ${backend}): ${(error as Error).message}`);
  }
  if (files.manifest.kind === 'diffusion') {
    return { kind: 'diffusion', model: new DiffusionModel(files.manifest, files.tokenizer, backend, session, await modelMemory(files.config, files, backend)), integrity };
  }
  return { kind: 'autoregressive', model: new CausalModel(files.tokenizer, backend, session, files.config, files.manifest), integrity };
}

/** The device's largest buffer a tensor can be bound as, on WebGPU; null on WASM. */
async function largestBufferBytes(backend: Backend): Promise<number | null> {
  if (backend !== 'webgpu') return null;
  // onnxruntime-web asks the adapter for its own maxStorageBufferBindingSize and maxBufferSize
  // (dist/ort.all.mjs, the deviceDescriptor's requiredLimits), so the device has the adapter's.
  const device = (await ort.env.webgpu.device) as unknown as { limits: { maxStorageBufferBindingSize: number; maxBufferSize: number } };
  return Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
}

/** What the memory of a pass grows with: the attention dimensions from config.json, the weights' size, the device's largest buffer. */
async function modelMemory(config: Record<string, unknown>, files: { graph: Uint8Array; externalData: { data: Uint8Array }[] }, backend: Backend): Promise<ModelMemory> {
  const heads = Number(config.num_attention_heads);
  return {
    attention: {
      layers: Number(config.num_hidden_layers),
      heads,
      keyValueHeads: Number(config.num_key_value_heads ?? heads),
      headDim: Number(config.head_dim ?? Number(config.hidden_size) / heads),
    },
    weightBytes: files.graph.byteLength + files.externalData.reduce((sum, file) => sum + file.data.byteLength, 0),
    largestBufferBytes: await largestBufferBytes(backend),
  };
}
