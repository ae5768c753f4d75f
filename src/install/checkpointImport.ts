import { checkpointKind } from '../convert/checkpointKind';
import { InputError } from '../errors/inputErrors';
import type { CachedModel } from '../models/cachedModel';
import type { ModelPrecision } from '../models/modelPrecision';
import { isModelId } from '../models/modelRegistry';
import type { InstallOptions } from '../runtime/modelInstall';
import { blobFolder } from './blobFolder';
import { convertIntoCache } from './convertIntoCache';

/**
 * Converts a checkpoint folder from the user's disk in the browser, as `builder convert` would:
 * named after config.json's `_name_or_path` (its last part, lower-cased), of the kind the family
 * table recognises (checkpointKind).
 */
export async function importCheckpointFolder(files: ReadonlyMap<string, Blob>, options: InstallOptions & { precision: ModelPrecision }): Promise<CachedModel> {
  const config = JSON.parse(
    await files
      .get('config.json')!
      .text()
      .catch(() => '{}'),
  ) as Record<string, unknown>;
  const named = String(config._name_or_path ?? '')
    .split('/')
    .pop()!
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-');
  const id = isModelId(named)
    ? named
    : `${String(config.model_type ?? 'checkpoint')
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')}-checkpoint`;
  if (!isModelId(id)) throw new InputError("The folder's config.json names no model_type: it is not a Hugging Face checkpoint Builder can convert.");
  const folder = blobFolder('the opened folder', files.keys(), async (path) => files.get(path) ?? null);
  return convertIntoCache(folder, { ...options, id, kind: await checkpointKind(folder, id) });
}
