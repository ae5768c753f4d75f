import { InputError } from '../errors/inputErrors';
import type { CachedModel } from '../models/cachedModel';
import { MANIFEST_FILE, parseManifest } from '../models/modelManifest';
import { isModelId } from '../models/modelRegistry';
import { filesToInstall, type InstallOptions, installModel } from './modelInstall';

/**
 * Installs a model folder the user picked or dropped into the cache, so the engine reads it like a
 * downloaded one. `files` maps paths inside the folder (`onnx/model_q4.onnx`) to their contents.
 * Every precision the folder holds completely is taken; each file is checked against the manifest
 * after it is stored.
 */
export async function importModelFolder(files: ReadonlyMap<string, Blob>, options: InstallOptions): Promise<CachedModel> {
  const manifestBlob = files.get(MANIFEST_FILE);
  if (!manifestBlob) {
    throw new InputError(`The folder has no ${MANIFEST_FILE}: it is not a converted model folder (builder convert writes one; see the README).`);
  }
  const manifestBytes = new Uint8Array(await manifestBlob.arrayBuffer());
  const manifest = parseManifest(new TextDecoder().decode(manifestBytes));
  if (!isModelId(manifest.id)) throw new InputError(`manifest.json names the model "${manifest.id}"; an id is lower-case letters, digits, ".", "_" or "-".`);
  for (const file of manifest.files) {
    const blob = files.get(file.path);
    if (blob && blob.size !== file.bytes) throw new InputError(`${file.path} has ${blob.size} bytes but manifest.json lists ${file.bytes}: the file is truncated or not this model's.`);
  }
  const wanted = filesToInstall(manifest, 'all', (file) => files.has(file.path));
  if (wanted.length === 0) {
    const missing = manifest.files.filter((f) => !files.has(f.path)).map((f) => f.path);
    throw new InputError(`The folder does not hold all the files of any precision of ${manifest.id}; missing: ${missing.join(', ')}.`);
  }
  return installModel(
    manifestBytes,
    manifest,
    wanted,
    {
      async fill(file, offset, open, count) {
        const writer = await open(offset);
        try {
          const reader = files.get(file.path)!.slice(offset).stream().getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            await writer.write(value);
            count(value.byteLength);
          }
        } finally {
          await writer.close();
        }
      },
    },
    options,
  );
}
