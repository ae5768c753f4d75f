import { InputError } from '../errors/inputErrors';
import { MANIFEST_FILE } from '../models/modelManifest';
import type { ModelPrecision } from '../models/modelPrecision';
import { registryModel } from '../models/modelRegistry';
import { httpModelReader } from './httpModelReader';
import { type CompletionMarker, completePrecisions, type ModelFolderStore, readMarker, readStoredManifest, writeMarker } from './modelCache';
import { MissingModelFileError, type ModelFileReader } from './modelFiles';
import { opfsModelStore } from './opfsModelStore';

const hasOpfs = () => typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';

/**
 * Reads a cached model. Its files were hashed when they entered the cache and the marker records
 * each one's sha256, so the engine loads the large ones on their size and that record alone, and
 * hashes them only if onnxruntime refuses them; a file found changed is then discarded here (the
 * marker forgets it, so the model manager offers to fetch it again).
 */
function cacheReader(store: ModelFolderStore, id: string, manifestBytes: Uint8Array, marker: CompletionMarker): ModelFileReader {
  const discard = async (path: string) => {
    delete marker.verified[path];
    await store.remove(id, path);
    await writeMarker(store, id, marker);
  };
  return {
    location: `the cached ${id}`,
    discard,
    checkedOnEntry: (path, sha256) => marker.verified[path] === sha256,
    async read(path) {
      if (path === MANIFEST_FILE) return manifestBytes;
      if (!marker.verified[path]) throw new MissingModelFileError(`${path} is not in the cached ${id}; download that precision in the model manager.`, path);
      const blob = await store.file(id, path);
      if (!blob) {
        await discard(path);
        throw new InputError(`The cached ${path} of ${id} is missing: download ${id} again in the model manager; only that file is fetched.`);
      }
      return new Uint8Array(await blob.arrayBuffer());
    },
  };
}

/**
 * Where the engine reads a model from: the cache (downloaded or loaded from a folder) when it holds
 * the precision completely, else the site's `models/<id>/` (the generated demo models, or a folder
 * the site serves). A download still running or interrupted is refused with a message, never read half.
 */
export async function openModelReader(id: string, siteUrl: string, precision: ModelPrecision, store: ModelFolderStore | null = hasOpfs() ? opfsModelStore : null): Promise<ModelFileReader> {
  const fromSite = () => httpModelReader(new URL(`models/${id}/`, siteUrl).href);
  if (!store) return fromSite();
  const stored = await readStoredManifest(store, id).catch(() => null);
  if (!stored) return fromSite();
  const marker = await readMarker(store, id);
  const complete = completePrecisions(stored.manifest, stored.sha256, marker);
  if (marker && complete.includes(precision)) {
    const blob = await store.file(id, MANIFEST_FILE);
    return cacheReader(store, id, new Uint8Array(await blob!.arrayBuffer()), marker);
  }
  // The site serves the demo models whole: no reason to wait for their copy in the cache.
  if (registryModel(id)?.origin.kind === 'generated') return fromSite();
  if (complete.length > 0) throw new InputError(`${id} is cached at ${complete.join(', ')} only, not ${precision}: download ${precision} in the model manager, or choose ${complete[0]}.`);
  throw new InputError(`${id} is not completely downloaded: its download is still running or was interrupted. Finish it in the model manager (Download resumes it), then generate.`);
}
