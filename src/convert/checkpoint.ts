import { InputError } from '../errors/inputErrors';
import type { FileFolder, OpenedByteSource } from '../runtime/byteSource';
import type { TensorDtype } from './dtypes';
import { expectedTensors, parseQwenConfig, type QwenConfig } from './qwenConfig';
import { readSafetensorsHeader, readTensor, type SafetensorsEntry } from './safetensors';

/** A Hugging Face checkpoint whose tensors are read one at a time, on demand. */
export interface Checkpoint {
  readonly config: QwenConfig;
  /** config.json as written, for copying into the model folder. */
  readonly rawConfig: Record<string, unknown>;
  /** Every tensor the checkpoint holds: in data order, or in weight_map order for a sharded one. */
  tensorNames(): string[];
  shape(name: string): number[];
  dtype(name: string): TensorDtype;
  readTensor(name: string): Promise<Float32Array>;
  close(): Promise<void>;
}

const CONFIG_FILE = 'config.json';
const SINGLE_FILE = 'model.safetensors';
const INDEX_FILE = 'model.safetensors.index.json';

interface Located {
  source: OpenedByteSource;
  entry: SafetensorsEntry;
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

async function readJson(folder: FileFolder, path: string): Promise<unknown> {
  const text = await folder.readText(path);
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`${path} in ${folder.location} is not valid JSON.`);
  }
}

/** The shard file of every tensor, from model.safetensors.index.json's weight_map. */
function parseWeightMap(index: unknown): Map<string, string> {
  const weightMap = (index as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new InputError(`${INDEX_FILE} has no "weight_map" object.`);
  }
  const shards = new Map<string, string>();
  for (const [name, file] of Object.entries(weightMap)) {
    if (typeof file !== 'string') throw new InputError(`${INDEX_FILE}: the weight_map entry for "${name}" is not a file name.`);
    shards.set(name, file);
  }
  return shards;
}

/** Where each tensor's bytes are, opening model.safetensors or every shard the index names. */
async function locateTensors(folder: FileFolder, opened: Map<string, OpenedByteSource>): Promise<Map<string, Located>> {
  const openFile = async (file: string) => {
    const source = await folder.open(file);
    opened.set(file, source);
    return { source, header: await readSafetensorsHeader(source, file) };
  };
  const located = new Map<string, Located>();
  if (await folder.exists(INDEX_FILE)) {
    const shards = parseWeightMap(await readJson(folder, INDEX_FILE));
    const headers = new Map<string, Awaited<ReturnType<typeof openFile>>>();
    for (const file of new Set(shards.values())) headers.set(file, await openFile(file));
    for (const [name, file] of shards) {
      const { source, header } = headers.get(file)!;
      const entry = header.tensors.get(name);
      if (!entry) throw new InputError(`${INDEX_FILE} puts tensor "${name}" in ${file}, but ${file} has no such tensor.`);
      located.set(name, { source, entry });
    }
  } else if (await folder.exists(SINGLE_FILE)) {
    const { source, header } = await openFile(SINGLE_FILE);
    for (const [name, entry] of header.tensors) located.set(name, { source, entry });
  } else {
    throw new InputError(`${folder.location} has neither ${SINGLE_FILE} nor ${INDEX_FILE}.`);
  }
  return located;
}

/** Every tensor config.json implies must be there with that exact shape. */
function checkAgainstConfig(config: QwenConfig, located: Map<string, Located>, location: string): void {
  for (const [name, expected] of expectedTensors(config)) {
    const found = located.get(name);
    if (!found) throw new InputError(`The checkpoint in ${location} has no tensor "${name}", which config.json implies (shape ${formatShape(expected)}).`);
    const shape = found.entry.shape;
    if (shape.length !== expected.length || shape.some((size, axis) => size !== expected[axis])) {
      throw new InputError(`config.json disagrees with the tensors: ${name} has shape ${formatShape(shape)}, expected ${formatShape(expected)}.`);
    }
  }
}

/**
 * Opens a Qwen2/Qwen3 checkpoint: config.json plus model.safetensors, or a sharded
 * model.safetensors.index.json with its shards. Reads headers only; tensors are read on demand.
 */
export async function openCheckpoint(folder: FileFolder): Promise<Checkpoint> {
  if (!(await folder.exists(CONFIG_FILE))) {
    throw new InputError(`${folder.location} is not a Hugging Face checkpoint: it has no ${CONFIG_FILE}.`);
  }
  const rawConfig = await readJson(folder, CONFIG_FILE);
  const config = parseQwenConfig(rawConfig);
  const opened = new Map<string, OpenedByteSource>();
  const close = async () => {
    await Promise.all([...opened.values()].map((source) => source.close()));
  };
  let located: Map<string, Located>;
  try {
    located = await locateTensors(folder, opened);
    checkAgainstConfig(config, located, folder.location);
  } catch (error) {
    await close();
    throw error;
  }
  const find = (name: string): Located => {
    const found = located.get(name);
    if (!found) throw new Error(`The checkpoint has no tensor "${name}".`);
    return found;
  };
  return {
    config,
    rawConfig: rawConfig as Record<string, unknown>,
    tensorNames: () => [...located.keys()],
    shape: (name) => [...find(name).entry.shape],
    dtype: (name) => find(name).entry.dtype,
    readTensor: async (name) => {
      const { source, entry } = find(name);
      return readTensor(source, entry);
    },
    close,
  };
}
